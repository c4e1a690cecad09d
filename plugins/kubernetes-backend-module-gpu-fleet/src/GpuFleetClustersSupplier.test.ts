import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import { Cluster } from '@gpu-fleet/plugin-gpu-fleet-common';
import { AttachedClusters } from './AttachedClusters';
import {
  GpuFleetAuthStrategy,
  GPU_FLEET_TOKEN_METADATA_KEY,
} from './GpuFleetAuthStrategy';
import { GpuFleetClustersSupplier } from './GpuFleetClustersSupplier';

function cluster(name: string, detachedAt: string | null = null): Cluster {
  return {
    name,
    displayName: `${name} (display)`,
    provider: 'eks',
    region: null,
    description: null,
    labels: {},
    addons: [],
    status: detachedAt ? 'revoked' : 'connected',
    agentVersion: null,
    kubernetesVersion: null,
    lastSeenAt: null,
    createdBy: 'user:default/alice',
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
    detachedAt,
  };
}

const fromConfig: ClusterDetails = {
  name: 'staging',
  url: 'https://staging.example.com',
  authMetadata: {
    'kubernetes.io/auth-provider': 'serviceAccount',
    serviceAccountToken: 'static',
  },
};

/** A registry that counts its reads; the real one is an HTTP call. */
function registry(clusters: Cluster[]) {
  const reads = { count: 0 };
  return {
    reads,
    async listClusters() {
      reads.count += 1;
      return clusters;
    },
  };
}

function supplier(clusters: Cluster[], configured = [fromConfig]) {
  const source = registry(clusters);
  const warnings: string[] = [];
  const logger = mockServices.logger.mock();
  logger.warn.mockImplementation(message => {
    warnings.push(message);
  });
  return {
    source,
    warnings,
    supplier: new GpuFleetClustersSupplier({
      configured: { getClusters: async () => configured },
      attached: new AttachedClusters(source),
      auth: mockServices.auth(),
      discovery: mockServices.discovery(),
      logger,
    }),
  };
}

describe('GpuFleetClustersSupplier', () => {
  it('adds the attached registry clusters after the configured ones, reached through the proxy route', async () => {
    const { supplier: s } = supplier([
      cluster('eks-p5'),
      cluster('gone', '2025-02-01T00:00:00Z'),
    ]);
    const clusters = await s.getClusters({
      credentials: mockCredentials.user('user:default/bob'),
    });
    expect(clusters.map(c => c.name)).toEqual(['staging', 'eks-p5']);
    expect(clusters[1]).toMatchObject({
      title: 'eks-p5 (display)',
      url: 'http://localhost:0/api/gpu-fleet/clusters/eks-p5/proxy',
      skipMetricsLookup: true,
      authMetadata: { 'kubernetes.io/auth-provider': 'gpufleet' },
    });
  });

  it('mints each caller a token of their own, on behalf of that caller', async () => {
    const { supplier: s } = supplier([cluster('eks-p5')]);
    const tokenFor = async (ref: string) => {
      const [, gpuFleet] = await s.getClusters({
        credentials: mockCredentials.user(ref),
      });
      return (await new GpuFleetAuthStrategy().getCredential(gpuFleet, {})) as {
        token: string;
      };
    };
    const bob = await tokenFor('user:default/bob');
    const dave = await tokenFor('user:default/dave');
    expect(bob.token).toBe(
      mockCredentials.service.token({
        onBehalfOf: mockCredentials.user('user:default/bob'),
        targetPluginId: 'gpu-fleet',
      }),
    );
    expect(dave.token).toBe(
      mockCredentials.service.token({
        onBehalfOf: mockCredentials.user('user:default/dave'),
        targetPluginId: 'gpu-fleet',
      }),
    );
  });

  it('gives a service caller only the configured clusters: its token would reach GPU Fleet as this plugin', async () => {
    const { supplier: s, source } = supplier([cluster('eks-p5')]);
    const clusters = await s.getClusters({
      credentials: mockCredentials.service('plugin:catalog'),
    });
    expect(clusters).toEqual([fromConfig]);
    expect(source.reads.count).toBe(0);
  });

  it('keeps the configured cluster when the registry has one of the same name, and says so once', async () => {
    const { supplier: s, warnings } = supplier([
      cluster('staging'),
      cluster('eks-p5'),
    ]);
    const credentials = mockCredentials.user('user:default/bob');
    await s.getClusters({ credentials });
    const clusters = await s.getClusters({ credentials });
    expect(clusters.map(c => [c.name, c.url])).toEqual([
      ['staging', 'https://staging.example.com'],
      ['eks-p5', 'http://localhost:0/api/gpu-fleet/clusters/eks-p5/proxy'],
    ]);
    expect(warnings).toEqual([
      "GPU Fleet cluster 'staging' is not offered to the Kubernetes plugin: app-config already has a cluster of that name, which wins",
    ]);
  });
});

describe('AttachedClusters', () => {
  it('reads the registry once per TTL, sharing a read in progress', async () => {
    const source = registry([cluster('eks-p5')]);
    const attached = new AttachedClusters(source, 60_000);
    await Promise.all([attached.list(), attached.list()]);
    await attached.list();
    expect(source.reads.count).toBe(1);

    const expired = new AttachedClusters(source, 0);
    await expired.list();
    await expired.list();
    expect(source.reads.count).toBe(3);
  });

  it('keeps no failed read', async () => {
    let fail = true;
    const attached = new AttachedClusters({
      async listClusters() {
        if (fail) throw new Error('registry unreachable');
        return [cluster('eks-p5')];
      },
    });
    await expect(attached.list()).rejects.toThrow('registry unreachable');
    fail = false;
    expect((await attached.list()).map(c => c.name)).toEqual(['eks-p5']);
  });
});

describe('GpuFleetAuthStrategy', () => {
  const strategy = new GpuFleetAuthStrategy();

  it('shows the browser nothing of the token', () => {
    expect(
      strategy.presentAuthMetadata({
        'kubernetes.io/auth-provider': 'gpufleet',
        [GPU_FLEET_TOKEN_METADATA_KEY]: 'secret',
      }),
    ).toEqual({});
  });

  it('refuses a configured cluster naming it, which could never carry a token', async () => {
    expect(
      strategy.validateCluster({ 'kubernetes.io/auth-provider': 'gpufleet' }),
    ).toEqual([expect.any(Error)]);
    await expect(
      strategy.getCredential(
        {
          name: 'x',
          url: 'https://x.example.com',
          authMetadata: { 'kubernetes.io/auth-provider': 'gpufleet' },
        },
        {},
      ),
    ).rejects.toThrow("cluster 'x' carries no GPU Fleet token");
  });
});
