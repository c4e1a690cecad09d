import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { NodeInventory, ProviderId } from '@gpu-fleet/plugin-gpu-fleet-common';
import { gpuNode } from '../__testUtils__/gpuNode';
import { capacityCells } from './capacityFigures';
import { historySeries, sampleCapacity } from './capacityHistory';
import { InventoryService } from './InventoryService';
import { InventoryStore } from './InventoryStore';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const node = (name: string, gpuAllocated: number, gpuType = 'H100') =>
  gpuNode(name, { gpuAllocated, gpuType });

describe.each(databases.eachSupportedId())(
  'capacity history on %s',
  databaseId => {
    it('samples per provider, GPU type and cluster, sums them into series, and prunes old samples', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@gpu-fleet/plugin-gpu-fleet-backend',
          'migrations',
        ),
      });
      const store = new InventoryStore(knex);
      let fleet: Array<{
        cluster: string;
        provider: ProviderId;
        node: NodeInventory;
      }> = [
        { cluster: 'eks-a', provider: 'eks', node: node('a1', 8) },
        { cluster: 'eks-b', provider: 'eks', node: node('b1', 2) },
        {
          cluster: 'lambda',
          provider: 'lambda',
          node: node('l1', 0, 'H200'),
        },
      ];
      const inventory = {
        fleetCells: async () =>
          fleet.flatMap(f =>
            capacityCells([f.node]).map(cell => ({ ...f, cell })),
          ),
      } as unknown as InventoryService;
      const day = 24 * 3600_000;
      const t0 = new Date('2026-11-01T10:00:00Z');
      const t1 = new Date('2026-11-01T10:01:00Z');
      await sampleCapacity(inventory, store, { retentionMs: day, now: t0 });
      fleet = fleet.map(f =>
        f.node.name === 'b1' ? { ...f, node: node('b1', 6) } : f,
      );
      await sampleCapacity(inventory, store, { retentionMs: day, now: t1 });

      const samples = await store.samples(t0, t1, { provider: ['eks'] });
      expect(historySeries(samples, ['provider'], 60)).toEqual({
        intervalSeconds: 60,
        series: [
          {
            key: { provider: 'eks' },
            points: [
              { at: t0.toISOString(), total: 16, allocated: 10, free: 6 },
              { at: t1.toISOString(), total: 16, allocated: 14, free: 2 },
            ],
          },
        ],
      });
      const all = await store.samples(t0, t1, {});
      expect(
        historySeries(all, ['gpuType'], 60).series.map(s => s.key),
      ).toEqual([{ gpuType: 'H100' }, { gpuType: 'H200' }]);

      // A run a day and a half later drops what is older than the retention.
      const later = new Date(t0.getTime() + 1.5 * day);
      await sampleCapacity(inventory, store, { retentionMs: day, now: later });
      expect(await store.samples(t0, later, {})).toHaveLength(3);
    });
  },
);
