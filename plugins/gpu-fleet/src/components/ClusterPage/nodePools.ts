import type {
  CapacityType,
  NodeInventory,
} from '@gpu-fleet/plugin-gpu-fleet-common';

export interface NodePoolSummary {
  /** Null when no known label names the pool. */
  nodePool: string | null;
  gpuType: string | null;
  capacityType: CapacityType;
  nodes: number;
  readyNodes: number;
  gpuTotal: number;
  gpuAllocated: number;
}

/** Nodes grouped by pool, GPU type and capacity type, largest pools first. */
export function summariseNodePools(nodes: NodeInventory[]): NodePoolSummary[] {
  const pools = new Map<string, NodePoolSummary>();
  for (const node of nodes) {
    const key = JSON.stringify([
      node.nodePool,
      node.gpuType,
      node.capacityType,
    ]);
    let pool = pools.get(key);
    if (!pool) {
      pool = {
        nodePool: node.nodePool,
        gpuType: node.gpuType,
        capacityType: node.capacityType,
        nodes: 0,
        readyNodes: 0,
        gpuTotal: 0,
        gpuAllocated: 0,
      };
      pools.set(key, pool);
    }
    pool.nodes += 1;
    if (node.ready && node.schedulable) pool.readyNodes += 1;
    pool.gpuTotal += node.gpuCount;
    pool.gpuAllocated += node.gpuAllocated;
  }
  return [...pools.values()].sort(
    (a, b) =>
      b.gpuTotal - a.gpuTotal ||
      (a.nodePool ?? '').localeCompare(b.nodePool ?? ''),
  );
}
