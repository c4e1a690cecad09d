import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { gpuNode } from '../__testUtils__/gpuNode';
import { ClusterRegistry } from '../registry/ClusterRegistry';
import { ClusterStore } from '../registry/ClusterStore';
import { InventoryStore } from './InventoryStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const actor = 'user:default/alice';

describe.each(databases.eachSupportedId())(
  'InventoryStore on %s',
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
      return { knex, registry, store: new InventoryStore(knex) };
    }

    it('replaces a cluster on a snapshot and touches only the named nodes on a delta', async () => {
      const { store } = await setUp(['eks-a', 'eks-b']);
      const t0 = new Date('2026-11-01T10:00:00.123Z');
      const t1 = new Date('2026-11-01T10:00:05.456Z');
      // More nodes than one multi-row statement carries.
      const many = Array.from({ length: 450 }, (_, i) => gpuNode(`a${i}`));
      await store.replace('eks-a', many, t0);
      await store.replace('eks-b', [gpuNode('b0')], t0);
      await store.replace(
        'eks-a',
        [...many.slice(0, 300), gpuNode('x', { gpuType: 'H200' })],
        t0,
      );

      let loaded = await store.loadAll();
      expect(loaded.get('eks-a')?.nodes).toHaveLength(301);
      expect(loaded.get('eks-a')?.reportedAt).toEqual(t0);

      const version = await store.applyDelta(
        'eks-a',
        [gpuNode('a1', { gpuAllocated: 8, schedulable: false }), gpuNode('y')],
        Array.from({ length: 250 }, (_, i) => `a${i + 2}`),
        t1,
      );
      expect(version).toBe(3);
      loaded = await store.loadAll();
      const nodes = loaded.get('eks-a')!.nodes;
      expect(nodes.map(n => n.name).sort()).toEqual(
        [
          'a0',
          'a1',
          ...Array.from({ length: 48 }, (_, i) => `a${i + 252}`),
          'x',
          'y',
        ].sort(),
      );
      expect(nodes.find(n => n.name === 'a1')).toEqual(
        gpuNode('a1', { gpuAllocated: 8, schedulable: false }),
      );
      expect(loaded.get('eks-a')!.reportedAt).toEqual(t1);
      // The other cluster is untouched.
      expect(loaded.get('eks-b')).toEqual({
        reportedAt: t0,
        version: 1,
        nodes: [gpuNode('b0')],
      });
      // Every report of a cluster moves its version on, for other replicas to notice.
      expect(loaded.get('eks-a')!.version).toBe(3);
      expect(await store.versions()).toEqual(
        new Map([
          ['eks-a', 3],
          ['eks-b', 1],
        ]),
      );
    });

    it('forgets one cluster, and a re-attach under the same name starts empty', async () => {
      const { store, registry } = await setUp(['eks-a', 'eks-b']);
      const at = new Date('2026-11-01T10:00:00Z');
      await store.replace('eks-a', [gpuNode('a0')], at);
      await store.replace('eks-b', [gpuNode('b0')], at);

      await store.forget('eks-a');
      expect([...(await store.loadAll()).keys()]).toEqual(['eks-b']);

      await registry.detach('eks-b', actor);
      await registry.attach({ name: 'eks-b', provider: 'eks' }, actor);
      expect((await store.loadAll()).size).toBe(0);
    });

    it('keeps capacity samples between two instants, filters them, and prunes the old ones', async () => {
      const { store } = await setUp([]);
      const t0 = new Date('2026-11-01T10:00:00Z');
      const t1 = new Date('2026-11-01T10:01:00Z');
      const t2 = new Date('2026-11-01T10:02:00Z');
      const sample = (
        provider: string,
        cluster: string,
        allocated: number,
      ) => ({
        provider,
        gpuType: 'H100',
        cluster,
        total: 16,
        allocated,
        free: 16 - allocated,
      });
      for (const [at, allocated] of [
        [t0, 1],
        [t1, 2],
        [t2, 3],
      ] as const) {
        await store.addSamples(
          [sample('eks', 'eks-a', allocated), sample('gke', 'gke-a', 0)],
          at,
        );
      }

      const eks = await store.samples(t1, t2, { provider: ['eks'] });
      expect(eks).toEqual([
        { sampledAt: t1, ...sample('eks', 'eks-a', 2) },
        { sampledAt: t2, ...sample('eks', 'eks-a', 3) },
      ]);
      expect(
        await store.samples(t0, t2, { cluster: ['gke-a'], gpuType: ['H200'] }),
      ).toEqual([]);

      // Summed per instant in the database over what the grouping leaves out.
      expect(await store.samples(t0, t1, {}, ['gpuType'])).toEqual([
        { sampledAt: t0, gpuType: 'H100', total: 32, allocated: 1, free: 31 },
        { sampledAt: t1, gpuType: 'H100', total: 32, allocated: 2, free: 30 },
      ]);
      expect(
        await store.samples(t2, t2, { cluster: ['eks-a', 'gke-a'] }, []),
      ).toEqual([{ sampledAt: t2, total: 32, allocated: 3, free: 29 }]);

      expect(await store.pruneSamples(t1)).toBe(2);
      const left = await store.samples(t0, t2, {});
      expect(left.map(s => s.sampledAt)).toEqual([t1, t1, t2, t2]);
    });
  },
);
