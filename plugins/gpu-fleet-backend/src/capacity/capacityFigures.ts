import {
  CapacityFigures,
  CapacityGroupKey,
  CapacityRow,
  CapacityType,
  NodeInventory,
  ProviderId,
} from '@gpu-fleet/plugin-gpu-fleet-common';

/** One entry of `gpuFleet.capacity.prices`. */
export interface GpuPrice {
  provider?: string;
  gpuType: string;
  capacityType?: CapacityType;
  perGpuHour: number;
}

export interface CapacityFilters {
  provider?: string[];
  gpuType?: string[];
  cluster?: string[];
  capacityType?: string[];
}

/** A node with the cluster and provider it belongs to. */
export interface FleetNode {
  cluster: string;
  provider: ProviderId;
  node: NodeInventory;
}

/** What a GPU node with no recognised type or pool is grouped under. */
export const UNKNOWN_GPU_TYPE = 'unknown';
export const UNLABELLED_POOL = 'unlabelled';

/** The most specific matching entry wins: provider and capacity type, then provider, then capacity type. */
export function priceFor(
  prices: GpuPrice[],
  provider: string,
  gpuType: string,
  capacityType: CapacityType,
): number | undefined {
  let best: GpuPrice | undefined;
  let bestScore = -1;
  for (const p of prices) {
    if (p.gpuType !== gpuType) continue;
    if (p.provider !== undefined && p.provider !== provider) continue;
    if (p.capacityType !== undefined && p.capacityType !== capacityType)
      continue;
    const score =
      (p.provider !== undefined ? 2 : 0) +
      (p.capacityType !== undefined ? 1 : 0);
    if (score > bestScore) {
      best = p;
      bestScore = score;
    }
  }
  return best?.perGpuHour;
}

class Accumulator {
  total = 0;
  allocated = 0;
  free = 0;
  unavailable = 0;
  nodes = 0;
  readonly clusters = new Set<string>();
  allocatedCost = 0;
  idleCost = 0;
  priced = false;

  add(fleetNode: FleetNode, price: number | undefined) {
    const { node } = fleetNode;
    const allocated = Math.min(node.gpuAllocated, node.gpuCount);
    const usable = node.schedulable && node.ready;
    const free = usable ? node.gpuCount - allocated : 0;
    this.total += node.gpuCount;
    this.allocated += allocated;
    this.free += free;
    this.unavailable += node.gpuCount - allocated - free;
    this.nodes += 1;
    this.clusters.add(fleetNode.cluster);
    if (price !== undefined) {
      this.priced = true;
      this.allocatedCost += allocated * price;
      this.idleCost += free * price;
    }
  }

  figures(): CapacityFigures {
    const round = (n: number) => Math.round(n * 100) / 100;
    return {
      total: this.total,
      allocated: this.allocated,
      free: this.free,
      unavailable: this.unavailable,
      nodes: this.nodes,
      clusters: this.clusters.size,
      allocatedCostPerHour: this.priced ? round(this.allocatedCost) : null,
      idleCostPerHour: this.priced ? round(this.idleCost) : null,
    };
  }
}

function keyOf(groupBy: CapacityGroupKey[], n: FleetNode): CapacityRow['key'] {
  const key: CapacityRow['key'] = {};
  for (const g of groupBy) {
    if (g === 'provider') key.provider = n.provider;
    else if (g === 'gpuType') key.gpuType = n.node.gpuType ?? UNKNOWN_GPU_TYPE;
    else if (g === 'cluster') key.cluster = n.cluster;
    else if (g === 'nodePool')
      key.nodePool = n.node.nodePool ?? UNLABELLED_POOL;
    else key.capacityType = n.node.capacityType;
  }
  return key;
}

function matches(filters: CapacityFilters, n: FleetNode): boolean {
  const gpuType = n.node.gpuType ?? UNKNOWN_GPU_TYPE;
  return (
    (!filters.provider || filters.provider.includes(n.provider)) &&
    (!filters.gpuType || filters.gpuType.includes(gpuType)) &&
    (!filters.cluster || filters.cluster.includes(n.cluster)) &&
    (!filters.capacityType ||
      filters.capacityType.includes(n.node.capacityType))
  );
}

/**
 * Total, allocated, free and unavailable GPUs per group, and pooled over
 * every matching GPU node. GPUs on cordoned or not-ready nodes are never
 * free; cost uses the price of each node's provider, GPU type and capacity
 * type, and stays null for a group where no GPU has a price.
 */
export function capacityFigures(
  nodes: Iterable<FleetNode>,
  groupBy: CapacityGroupKey[],
  filters: CapacityFilters,
  prices: GpuPrice[],
): { rows: CapacityRow[]; totals: CapacityFigures } {
  const groups = new Map<
    string,
    { key: CapacityRow['key']; acc: Accumulator }
  >();
  const totals = new Accumulator();
  const priceCache = new Map<string, number | undefined>();
  for (const n of nodes) {
    if (n.node.gpuCount <= 0 || !matches(filters, n)) continue;
    const gpuType = n.node.gpuType ?? UNKNOWN_GPU_TYPE;
    const priceKey = `${n.provider}/${gpuType}/${n.node.capacityType}`;
    if (!priceCache.has(priceKey)) {
      priceCache.set(
        priceKey,
        priceFor(prices, n.provider, gpuType, n.node.capacityType),
      );
    }
    const price = priceCache.get(priceKey);
    totals.add(n, price);
    const key = keyOf(groupBy, n);
    const id = JSON.stringify(key);
    let group = groups.get(id);
    if (!group) {
      group = { key, acc: new Accumulator() };
      groups.set(id, group);
    }
    group.acc.add(n, price);
  }
  const rows = [...groups.values()]
    .map(g => ({ key: g.key, ...g.acc.figures() }))
    .sort((a, b) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)));
  return { rows, totals: totals.figures() };
}
