import {
  Cluster,
  effectiveCapacityType,
  GPU_TYPES,
  NodeInventory,
  PlacementGpuOption,
  PlacementWorkspaceOption,
  Workspace,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { GpuPrice, priceFor } from './capacityFigures';

const DEPLOYABLE: readonly string[] = GPU_TYPES;

/**
 * A workspace and what its cluster's GPUs offer a deployment now. Free GPUs
 * count as the placement check counts them (ready, schedulable nodes), and
 * per node too, since a pod never spans nodes.
 */
export function placementOption(
  workspace: Workspace,
  cluster: Pick<Cluster, 'name' | 'displayName' | 'provider'>,
  inventory: { reportedAt: string | null; nodes: NodeInventory[] },
  prices: GpuPrice[],
): PlacementWorkspaceOption {
  const byType = new Map<
    string,
    { total: number; free: number; maxPerNode: number; freeCounts: number[] }
  >();
  for (const node of inventory.nodes) {
    // Only types a manifest may name; CPU nodes and unknown GPUs are no choice.
    if (!node.gpuType || node.gpuCount <= 0) continue;
    if (!DEPLOYABLE.includes(node.gpuType)) continue;
    const figures = byType.get(node.gpuType) ?? {
      total: 0,
      free: 0,
      maxPerNode: 0,
      freeCounts: [],
    };
    const free =
      node.ready && node.schedulable
        ? Math.max(0, node.gpuCount - node.gpuAllocated)
        : 0;
    figures.total += node.gpuCount;
    figures.free += free;
    figures.maxPerNode = Math.max(figures.maxPerNode, node.gpuCount);
    if (free > 0) figures.freeCounts.push(free);
    byType.set(node.gpuType, figures);
  }

  const price = (gpuType: string, capacityType: 'on-demand' | 'spot') =>
    priceFor(prices, cluster.provider, gpuType, capacityType) ?? null;
  const gpuTypes: PlacementGpuOption[] = [...byType.entries()].map(
    ([gpuType, { total, free, maxPerNode, freeCounts }]) => {
      const nodesWith = new Map<number, number>();
      for (const count of freeCounts) {
        nodesWith.set(count, (nodesWith.get(count) ?? 0) + 1);
      }
      return {
        gpuType,
        total,
        free,
        maxPerNode,
        freeByNode: [...nodesWith.entries()]
          .sort((a, b) => b[0] - a[0])
          .map(([count, nodes]) => ({ free: count, nodes })),
        pricePerGpuHour: {
          onDemand: price(gpuType, 'on-demand'),
          spot: price(gpuType, 'spot'),
        },
      };
    },
  );
  gpuTypes.sort(
    (a, b) => b.free - a.free || a.gpuType.localeCompare(b.gpuType),
  );

  return {
    workspace: workspace.name,
    displayName: workspace.displayName,
    cluster: cluster.name,
    clusterDisplayName: cluster.displayName,
    provider: cluster.provider,
    namespace: workspace.namespace,
    capacityType: effectiveCapacityType(
      undefined,
      workspace.defaults.capacityType,
    ),
    gpuQuota: workspace.gpuQuota,
    reportedAt: inventory.reportedAt,
    gpuTypes,
  };
}
