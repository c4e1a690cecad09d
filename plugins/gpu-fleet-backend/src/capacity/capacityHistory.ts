import {
  CapacityHistoryResponse,
  CapacityRow,
  ProviderId,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { capacityFigures } from './capacityFigures';
import { InventoryService } from './InventoryService';
import { InventoryStore, StoredSample } from './InventoryStore';

/** The keys history can be grouped by: the ones each sample records. */
export const HISTORY_GROUP_KEYS = ['provider', 'gpuType', 'cluster'] as const;
export type HistoryGroupKey = (typeof HISTORY_GROUP_KEYS)[number];

/** Records one sample per provider, GPU type and cluster, and drops old ones. */
export async function sampleCapacity(
  inventory: InventoryService,
  store: InventoryStore,
  options: { retentionMs: number; now?: Date },
): Promise<void> {
  const now = options.now ?? new Date();
  const { rows } = capacityFigures(
    await inventory.fleetCells(),
    ['provider', 'gpuType', 'cluster'],
    {},
    [],
  );
  await store.addSamples(
    rows.map(r => ({
      provider: r.key.provider!,
      gpuType: r.key.gpuType!,
      cluster: r.key.cluster!,
      total: r.total,
      allocated: r.allocated,
      free: r.free,
    })),
    now,
  );
  await store.pruneSamples(new Date(now.getTime() - options.retentionMs));
}

/** Sums the samples of each sampling run into one series per group. */
export function historySeries(
  samples: StoredSample[],
  groupBy: HistoryGroupKey[],
  intervalSeconds: number,
): CapacityHistoryResponse {
  const series = new Map<
    string,
    {
      key: CapacityRow['key'];
      points: Map<number, { total: number; allocated: number; free: number }>;
    }
  >();
  for (const s of samples) {
    const key: CapacityRow['key'] = {};
    for (const g of groupBy) {
      if (g === 'provider') key.provider = s.provider as ProviderId;
      else if (g === 'gpuType') key.gpuType = s.gpuType;
      else key.cluster = s.cluster;
    }
    const id = JSON.stringify(key);
    let entry = series.get(id);
    if (!entry) {
      entry = { key, points: new Map() };
      series.set(id, entry);
    }
    const at = s.sampledAt.getTime();
    const point = entry.points.get(at) ?? { total: 0, allocated: 0, free: 0 };
    point.total += s.total;
    point.allocated += s.allocated;
    point.free += s.free;
    entry.points.set(at, point);
  }
  return {
    intervalSeconds,
    series: [...series.values()]
      .sort((a, b) =>
        JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)),
      )
      .map(s => ({
        key: s.key,
        points: [...s.points.entries()]
          .sort(([a], [b]) => a - b)
          .map(([at, p]) => ({ at: new Date(at).toISOString(), ...p })),
      })),
  };
}
