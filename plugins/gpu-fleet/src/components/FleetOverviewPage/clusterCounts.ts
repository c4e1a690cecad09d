import {
  Cluster,
  CLUSTER_STATUSES,
  ClusterStatus,
  ProviderId,
} from '@gpu-fleet/plugin-gpu-fleet-common';

export interface ProviderClusterCounts {
  provider: ProviderId;
  byStatus: Record<ClusterStatus, number>;
  total: number;
}

/** Attached clusters counted per provider and status; detached ones left out. */
export function clusterCounts(clusters: Cluster[]): ProviderClusterCounts[] {
  const counts = new Map<ProviderId, ProviderClusterCounts>();
  for (const cluster of clusters) {
    if (cluster.detachedAt) continue;
    let entry = counts.get(cluster.provider);
    if (!entry) {
      entry = {
        provider: cluster.provider,
        byStatus: Object.fromEntries(
          CLUSTER_STATUSES.map(s => [s, 0]),
        ) as Record<ClusterStatus, number>,
        total: 0,
      };
      counts.set(cluster.provider, entry);
    }
    entry.byStatus[cluster.status] += 1;
    entry.total += 1;
  }
  return [...counts.values()].sort((a, b) =>
    a.provider.localeCompare(b.provider),
  );
}
