import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  ClusterRegistryService,
  clusterRegistryServiceRef,
} from '@gpu-fleet/plugin-gpu-fleet-node';
import { startFleetBackend } from './__testUtils__/startFleetBackend';

describe('clusterRegistryServiceRef', () => {
  it('lets another plugin read the attached clusters with its own service token', async () => {
    let registry: ClusterRegistryService | undefined;
    const reader = createBackendPlugin({
      pluginId: 'reader',
      register(env) {
        env.registerInit({
          deps: {
            clusters: clusterRegistryServiceRef,
            logger: coreServices.logger,
          },
          async init({ clusters }) {
            registry = clusters;
          },
        });
      },
    });
    // Real auth: the reader's calls carry a plugin token the backend verifies.
    const { base, as } = await startFleetBackend({
      features: [reader],
      config: { backend: { baseUrl: 'http://localhost:0' } },
    });
    const attach = await fetch(`${base}/clusters`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: as.alice },
      body: JSON.stringify({ name: 'aks-nd-h100', provider: 'aks' }),
    });
    expect(attach.status).toBe(201);
    // The list is refused to a caller without a token, so the reader's reads
    // below are its own.
    expect((await fetch(`${base}/clusters`)).status).toBe(401);

    const clusters = await registry!.listClusters({ provider: 'aks' });
    expect(clusters.map(c => c.name)).toEqual(['aks-nd-h100']);
    expect(await registry!.getCluster('aks-nd-h100')).toMatchObject({
      provider: 'aks',
    });
    expect(await registry!.getCluster('missing')).toBeUndefined();
  });
});
