import { parseGpuProduct } from '../labels/gpuTypes';
import type { ProviderId } from '../providers';
import type {
  WorkspaceCapacityType,
  WorkspaceGpuQuota,
} from '../workspaces/types';

/** The most GPUs one pod may request, as the manifest schema allows. */
export const MAX_GPUS_PER_POD = 16;

/** One GPU type on a workspace's cluster, as a deployment there would find it. */
export interface PlacementGpuOption {
  gpuType: string;
  /** GPUs on the cluster's nodes of this type. */
  total: number;
  /** Unallocated GPUs on ready, schedulable nodes. */
  free: number;
  /** The most GPUs one node of this type has: a pod asking for more never fits. */
  maxPerNode: number;
  /**
   * How many ready, schedulable nodes have each count of free GPUs (zero
   * left out), most free first: pods of one size fit per node, not pooled.
   */
  freeByNode: Array<{ free: number; nodes: number }>;
  /** Per GPU-hour from `gpuFleet.capacity.prices` for this provider and type; null where none is set. */
  pricePerGpuHour: { onDemand: number | null; spot: number | null };
}

/** A workspace the caller may deploy into, with its cluster's GPUs now. */
export interface PlacementWorkspaceOption {
  workspace: string;
  displayName: string;
  cluster: string;
  clusterDisplayName: string;
  provider: ProviderId;
  namespace: string;
  /** How the workspace's pods are bought unless a manifest says otherwise. */
  capacityType: WorkspaceCapacityType;
  gpuQuota: WorkspaceGpuQuota[];
  /** When the cluster's agent last reported its nodes; null before the first report. */
  reportedAt: string | null;
  /** Types a manifest may name, most free first. */
  gpuTypes: PlacementGpuOption[];
}

/** GET /api/gpu-fleet/placement-options */
export interface PlacementOptionsResponse {
  workspaces: PlacementWorkspaceOption[];
  /** Of every price. */
  currency: string;
  generatedAt: string;
}

/** The value of the scaffolder's GpuFleetPlacementPicker field. */
export interface PlacementChoice {
  workspace: string;
  /** The workspace's cluster. */
  cluster: string;
  gpuType: string;
  /** GPUs per pod: per replica, or per MPI worker. */
  gpuCount: number;
}

export type PlacementField = 'workspace' | 'gpuType' | 'gpuCount';

/** Why a choice cannot run, with the part of the choice at fault. */
export interface PlacementRefusal {
  field: PlacementField;
  message: string;
}

/** Pods of `gpusPerPod` that fit in the free GPUs now, node by node. */
export function podsThatFit(
  gpu: Pick<PlacementGpuOption, 'freeByNode'>,
  gpusPerPod: number,
): number {
  if (!(gpusPerPod >= 1)) return 0;
  return gpu.freeByNode.reduce(
    (sum, { free, nodes }) => sum + Math.floor(free / gpusPerPod) * nodes,
    0,
  );
}

/**
 * The GPUs of the type's vendor the workspace may request at once: its
 * namespace's ResourceQuota counts per vendor resource, summing every type.
 */
export function vendorQuota(
  gpuQuota: WorkspaceGpuQuota[],
  gpuType: string,
): { vendor: 'NVIDIA' | 'AMD'; limit: number } {
  const vendorOf = (type: string) => parseGpuProduct(type)?.vendor ?? 'nvidia';
  const vendor = vendorOf(gpuType);
  const limit = gpuQuota
    .filter(q => vendorOf(q.gpuType) === vendor)
    .reduce((sum, q) => sum + q.count, 0);
  return { vendor: vendor === 'amd' ? 'AMD' : 'NVIDIA', limit };
}

/**
 * What a GPU-hour costs the way the workspace buys it. Spot with fallback
 * pays the spot price while spot nodes have room and the on-demand price
 * when it falls back.
 */
export function gpuHourPrice(
  gpu: Pick<PlacementGpuOption, 'pricePerGpuHour'>,
  capacityType: WorkspaceCapacityType,
): { price: number | null; fallback: number | null } {
  const { onDemand, spot } = gpu.pricePerGpuHour;
  if (capacityType === 'on-demand') return { price: onDemand, fallback: null };
  if (capacityType === 'spot') return { price: spot, fallback: null };
  return { price: spot, fallback: onDemand };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Every reason the choice cannot run now, field by field: a workspace the
 * caller may not deploy into, a GPU type its cluster lacks, more GPUs per
 * pod than one node holds, more than the workspace's quota, more than are
 * free, or free GPUs spread so that not every pod finds a node. Empty when
 * it fits. `options` are the workspaces the caller may deploy into.
 */
export function placementRefusals(
  options: PlacementWorkspaceOption[],
  choice: Partial<PlacementChoice> | undefined,
  pods: number,
): PlacementRefusal[] {
  if (!choice?.workspace) {
    return [{ field: 'workspace', message: 'Choose a workspace.' }];
  }
  const option = options.find(o => o.workspace === choice.workspace);
  if (!option) {
    return [
      {
        field: 'workspace',
        message: `You may not deploy into workspace '${choice.workspace}'.`,
      },
    ];
  }
  const refusals: PlacementRefusal[] = [];
  if (choice.cluster !== undefined && choice.cluster !== option.cluster) {
    refusals.push({
      field: 'workspace',
      message: `Workspace '${option.workspace}' is on cluster '${option.cluster}', not '${choice.cluster}'.`,
    });
  }
  const { cluster } = option;
  if (!choice.gpuType) {
    refusals.push({ field: 'gpuType', message: 'Choose a GPU type.' });
    return refusals;
  }
  const gpu = option.gpuTypes.find(g => g.gpuType === choice.gpuType);
  if (!gpu) {
    refusals.push({
      field: 'gpuType',
      message: option.reportedAt
        ? `Cluster '${cluster}' has no ${choice.gpuType} GPUs.`
        : `Cluster '${cluster}' has not reported its GPUs yet.`,
    });
    return refusals;
  }
  const count = choice.gpuCount;
  if (
    count === undefined ||
    !Number.isInteger(count) ||
    count < 1 ||
    count > MAX_GPUS_PER_POD
  ) {
    refusals.push({
      field: 'gpuCount',
      message: `GPUs per pod must be a whole number from 1 to ${MAX_GPUS_PER_POD}.`,
    });
    return refusals;
  }

  const type = gpu.gpuType;
  const needed = count * pods;
  const asked =
    pods === 1
      ? `${needed} × ${type}`
      : `${needed} × ${type} at once (${pods} pods × ${count})`;
  if (count > gpu.maxPerNode) {
    refusals.push({
      field: 'gpuCount',
      message: `No node of cluster '${cluster}' holds ${count} × ${type}: the largest has ${gpu.maxPerNode}.`,
    });
  }
  const quota = vendorQuota(option.gpuQuota, type);
  if (needed > quota.limit) {
    refusals.push({
      field: 'gpuCount',
      message: `Needs ${asked}; workspace '${
        option.workspace
      }' may request at most ${plural(
        quota.limit,
        `${quota.vendor} GPU`,
      )} (its quota).`,
    });
  }
  if (needed > gpu.free) {
    refusals.push({
      field: 'gpuCount',
      message: `Needs ${asked}; cluster '${cluster}' has ${gpu.free} free.`,
    });
  } else if (count <= gpu.maxPerNode) {
    const fit = podsThatFit(gpu, count);
    if (fit < pods) {
      const mostOnOne = gpu.freeByNode[0]?.free ?? 0;
      refusals.push({
        field: 'gpuCount',
        message:
          pods === 1
            ? `No node of cluster '${cluster}' has ${count} × ${type} free now: its ${gpu.free} free are spread over nodes, at most ${mostOnOne} on one.`
            : `Only ${fit} of ${pods} pods of ${count} × ${type} fit now: cluster '${cluster}' has ${gpu.free} ${type} free, spread over nodes, at most ${mostOnOne} on one.`,
      });
    }
  }
  return refusals;
}
