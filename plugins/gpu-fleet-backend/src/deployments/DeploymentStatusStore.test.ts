import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { ObservedDeployment } from '@gpu-fleet/plugin-gpu-fleet-common';
import { ClusterRegistry } from '../registry/ClusterRegistry';
import { ClusterStore } from '../registry/ClusterStore';
import { DeploymentStatusStore } from './DeploymentStatusStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const actor = 'user:default/alice';

function observed(
  name: string,
  overrides: Partial<ObservedDeployment> = {},
): ObservedDeployment {
  return {
    namespace: 'ml-inference',
    name,
    phase: 'Running',
    summary: '1/1 replicas ready',
    observedAt: '2026-12-02T10:00:00.000Z',
    replicas: { desired: 1, ready: 1, updated: 1, available: 1 },
    rollout: { complete: true, reason: 'NewReplicaSetAvailable' },
    conditions: [],
    pods: [
      {
        name: `${name}-7d9f8b6c5-x2x4k`,
        phase: 'Running',
        ready: true,
        restarts: 0,
        node: 'gpu-0',
      },
    ],
    events: [],
    objects: [{ apiVersion: 'apps/v1', kind: 'Deployment', name }],
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'DeploymentStatusStore on %s',
  databaseId => {
    async function setUp(clusters: string[]) {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@gpu-fleet/plugin-gpu-fleet-backend',
          'migrations',
        ),
      });
      const registry = new ClusterRegistry(new ClusterStore(knex), {
        controlPlaneUrl: 'wss://portal.example.com/api/gpu-fleet/agent/connect',
        chart: 'gpu-fleet/gpu-fleet-agent',
      });
      for (const name of clusters) {
        await registry.attach({ name, provider: 'eks' }, actor);
      }
      return {
        knex,
        registry,
        store: new DeploymentStatusStore(
          knex,
          () => new Date('2026-12-02T10:00:01Z'),
        ),
      };
    }

    it('replaces a cluster on a snapshot and touches only the named deployments on a delta', async () => {
      const { store } = await setUp(['eks-a', 'eks-b']);
      // More deployments than one multi-row statement carries.
      const many = Array.from({ length: 450 }, (_, i) =>
        observed(`svc-${String(i).padStart(3, '0')}`),
      );
      await store.applyReport('eks-a', {
        snapshot: true,
        deployments: many,
        removed: [],
      });
      await store.applyReport('eks-b', {
        snapshot: true,
        deployments: [observed('bert-pretrain')],
        removed: [],
      });
      expect(await store.listForCluster('eks-a')).toEqual(many);

      const pending = observed('svc-001', {
        phase: 'Pending',
        summary: '1 of 1 pod Pending: 0/4 nodes are available',
      });
      await store.applyReport('eks-a', {
        snapshot: false,
        deployments: [pending, observed('new-one', { namespace: 'training' })],
        removed: Array.from({ length: 250 }, (_, i) => ({
          namespace: 'ml-inference',
          name: `svc-${String(i + 100).padStart(3, '0')}`,
        })),
      });
      const listed = await store.listForCluster('eks-a');
      expect(listed.map(d => `${d.namespace}/${d.name}`)).toEqual([
        ...many
          .slice(0, 100)
          .concat(many.slice(350))
          .map(d => `ml-inference/${d.name}`),
        'training/new-one',
      ]);
      expect(await store.get('eks-a', 'ml-inference', 'svc-001')).toEqual(
        pending,
      );
      expect(
        await store.get('eks-a', 'ml-inference', 'svc-100'),
      ).toBeUndefined();

      // A snapshot replaces everything the cluster reported before.
      await store.applyReport('eks-a', {
        snapshot: true,
        deployments: [observed('only-one')],
        removed: [],
      });
      expect((await store.listForCluster('eks-a')).map(d => d.name)).toEqual([
        'only-one',
      ]);
      // The other cluster is untouched.
      expect(await store.listForCluster('eks-b')).toEqual([
        observed('bert-pretrain'),
      ]);
      expect(await store.get('eks-b', 'ml-inference', 'only-one')).toBe(
        undefined,
      );
    });

    it('applies reports sent back to back in the order they arrived', async () => {
      const { store } = await setUp(['eks-a']);
      await Promise.all([
        store.applyReport('eks-a', {
          snapshot: true,
          deployments: [observed('a'), observed('b')],
          removed: [],
        }),
        store.applyReport('eks-a', {
          snapshot: false,
          deployments: [observed('a', { phase: 'Degraded' })],
          removed: [{ namespace: 'ml-inference', name: 'b' }],
        }),
        store.applyReport('eks-a', {
          snapshot: false,
          deployments: [observed('c')],
          removed: [],
        }),
      ]);
      expect(
        (await store.listForCluster('eks-a')).map(d => [d.name, d.phase]),
      ).toEqual([
        ['a', 'Degraded'],
        ['c', 'Running'],
      ]);
    });

    it('refuses a malformed report naming the field, and changes nothing', async () => {
      const { store, knex } = await setUp(['eks-a']);
      await store.applyReport('eks-a', {
        snapshot: true,
        deployments: [observed('a')],
        removed: [],
      });
      const bad = store.applyReport('eks-a', {
        snapshot: true,
        deployments: [observed('b'), { ...observed('c'), phase: 'Exploded' }],
        removed: [],
      });
      await expect(bad).rejects.toThrow(
        /^deployments\[1\]\.phase: must be one of: Pending, Progressing/,
      );
      await expect(bad).rejects.toBeInstanceOf(InputError);
      expect((await store.listForCluster('eks-a')).map(d => d.name)).toEqual([
        'a',
      ]);
      const [row] = await knex('gpu_fleet_deployment_status').select();
      expect(row).toMatchObject({
        cluster: 'eks-a',
        namespace: 'ml-inference',
        name: 'a',
      });
      expect(new Date(row.updated_at).toISOString()).toBe(
        '2026-12-02T10:00:01.000Z',
      );
    });

    it("drops a cluster's rows when a detached cluster's name is attached again", async () => {
      const { store, registry } = await setUp(['eks-a']);
      await store.applyReport('eks-a', {
        snapshot: true,
        deployments: [observed('a')],
        removed: [],
      });
      await registry.detach('eks-a', actor);
      await registry.attach({ name: 'eks-a', provider: 'eks' }, actor);
      expect(await store.listForCluster('eks-a')).toEqual([]);
    });
  },
);
