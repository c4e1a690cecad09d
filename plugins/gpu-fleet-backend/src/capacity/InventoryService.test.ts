import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { gpuNode } from '../__testUtils__/gpuNode';
import { ClusterRegistry } from '../registry/ClusterRegistry';
import { ClusterStore } from '../registry/ClusterStore';
import { InventoryReportError, InventoryService } from './InventoryService';
import { InventoryStore } from './InventoryStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const actor = 'user:default/alice';
const settings = {
  currency: 'USD',
  prices: [{ gpuType: 'H100', perGpuHour: 2.5 }],
};

describe.each(databases.eachSupportedId())(
  'InventoryService on %s',
  databaseId => {
    let knex: Knex;
    let registry: ClusterRegistry;

    function startService(onRegistry = registry) {
      return new InventoryService(
        new InventoryStore(knex),
        onRegistry,
        settings,
        mockServices.logger.mock(),
        () => new Date('2026-11-01T10:00:00Z'),
      );
    }

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@gpu-fleet/plugin-gpu-fleet-backend',
          'migrations',
        ),
      });
      registry = new ClusterRegistry(new ClusterStore(knex), {
        controlPlaneUrl: 'wss://portal.example.com/api/gpu-fleet/agent/connect',
        chart: 'gpu-fleet/gpu-fleet-agent',
      });
      await registry.attach({ name: 'eks-a', provider: 'eks' }, actor);
      await registry.attach({ name: 'oke-a', provider: 'oke' }, actor);
    });

    it('replaces the nodes on a snapshot and applies in-order deltas', async () => {
      const service = startService();
      service.sessionStarted('eks-a');
      await service.applyReport('eks-a', {
        type: 'snapshot',
        seq: 7,
        nodes: [gpuNode('a1', { gpuAllocated: 8 }), gpuNode('a2')],
      });
      await service.applyReport('eks-a', {
        type: 'snapshot',
        seq: 8,
        nodes: [gpuNode('a2', { gpuAllocated: 2 }), gpuNode('a3')],
      });
      expect((await service.inventory('eks-a')).nodes.map(n => n.name)).toEqual(
        ['a2', 'a3'],
      );

      // Sent back to back: each cluster's reports apply in arrival order.
      await Promise.all([
        service.applyReport('eks-a', {
          type: 'delta',
          seq: 9,
          upserts: [gpuNode('a4', { gpuAllocated: 1 })],
          removed: ['a3'],
        }),
        service.applyReport('eks-a', {
          type: 'delta',
          seq: 10,
          upserts: [gpuNode('a4', { gpuAllocated: 5 })],
          removed: [],
        }),
      ]);

      const capacity = await service.capacity(['cluster'], {});
      expect(capacity.rows).toEqual([
        {
          key: { cluster: 'eks-a' },
          total: 16,
          allocated: 7,
          free: 9,
          unavailable: 0,
          nodes: 2,
          clusters: 1,
          allocatedCostPerHour: 17.5,
          idleCostPerHour: 22.5,
        },
      ]);
      expect(capacity.generatedAt).toBe('2026-11-01T10:00:00.000Z');
      expect(await service.inventory('eks-a')).toEqual({
        cluster: 'eks-a',
        reportedAt: '2026-11-01T10:00:00.000Z',
        nodes: [
          gpuNode('a2', { gpuAllocated: 2 }),
          gpuNode('a4', { gpuAllocated: 5 }),
        ],
      });
    });

    it('throws on a seq gap or a delta before the session snapshot, and changes nothing', async () => {
      const service = startService();
      service.sessionStarted('eks-a');
      await expect(
        service.applyReport('eks-a', {
          type: 'delta',
          seq: 1,
          upserts: [gpuNode('a1')],
          removed: [],
        }),
      ).rejects.toThrow(
        new InventoryReportError(
          'seq: a delta arrived before the session snapshot',
        ),
      );
      await service.applyReport('eks-a', {
        type: 'snapshot',
        seq: 1,
        nodes: [gpuNode('a1')],
      });
      await expect(
        service.applyReport('eks-a', {
          type: 'delta',
          seq: 3,
          upserts: [gpuNode('a1', { gpuAllocated: 8 })],
          removed: [],
        }),
      ).rejects.toThrow('seq: expected 2, got 3; a report was lost');

      // A new session forgets the old one's seq, even if the next would fit.
      service.sessionStarted('eks-a');
      await expect(
        service.applyReport('eks-a', {
          type: 'delta',
          seq: 2,
          upserts: [],
          removed: ['a1'],
        }),
      ).rejects.toThrow('seq: a delta arrived before the session snapshot');
      expect((await service.capacity([], {})).totals).toMatchObject({
        total: 8,
        allocated: 0,
      });
    });

    it('refuses a malformed report naming the field', async () => {
      const service = startService();
      await expect(
        service.applyReport('eks-a', {
          type: 'snapshot',
          seq: 1,
          nodes: [{ ...gpuNode('a1'), gpuAllocated: 'eight' }],
        }),
      ).rejects.toThrow(/^nodes\[0\]\.gpuAllocated: /);
      await expect(
        service.applyReport('eks-a', {
          type: 'snapshot',
          seq: 1,
          nodes: [gpuNode('x'.repeat(254))],
        }),
      ).rejects.toThrow(/^nodes\[0\]\.name: /);
      expect((await service.inventory('eks-a')).nodes).toEqual([]);
    });

    it('has the same numbers after a restart, and wants a snapshot before the next delta', async () => {
      const before = startService();
      await before.applyReport('eks-a', {
        type: 'snapshot',
        seq: 1,
        nodes: [gpuNode('a1', { gpuAllocated: 3 }), gpuNode('a2')],
      });
      await before.applyReport('eks-a', {
        type: 'delta',
        seq: 2,
        upserts: [gpuNode('a2', { gpuAllocated: 4, ready: false })],
        removed: [],
      });
      await before.applyReport('oke-a', {
        type: 'snapshot',
        seq: 1,
        nodes: [gpuNode('o1', { gpuType: 'H200', gpuAllocated: 8 })],
      });
      const query = ['provider', 'gpuType'] as const;
      const expected = await before.capacity([...query], {});
      expect(expected.totals).toMatchObject({
        total: 24,
        allocated: 15,
        free: 5,
        unavailable: 4,
      });

      const after = startService();
      await after.load();
      expect(await after.capacity([...query], {})).toEqual(expected);
      expect(await after.inventory('eks-a')).toEqual(
        await before.inventory('eks-a'),
      );
      await expect(
        after.applyReport('eks-a', {
          type: 'delta',
          seq: 3,
          upserts: [],
          removed: ['a1'],
        }),
      ).rejects.toThrow(InventoryReportError);
    });

    it('drops a detached cluster from queries and from the database', async () => {
      const service = startService();
      await service.applyReport('eks-a', {
        type: 'snapshot',
        seq: 1,
        nodes: [gpuNode('a1')],
      });
      await service.applyReport('oke-a', {
        type: 'snapshot',
        seq: 1,
        nodes: [gpuNode('o1')],
      });
      expect((await service.capacity(['cluster'], {})).rows).toHaveLength(2);

      await registry.detach('eks-a', actor);
      expect(
        (await service.capacity(['cluster'], {})).rows.map(r => r.key),
      ).toEqual([{ cluster: 'oke-a' }]);
      const store = new InventoryStore(knex);
      for (let i = 0; (await store.loadAll()).has('eks-a'); i++) {
        if (i > 100) throw new Error('eks-a inventory was never deleted');
        await new Promise(r => setTimeout(r, 20));
      }
      expect((await service.inventory('eks-a')).nodes).toEqual([]);
    });

    it('shows what another replica applied, and forgets what it dropped', async () => {
      const holder = startService();
      // Another backend replica: same database, its own registry and memory.
      const otherRegistry = new ClusterRegistry(new ClusterStore(knex), {
        controlPlaneUrl: 'wss://portal.example.com/api/gpu-fleet/agent/connect',
        chart: 'gpu-fleet/gpu-fleet-agent',
      });
      const other = startService(otherRegistry);
      await other.load();
      await holder.applyReport('eks-a', {
        type: 'snapshot',
        seq: 1,
        nodes: [gpuNode('a1'), gpuNode('a2')],
      });
      const totalsOn = async (service: InventoryService) =>
        (await service.capacity([], {})).totals;
      const eventually = async (check: () => Promise<void>) => {
        for (let i = 0; ; i++) {
          try {
            await check();
            return;
          } catch (error) {
            if (i > 100) throw error;
            await new Promise(r => setTimeout(r, 100));
          }
        }
      };
      expect(await totalsOn(other)).toMatchObject({ total: 16, allocated: 0 });

      await holder.applyReport('eks-a', {
        type: 'delta',
        seq: 2,
        upserts: [gpuNode('a1', { gpuAllocated: 6 })],
        removed: ['a2'],
      });
      await eventually(async () => {
        expect(await totalsOn(other)).toMatchObject({ total: 8, allocated: 6 });
      });
      expect((await other.inventory('eks-a')).nodes).toEqual([
        gpuNode('a1', { gpuAllocated: 6 }),
      ]);

      // Detached and attached again under the same name: the old nodes are gone everywhere.
      await registry.detach('eks-a', actor);
      await registry.attach({ name: 'eks-a', provider: 'eks' }, actor);
      await eventually(async () => {
        expect((await other.inventory('eks-a')).nodes).toEqual([]);
      });
      expect(await totalsOn(other)).toMatchObject({ total: 0, nodes: 0 });
    });
  },
);
