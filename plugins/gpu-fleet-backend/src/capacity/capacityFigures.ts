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

/**
 * One cluster's GPU nodes that share GPU type, node pool and capacity type,
 * summed. Every group key and filter is one of these or the cluster's, so
 * queries walk a handful of cells per cluster instead of every node.
 */
export interface CapacityCell {
  gpuType: string;
  nodePool: string;
  capacityType: CapacityType;
  total: number;
  allocated: number;
  free: number;
  unavailable: number;
  nodes: number;
}

/** A cell with the cluster and provider it belongs to. */
export interface FleetCell {
  cluster: string;
  provider: ProviderId;
  cell: CapacityCell;
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

/** Sums one cluster's GPU nodes (gpuCount > 0) into cells. */
export function capacityCells(nodes: Iterable<NodeInventory>): CapacityCell[] {
  const cells = new Map<string, CapacityCell>();
  for (const node of nodes) {
    if (node.gpuCount <= 0) continue;
    const gpuType = node.gpuType ?? UNKNOWN_GPU_TYPE;
    const nodePool = node.nodePool ?? UNLABELLED_POOL;
    const id = `${gpuType}\0${nodePool}\0${node.capacityType}`;
    let cell = cells.get(id);
    if (!cell) {
      cell = {
        gpuType,
        nodePool,
        capacityType: node.capacityType,
        total: 0,
        allocated: 0,
        free: 0,
        unavailable: 0,
        nodes: 0,
      };
      cells.set(id, cell);
    }
    // An agent may count requests above allocatable while a node drains.
    const allocated = Math.min(node.gpuAllocated, node.gpuCount);
    const free = node.schedulable && node.ready ? node.gpuCount - allocated : 0;
    cell.total += node.gpuCount;
    cell.allocated += allocated;
    cell.free += free;
    cell.unavailable += node.gpuCount - allocated - free;
    cell.nodes += 1;
  }
  return [...cells.values()];
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

  add({ cluster, cell }: FleetCell, price: number | undefined) {
    this.total += cell.total;
    this.allocated += cell.allocated;
    this.free += cell.free;
    this.unavailable += cell.unavailable;
    this.nodes += cell.nodes;
    this.clusters.add(cluster);
    if (price !== undefined) {
      this.priced = true;
      this.allocatedCost += cell.allocated * price;
      this.idleCost += cell.free * price;
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

function keyOf(groupBy: CapacityGroupKey[], c: FleetCell): CapacityRow['key'] {
  const key: CapacityRow['key'] = {};
  for (const g of groupBy) {
    if (g === 'provider') key.provider = c.provider;
    else if (g === 'cluster') key.cluster = c.cluster;
    else if (g === 'gpuType') key.gpuType = c.cell.gpuType;
    else if (g === 'nodePool') key.nodePool = c.cell.nodePool;
    else key.capacityType = c.cell.capacityType;
  }
  return key;
}

function matches(filters: CapacityFilters, c: FleetCell): boolean {
  return (
    (!filters.provider || filters.provider.includes(c.provider)) &&
    (!filters.gpuType || filters.gpuType.includes(c.cell.gpuType)) &&
    (!filters.cluster || filters.cluster.includes(c.cluster)) &&
    (!filters.capacityType ||
      filters.capacityType.includes(c.cell.capacityType))
  );
}

/**
 * Total, allocated, free and unavailable GPUs per group, and pooled over
 * every matching GPU node. GPUs on cordoned or not-ready nodes are never
 * free; cost uses the price of each node's provider, GPU type and capacity
 * type, and stays null for a group where no GPU has a price (where only
 * some have one, it covers those).
 */
export function capacityFigures(
  cells: Iterable<FleetCell>,
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
  for (const c of cells) {
    if (!matches(filters, c)) continue;
    const { gpuType, capacityType } = c.cell;
    const priceKey = `${c.provider}\0${gpuType}\0${capacityType}`;
    if (!priceCache.has(priceKey)) {
      priceCache.set(
        priceKey,
        priceFor(prices, c.provider, gpuType, capacityType),
      );
    }
    const price = priceCache.get(priceKey);
    totals.add(c, price);
    const key = keyOf(groupBy, c);
    const id = groupBy.map(g => key[g]).join('\0');
    let group = groups.get(id);
    if (!group) {
      group = { key, acc: new Accumulator() };
      groups.set(id, group);
    }
    group.acc.add(c, price);
  }
  const rows = [...groups.values()]
    .map(g => ({ key: g.key, ...g.acc.figures() }))
    .sort((a, b) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)));
  return { rows, totals: totals.figures() };
}
