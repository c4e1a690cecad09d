import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import type { Cluster } from '@gpu-fleet/plugin-gpu-fleet-common';
import { eventually, startTestPortal } from './__testUtils__/startTestPortal';
import { DEMO_CLUSTERS } from './demoClusters';
import { DemoFleet, startDemoFleet } from './startDemoFleet';

jest.setTimeout(120_000);

describe('startDemoFleet', () => {
  let fleet: DemoFleet | undefined;
  afterEach(async () => {
    await fleet?.stop();
    fleet = undefined;
  });

  it('attaches four simulated clusters and a real agent process connects each', async () => {
    const { baseUrl, apiToken } = await startTestPortal();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-fleet-'));

    fleet = await startDemoFleet({ baseUrl, apiToken, dataDir, anyPort: true });
    await fleet.waitUntilConnected();

    const listed = await fetch(`${baseUrl}/api/gpu-fleet/clusters`, {
      headers: { authorization: `Bearer ${apiToken}` },
    }).then(r => r.json());
    const byName = new Map<string, Cluster>(
      listed.items.map((c: Cluster) => [c.name, c]),
    );
    expect([...byName.keys()].sort()).toEqual(
      DEMO_CLUSTERS.map(c => c.name).sort(),
    );
    for (const demo of DEMO_CLUSTERS) {
      const cluster = byName.get(demo.name)!;
      expect(cluster).toMatchObject({
        status: 'connected',
        provider: demo.provider,
        region: demo.region,
      });
      // The agent told the registry the simulated API server's version.
      expect(cluster.kubernetesVersion).toMatch(/^v1\.\d+/);
    }

    // The registry's add-ons are the scenario's, and the simulator serves the CRDs of those it models.
    for (const { cluster, simulator } of fleet.clusters) {
      const addons = byName.get(cluster.name)!.addons;
      expect(addons).toEqual(simulator.scenario!.addons);
      for (const [addon, groupVersion] of [
        ['keda', 'keda.sh/v1alpha1'],
        ['argocd', 'argoproj.io/v1alpha1'],
        ['kueue', 'kueue.x-k8s.io/v1beta1'],
      ]) {
        const served = await fetch(`${simulator.url}/apis/${groupVersion}`);
        expect([addon, served.status]).toEqual([
          addon,
          (addons as string[]).includes(addon) ? 200 : 404,
        ]);
      }
    }
    // Autoscaled vLLM services (the ml-inference workspace) need KEDA on Lambda.
    expect(byName.get('lambda-h200')!.addons).toContain('keda');

    // Nodes come from each cluster's own simulator, through the tunnel.
    const nodes = await fetch(
      `${baseUrl}/api/gpu-fleet/clusters/oke-bm-h100/proxy/api/v1/nodes`,
      { headers: { authorization: `Bearer ${apiToken}` } },
    ).then(r => r.json());
    expect(
      nodes.items.map(
        (n: any) => n.metadata.labels['node.kubernetes.io/instance-type'],
      ),
    ).toContain('BM.GPU.H100.8');

    // Each agent reports its inventory: H100 and H200 per provider, as simulated.
    const capacity = () =>
      fetch(`${baseUrl}/api/gpu-fleet/capacity?groupBy=provider,gpuType`, {
        headers: { authorization: `Bearer ${apiToken}` },
      }).then(r => r.json());
    const figures = (body: any) =>
      body.rows.map((r: any) => ({
        ...r.key,
        total: r.total,
        allocated: r.allocated,
      }));
    await eventually(async () =>
      expect(figures(await capacity())).toEqual([
        { provider: 'coreweave', gpuType: 'H100', total: 32, allocated: 18 },
        { provider: 'eks', gpuType: 'H100', total: 24, allocated: 12 },
        { provider: 'lambda', gpuType: 'H200', total: 16, allocated: 8 },
        { provider: 'oke', gpuType: 'H100', total: 32, allocated: 16 },
      ]),
    );

    // A pod that takes 8 H100s on EKS, created through the portal's proxy.
    const created = await fetch(
      `${baseUrl}/api/gpu-fleet/clusters/eks-p5/proxy/api/v1/namespaces/default/pods`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${apiToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'finetune-0' },
          spec: {
            nodeName: 'ip-10-0-64-22.ec2.internal',
            containers: [
              {
                name: 'trainer',
                image: 'trainer',
                resources: { requests: { 'nvidia.com/gpu': '8' } },
              },
            ],
          },
        }),
      },
    );
    expect(created.status).toBe(201);
    await eventually(async () =>
      expect(figures(await capacity())).toContainEqual({
        provider: 'eks',
        gpuType: 'H100',
        total: 24,
        allocated: 20,
      }),
    );
  });

  it('gives an already attached cluster a fresh token on the next start', async () => {
    const { baseUrl, apiToken } = await startTestPortal();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-fleet-'));
    const clusters = [DEMO_CLUSTERS[1]];

    fleet = await startDemoFleet({
      baseUrl,
      apiToken,
      dataDir,
      clusters,
      anyPort: true,
    });
    await fleet.waitUntilConnected();
    await fleet.stop();
    // Someone changed the add-ons meanwhile; the next start brings them back to the scenario's.
    const changed = await fetch(
      `${baseUrl}/api/gpu-fleet/clusters/lambda-h200`,
      {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${apiToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ addons: ['cert-manager'] }),
      },
    );
    expect(changed.status).toBe(200);

    fleet = await startDemoFleet({
      baseUrl,
      apiToken,
      dataDir,
      clusters,
      anyPort: true,
    });
    await fleet.waitUntilConnected();
    const audit = await fetch(
      `${baseUrl}/api/gpu-fleet/clusters/lambda-h200/audit`,
      { headers: { authorization: `Bearer ${apiToken}` } },
    ).then(r => r.json());
    expect(audit.items.map((e: { action: string }) => e.action)).toContain(
      'token.rotated',
    );
    const cluster = await fetch(
      `${baseUrl}/api/gpu-fleet/clusters/lambda-h200`,
      {
        headers: { authorization: `Bearer ${apiToken}` },
      },
    ).then(r => r.json());
    expect(cluster.addons).toEqual(
      fleet.clusters[0].simulator.scenario!.addons,
    );
  });
});
