import type {
  CapacityHistoryPoint,
  CapacityHistoryResponse,
} from '@gpu-fleet/plugin-gpu-fleet-common';

/** Adds the series point by point in time, oldest first. */
export function pooledHistory(
  history: CapacityHistoryResponse,
): CapacityHistoryPoint[] {
  const byTime = new Map<number, CapacityHistoryPoint>();
  for (const series of history.series) {
    for (const point of series.points) {
      const at = new Date(point.at).getTime();
      const sum = byTime.get(at) ?? {
        at: point.at,
        total: 0,
        allocated: 0,
        free: 0,
      };
      sum.total += point.total;
      sum.allocated += point.allocated;
      sum.free += point.free;
      byTime.set(at, sum);
    }
  }
  return [...byTime.entries()].sort(([a], [b]) => a - b).map(([, p]) => p);
}
