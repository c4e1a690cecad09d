import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  ClusterRegistryService,
  clusterRegistryServiceRef,
} from '@gpu-fleet/plugin-gpu-fleet-node';
import { gpuFleetPlugin } from './plugin';

describe('clusterRegistryServiceRef', () => {
  it('lets another plugin read the attached clusters', async () => {
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
    const { server } = await startTestBackend({
      features: [
        gpuFleetPlugin,
        reader,
        mockServices.rootConfig.factory({
          data: { backend: { baseUrl: 'http://localhost:0' } },
        }),
      ],
    });
    const baseUrl = `http://localhost:${server.port()}`;
    const attach = await fetch(`${baseUrl}/api/gpu-fleet/clusters`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${mockCredentials.user.token()}`,
      },
      body: JSON.stringify({ name: 'aks-nd-h100', provider: 'aks' }),
    });
    expect(attach.status).toBe(201);

    const clusters = await registry!.listClusters({ provider: 'aks' });
    expect(clusters.map(c => c.name)).toEqual(['aks-nd-h100']);
    expect(await registry!.getCluster('aks-nd-h100')).toMatchObject({
      provider: 'aks',
    });
    expect(await registry!.getCluster('missing')).toBeUndefined();
  });
});
