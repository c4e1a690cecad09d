import type { ProviderId } from '../providers';

/** How a node's GPUs are bought; `unknown` when no provider label says. */
export const CAPACITY_TYPES = [
  'on-demand',
  'spot',
  'reserved',
  'unknown',
] as const;
export type CapacityType = (typeof CAPACITY_TYPES)[number];

export interface NodeTaint {
  key: string;
  value?: string;
  effect: string;
}

/** RDMA placement labels (OCI cluster networks); absent elsewhere. */
export interface RdmaTopology {
  localBlock?: string;
  networkBlock?: string;
  hpcIsland?: string;
}

/** One node as the agent sees it, already normalised. */
export interface NodeInventory {
  name: string;
  /** Node pool name, or null when no known label names one. */
  nodePool: string | null;
  /** Normalised GPU type (H100, H200, A100-80GB, ...), or null for CPU nodes and unknown GPUs. */
  gpuType: string | null;
  /** The node label that named the GPU type: what a node selector for that type matches. */
  gpuTypeLabel?: { key: string; value: string } | null;
  gpuVendor: 'nvidia' | 'amd' | null;
  /** Allocatable `nvidia.com/gpu` or `amd.com/gpu`. */
  gpuCount: number;
  /** Sum of GPU requests of pods bound to the node that have not finished. */
  gpuAllocated: number;
  capacityType: CapacityType;
  instanceType: string | null;
  /** False when cordoned. */
  schedulable: boolean;
  ready: boolean;
  taints: NodeTaint[];
  topology: RdmaTopology;
}

/**
 * Body of a `Report` frame of kind `inventory`: the first after each Welcome
 * is a snapshot, later ones carry only what changed. `seq` rises by one per
 * report within a session so the control plane can spot a gap and ask for a
 * new snapshot.
 */
export type InventoryReport =
  | { type: 'snapshot'; seq: number; nodes: NodeInventory[] }
  | { type: 'delta'; seq: number; upserts: NodeInventory[]; removed: string[] };

export const CAPACITY_GROUP_KEYS = [
  'provider',
  'gpuType',
  'cluster',
  'nodePool',
  'capacityType',
] as const;
export type CapacityGroupKey = (typeof CAPACITY_GROUP_KEYS)[number];

export interface CapacityFigures {
  /** GPUs on nodes that report them. */
  total: number;
  allocated: number;
  /** total - allocated, never below zero. */
  free: number;
  /** GPUs on cordoned or not-ready nodes (counted in total, never free). */
  unavailable: number;
  nodes: number;
  clusters: number;
  /** Per hour, in `currency`; null when the price table has no entry. */
  allocatedCostPerHour: number | null;
  idleCostPerHour: number | null;
}

export interface CapacityRow extends CapacityFigures {
  key: Partial<{
    provider: ProviderId;
    gpuType: string;
    cluster: string;
    nodePool: string;
    capacityType: CapacityType;
  }>;
}

/** GET /api/gpu-fleet/capacity */
export interface CapacityResponse {
  groupBy: CapacityGroupKey[];
  rows: CapacityRow[];
  /** The pooled view: every matching GPU across all clusters. */
  totals: CapacityFigures;
  currency: string;
  generatedAt: string;
}

export interface CapacityHistoryPoint {
  at: string;
  total: number;
  allocated: number;
  free: number;
}

/** GET /api/gpu-fleet/capacity/history */
export interface CapacityHistoryResponse {
  intervalSeconds: number;
  series: Array<{
    key: CapacityRow['key'];
    points: CapacityHistoryPoint[];
  }>;
}

/** GET /api/gpu-fleet/clusters/:name/inventory */
export interface ClusterInventoryResponse {
  cluster: string;
  /** When the latest report arrived; null before the first one. */
  reportedAt: string | null;
  nodes: NodeInventory[];
}
