import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import type {
  PlacementOptionsResponse,
  PlacementWorkspaceOption,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  Person,
  PEOPLE,
  startPolicyFleet,
} from './__testUtils__/startPolicyFleet';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const PERSONS = Object.keys(PEOPLE) as Person[];

async function eventually(assertion: () => Promise<void>) {
  for (let i = 0; ; i++) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (i > 150) throw error;
      await new Promise(r => setTimeout(r, 100));
    }
  }
}

describe.each(databases.eachSupportedId())(
  'placement options on %s',
  (databaseId: TestDatabaseId) => {
    let fleet: Awaited<ReturnType<typeof startPolicyFleet>>;
    let dir: string;

    const optionsFor = async (person: Person) => {
      const res = await fleet.call(
        'GET',
        '/placement-options',
        fleet.as[person],
      );
      expect(res.status).toBe(200);
      return (await res.json()) as PlacementOptionsResponse;
    };
    const option = (body: PlacementOptionsResponse, workspace: string) =>
      body.workspaces.find(w => w.workspace === workspace);

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-placement-'));
      fleet = await startPolicyFleet(await databases.init(databaseId), dir, {
        inventory: true,
        gpuFleet: {
          capacity: {
            currency: 'EUR',
            prices: [
              { gpuType: 'H100', perGpuHour: 4 },
              {
                provider: 'eks',
                gpuType: 'H100',
                capacityType: 'spot',
                perGpuHour: 1.5,
              },
              {
                provider: 'lambda',
                gpuType: 'H200',
                capacityType: 'on-demand',
                perGpuHour: 3.5,
              },
            ],
          },
        },
      });
      await fleet.attachCluster('lambda-h200', 'lambda', 'lambda-h200', {
        inventory: true,
      });
      const workspaces = [
        {
          name: 'llm-training',
          cluster: 'eks-p5',
          displayName: 'Distributed training',
          gpuQuota: [{ gpuType: 'H100', count: 16 }],
          defaults: {
            tolerations: [],
            nodeSelector: {},
            priorityClassName: null,
            capacityType: 'spot-with-fallback',
          },
          members: [
            { ref: 'group:default/ml-research', role: 'deployer' },
            { ref: PEOPLE.workspaceAdmin.ref, role: 'admin' },
            { ref: PEOPLE.viewer.ref, role: 'viewer' },
          ],
        },
        {
          name: 'ml-inference',
          cluster: 'lambda-h200',
          gpuQuota: [{ gpuType: 'H200', count: 8 }],
          members: [
            { ref: 'group:default/ml-research', role: 'deployer' },
            { ref: PEOPLE.viewer.ref, role: 'viewer' },
          ],
        },
        // Only fleet admins deploy here.
        { name: 'platform', cluster: 'eks-p5' },
      ];
      for (const workspace of workspaces) {
        const res = await fleet.call(
          'POST',
          '/workspaces',
          fleet.as.fleetAdmin,
          workspace,
        );
        if (res.status !== 201) throw new Error(await res.text());
      }
      // Both agents' first inventory reports.
      for (let i = 0; ; i++) {
        const res = await fleet.call(
          'GET',
          '/placement-options',
          fleet.as.fleetAdmin,
        );
        const body = (await res.json()) as PlacementOptionsResponse;
        if (body.workspaces?.every(w => w.gpuTypes.length > 0)) break;
        if (i > 150) throw new Error(`no inventory: ${JSON.stringify(body)}`);
        await new Promise(r => setTimeout(r, 100));
      }
    });

    afterAll(async () => {
      await fleet?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('lists for each person only the workspaces they may deploy into', async () => {
      const seen: Record<string, string[]> = {};
      for (const person of PERSONS) {
        seen[person] = (await optionsFor(person)).workspaces.map(
          w => w.workspace,
        );
      }
      expect(seen).toEqual({
        fleetAdmin: ['llm-training', 'ml-inference', 'platform'],
        // Admin of llm-training only.
        workspaceAdmin: ['llm-training'],
        // Through llm-team, inside ml-research.
        deployer: ['llm-training', 'ml-inference'],
        // Reads both, deploys into neither.
        viewer: [],
        nobody: [],
      });
    });

    it('tells free GPUs per type and per node, and what a GPU-hour costs the workspace', async () => {
      const body = await optionsFor('deployer');
      expect(body.currency).toBe('EUR');
      // eks-p5: three 8 × H100 nodes; bert-large takes all of one on-demand
      // node, a sweep trial half of the spot node.
      expect(option(body, 'llm-training')).toEqual<PlacementWorkspaceOption>({
        workspace: 'llm-training',
        displayName: 'Distributed training',
        cluster: 'eks-p5',
        clusterDisplayName: 'eks-p5',
        provider: 'eks',
        namespace: 'llm-training',
        capacityType: 'spot-with-fallback',
        gpuQuota: [{ gpuType: 'H100', count: 16 }],
        reportedAt: expect.any(String),
        gpuTypes: [
          {
            gpuType: 'H100',
            total: 24,
            free: 12,
            maxPerNode: 8,
            freeByNode: [
              { free: 8, nodes: 1 },
              { free: 4, nodes: 1 },
            ],
            pricePerGpuHour: { onDemand: 4, spot: 1.5 },
          },
        ],
      });
      // lambda-h200: two 8 × H200 nodes, one taken by a fine-tune; the
      // finished eval pod holds none. No spot price is set for Lambda.
      expect(option(body, 'ml-inference')).toMatchObject({
        cluster: 'lambda-h200',
        provider: 'lambda',
        capacityType: 'on-demand',
        gpuTypes: [
          {
            gpuType: 'H200',
            total: 16,
            free: 8,
            maxPerNode: 8,
            freeByNode: [{ free: 8, nodes: 1 }],
            pricePerGpuHour: { onDemand: 3.5, spot: null },
          },
        ],
      });
    });

    it('follows the cluster as nodes change', async () => {
      const proxy = `${fleet.base}/clusters/eks-p5/proxy/api/v1/nodes`;
      const nodes = await fetch(
        `${proxy}?labelSelector=${encodeURIComponent(
          'eks.amazonaws.com/capacityType=SPOT',
        )}`,
        { headers: { Authorization: fleet.as.fleetAdmin } },
      );
      expect(nodes.status).toBe(200);
      const [spot] = (await nodes.json()).items;
      const cordon = (unschedulable: boolean) =>
        fetch(`${proxy}/${spot.metadata.name}`, {
          method: 'PATCH',
          headers: {
            Authorization: fleet.as.fleetAdmin,
            'Content-Type': 'application/merge-patch+json',
          },
          body: JSON.stringify({ spec: { unschedulable } }),
        });
      expect((await cordon(true)).status).toBe(200);
      try {
        await eventually(async () => {
          const h100 = option(await optionsFor('deployer'), 'llm-training')!
            .gpuTypes[0];
          expect(h100).toMatchObject({
            total: 24,
            free: 8,
            freeByNode: [{ free: 8, nodes: 1 }],
          });
        });
      } finally {
        expect((await cordon(false)).status).toBe(200);
      }
      await eventually(async () => {
        const h100 = option(await optionsFor('deployer'), 'llm-training')!
          .gpuTypes[0];
        expect(h100.free).toBe(12);
      });
    });

    it('refuses a request without a valid token', async () => {
      for (const authorization of [
        undefined,
        fleet.refused.forged,
        fleet.refused.expired,
      ]) {
        const res = await fleet.call(
          'GET',
          '/placement-options',
          authorization,
        );
        expect(res.status).toBe(401);
      }
    });

    it('answers an unknown query parameter with a 400 naming it', async () => {
      const res = await fleet.call(
        'GET',
        '/placement-options?workspace=training',
        fleet.as.deployer,
      );
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toContain('workspace');
    });
  },
);
