import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import eventsPlugin from '@backstage/plugin-events-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
// The harness that runs GPU Fleet with real agents under its real policy;
// the policy package does not export it (yet), so it is read from its source.
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  orgCatalogYaml,
  PEOPLE,
  startPolicyFleet,
} from '@gpu-fleet/plugin-permission-backend-module-gpu-fleet-policy/src/__testUtils__/startPolicyFleet';
import catalogModuleGpuFleet from './index';

jest.setTimeout(240_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const WORKSPACE = 'ml-inference';
const PORTAL = 'http://localhost:3000/gpu-fleet';

/**
 * Retries an assertion until the catalog has caught up. The limit only
 * turns a hang into the last failure's message; nothing asserts on time.
 */
async function eventually<T>(assertion: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + 90_000;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > giveUpAt) throw error;
      await new Promise(r => setTimeout(r, 250));
    }
  }
}

function vllm(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'Service',
    template: 'vllm',
    name: 'llama',
    workspace: WORKSPACE,
    image: 'vllm/vllm-openai:v0.6.4',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    resources: { gpu: { type: 'H100', count: 1 }, cpu: '8', memory: '64Gi' },
    replicas: { min: 1, max: 1 },
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'GPU Fleet in the real catalog on %s',
  (databaseId: TestDatabaseId) => {
    let fleet: Awaited<ReturnType<typeof startPolicyFleet>>;
    let dir: string;
    let catalogBase: string;
    // One scheduler for every plugin, which runs a task only when a test
    // triggers it: whatever appears before the provider's full refresh is
    // triggered came through the registry's events.
    const scheduler = mockServices.scheduler();

    /** The entity as a signed-in person reads it from the catalog's REST API. */
    async function entity(ref: string, authorization: string | undefined) {
      const { kind, namespace, name } = parseEntityRef(ref);
      return fetch(
        `${catalogBase}/entities/by-name/${kind}/${namespace}/${name}`,
        { headers: authorization ? { Authorization: authorization } : {} },
      );
    }
    const present = (ref: string) =>
      eventually(async () => {
        const res = await entity(ref, fleet.as.viewer);
        expect(res.status).toBe(200);
        return (await res.json()) as Entity;
      });
    const gone = (ref: string) =>
      eventually(async () =>
        expect((await entity(ref, fleet.as.viewer)).status).toBe(404),
      );
    const waitForInventory = (cluster: string) =>
      eventually(async () => {
        const res = await fleet.call(
          'GET',
          `/clusters/${cluster}/inventory`,
          fleet.as.fleetAdmin,
        );
        expect((await res.json()).nodes?.length).toBeGreaterThan(0);
      });

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-catalog-'));
      const org = path.join(dir, 'org.yaml');
      fs.writeFileSync(org, orgCatalogYaml());
      fleet = await startPolicyFleet(await databases.init(databaseId), dir, {
        inventory: true,
        realCatalog: true,
        features: [
          catalogPlugin,
          catalogModuleGpuFleet,
          eventsPlugin,
          // The real events service, so events cross from gpu-fleet to the catalog.
          eventsServiceFactory,
          createServiceFactory({
            service: coreServices.scheduler,
            deps: {},
            factory: () => scheduler,
          }),
        ],
        gpuFleet: {
          gitops: {
            url: path.join(dir, 'gitops.git'),
            workingDirectory: path.join(dir, 'gitops-clone'),
          },
        },
        config: {
          app: { baseUrl: 'http://localhost:3000' },
          // Subscribers' long polls end soon, so the backend stops soon.
          events: { notifyTimeoutMs: 1000 },
          catalog: {
            rules: [{ allow: ['Component', 'Resource', 'Group', 'User'] }],
            locations: [{ type: 'file', target: org }],
            providers: {
              gpuFleet: {
                schedule: {
                  frequency: { trigger: 'manual' },
                  timeout: { minutes: 2 },
                },
              },
            },
          },
        },
      });
      catalogBase = fleet.base.replace(/\/gpu-fleet$/, '/catalog');
      // Workspace roles come from catalog groups: the org must be read first.
      await present('user:default/bob');
      await present('group:default/llm-team');
    });

    afterAll(async () => {
      await fleet?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('shows an attached cluster as a Resource, to signed-in people only', async () => {
      const cluster = await eventually(async () => {
        const found = await present('resource:gpu-fleet-clusters/eks-p5');
        expect(found.metadata.labels?.['gpu-fleet.io/status']).toBe(
          'connected',
        );
        return found;
      });
      expect(cluster).toMatchObject({
        kind: 'Resource',
        metadata: {
          namespace: 'gpu-fleet-clusters',
          name: 'eks-p5',
          title: 'eks-p5',
          labels: { 'gpu-fleet.io/provider': 'eks' },
          annotations: {
            'gpu-fleet.io/cluster': 'eks-p5',
            'backstage.io/managed-by-location': `url:${PORTAL}/clusters/eks-p5`,
          },
          links: [{ url: `${PORTAL}/clusters/eks-p5` }],
        },
        spec: {
          type: 'kubernetes-cluster',
          owner: 'group:default/ml-platform',
        },
      });
      expect(cluster.relations).toContainEqual({
        type: 'ownedBy',
        targetRef: 'group:default/ml-platform',
      });
      for (const refused of [undefined, fleet.refused.forged]) {
        const res = await entity('resource:gpu-fleet-clusters/eks-p5', refused);
        expect(res.status).toBe(401);
      }
    });

    it('brings GPU counts up to date on the scheduled full refresh, which no event announces', async () => {
      await waitForInventory('eks-p5');
      const gpusNow = async () => {
        const capacity = await (
          await fleet.call(
            'GET',
            '/capacity?groupBy=cluster,gpuType&cluster=eks-p5',
            fleet.as.fleetAdmin,
          )
        ).json();
        return capacity.rows.map((row: any) => ({
          type: row.key.gpuType,
          count: row.total,
        }));
      };
      const before = await gpusNow();
      expect(before).toEqual([{ type: 'H100', count: expect.any(Number) }]);
      await scheduler.triggerTask('gpu-fleet-entity-provider:refresh');
      await eventually(async () => {
        const cluster = await present('resource:gpu-fleet-clusters/eks-p5');
        expect(cluster.spec?.gpus).toEqual(before);
      });

      // One more H100 node joins: the agent reports it, nothing is announced.
      const gpuNode = fleet.sim.store
        .listObjects('v1', 'Node')
        .find(n => (n as any).status?.allocatable?.['nvidia.com/gpu'])!;
      const added = Number(
        (gpuNode as any).status.allocatable['nvidia.com/gpu'],
      );
      fleet.sim.store.createObject({
        ...gpuNode,
        metadata: {
          name: `${gpuNode.metadata.name}-extra`,
          labels: gpuNode.metadata.labels,
        },
      });
      const after = [{ type: 'H100', count: before[0].count + added }];
      await eventually(async () => expect(await gpusNow()).toEqual(after));
      const stale = await present('resource:gpu-fleet-clusters/eks-p5');
      expect(stale.spec?.gpus).toEqual(before);

      await scheduler.triggerTask('gpu-fleet-entity-provider:refresh');
      await eventually(async () => {
        const cluster = await present('resource:gpu-fleet-clusters/eks-p5');
        expect(cluster.spec?.gpus).toEqual(after);
        expect(cluster.metadata.tags).toEqual(['gpu', 'eks', 'h100']);
      });
    });

    it('adds a workspace Resource that depends on its cluster and is owned by its admins’ group', async () => {
      const res = await fleet.call('POST', '/workspaces', fleet.as.fleetAdmin, {
        name: WORKSPACE,
        cluster: 'eks-p5',
        displayName: 'ML inference',
        gpuQuota: [{ gpuType: 'H100', count: 16 }],
        members: [
          { ref: 'group:default/ml-research', role: 'admin' },
          { ref: PEOPLE.viewer.ref, role: 'viewer' },
        ],
      });
      expect(res.status).toBe(201);
      const workspace = await present(
        `resource:gpu-fleet-workspaces/${WORKSPACE}`,
      );
      expect(workspace).toMatchObject({
        metadata: {
          title: 'ML inference',
          annotations: {
            'gpu-fleet.io/workspace': WORKSPACE,
            'gpu-fleet.io/cluster': 'eks-p5',
          },
          links: [{ url: `${PORTAL}/workspaces/${WORKSPACE}` }],
        },
        spec: {
          type: 'gpu-fleet-workspace',
          owner: 'group:default/ml-research',
          dependsOn: ['resource:gpu-fleet-clusters/eks-p5'],
        },
      });
      expect(workspace.relations).toEqual(
        expect.arrayContaining([
          {
            type: 'dependsOn',
            targetRef: 'resource:gpu-fleet-clusters/eks-p5',
          },
          { type: 'ownedBy', targetRef: 'group:default/ml-research' },
        ]),
      );
    });

    it('adds a Component for a deployment whose Kubernetes annotations find its objects, follows its retarget, and drops it when deleted', async () => {
      await waitForInventory('eks-p5');
      const created = await fleet.call(
        'POST',
        '/deployments',
        fleet.as.deployer,
        vllm(),
      );
      expect(created.status).toBe(201);
      const component = await present(`component:${WORKSPACE}/llama`);
      expect(component).toMatchObject({
        metadata: {
          namespace: WORKSPACE,
          name: 'llama',
          annotations: {
            'backstage.io/kubernetes-id': 'llama',
            'backstage.io/kubernetes-namespace': WORKSPACE,
            'backstage.io/kubernetes-cluster': 'eks-p5',
            'backstage.io/kubernetes-label-selector': `app.kubernetes.io/managed-by=gpu-fleet,gpu-fleet.io/workspace=${WORKSPACE},gpu-fleet.io/deployment=llama`,
          },
          links: [
            { url: `${PORTAL}/workspaces/${WORKSPACE}/deployments/llama` },
          ],
        },
        spec: {
          type: 'service',
          lifecycle: 'production',
          owner: 'group:default/ml-research',
          dependsOn: [
            'resource:gpu-fleet-clusters/eks-p5',
            `resource:gpu-fleet-workspaces/${WORKSPACE}`,
          ],
        },
      });
      const selector =
        component.metadata.annotations![
          'backstage.io/kubernetes-label-selector'
        ];
      // The selector finds exactly this deployment's objects, and its pods.
      const selected = (apiVersion: string, kind: string) =>
        fleet.sim.store
          .listObjects(apiVersion, kind, WORKSPACE, { labelSelector: selector })
          .map(o => o.metadata.name);
      expect(selected('apps/v1', 'Deployment')).toEqual(['llama']);
      expect(selected('v1', 'Service')).toEqual(['llama']);
      await eventually(async () =>
        expect(selected('v1', 'Pod').length).toBeGreaterThan(0),
      );

      const lambda = await fleet.attachCluster(
        'lambda-h200',
        'lambda',
        'lambda-h200',
        { inventory: true },
      );
      await present('resource:gpu-fleet-clusters/lambda-h200');
      await waitForInventory('lambda-h200');
      const moved = await fleet.call(
        'PUT',
        `/workspaces/${WORKSPACE}/deployments/llama`,
        fleet.as.deployer,
        vllm({
          cluster: 'lambda-h200',
          resources: {
            gpu: { type: 'H200', count: 1 },
            cpu: '8',
            memory: '64Gi',
          },
        }),
      );
      expect(moved.status).toBe(200);
      const retargeted = await eventually(async () => {
        const found = await present(`component:${WORKSPACE}/llama`);
        expect(
          found.metadata.annotations!['backstage.io/kubernetes-cluster'],
        ).toBe('lambda-h200');
        return found;
      });
      expect(retargeted.spec!.dependsOn).toEqual([
        'resource:gpu-fleet-clusters/lambda-h200',
        `resource:gpu-fleet-workspaces/${WORKSPACE}`,
      ]);
      await eventually(async () =>
        expect(
          lambda.sim.store
            .listObjects('v1', 'Pod', WORKSPACE, { labelSelector: selector })
            .map(o => o.metadata.labels?.['gpu-fleet.io/deployment']),
        ).toContain('llama'),
      );

      const deleted = await fleet.call(
        'DELETE',
        `/workspaces/${WORKSPACE}/deployments/llama`,
        fleet.as.deployer,
      );
      expect(deleted.status).toBeLessThan(300);
      await gone(`component:${WORKSPACE}/llama`);
    });

    it('drops a deleted workspace, and a detached cluster with the workspaces on it', async () => {
      const deleted = await fleet.call(
        'DELETE',
        `/workspaces/${WORKSPACE}`,
        fleet.as.fleetAdmin,
      );
      expect(deleted.status).toBe(204);
      await gone(`resource:gpu-fleet-workspaces/${WORKSPACE}`);

      const batch = await fleet.call(
        'POST',
        '/workspaces',
        fleet.as.fleetAdmin,
        {
          name: 'batch',
          cluster: 'eks-p5',
        },
      );
      expect(batch.status).toBe(201);
      await present('resource:gpu-fleet-workspaces/batch');
      const detached = await fleet.call(
        'DELETE',
        '/clusters/eks-p5',
        fleet.as.fleetAdmin,
      );
      expect(detached.status).toBe(200);
      await gone('resource:gpu-fleet-clusters/eks-p5');
      await gone('resource:gpu-fleet-workspaces/batch');
      // The other cluster stays.
      await present('resource:gpu-fleet-clusters/lambda-h200');
    });
  },
);
