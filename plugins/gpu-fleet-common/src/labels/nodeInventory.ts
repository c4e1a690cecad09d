import type { NodeInventory, RdmaTopology } from '../inventory/types';
import { PROVIDER_IDS, ProviderId, providerProfiles } from '../providers';
import { capacityTypeFromLabels } from './capacityType';
import {
  a100ByMemory,
  GpuTypeMatch,
  gpuTypeFromGkeAccelerator,
  gpuTypeFromInstanceType,
  GpuVendor,
  parseGpuProduct,
} from './gpuTypes';
import { KubeNode } from './kubeShapes';
import { parseGpuQuantity } from './podGpuRequests';

const INSTANCE_TYPE_LABELS = [
  'node.kubernetes.io/instance-type',
  'beta.kubernetes.io/instance-type',
];
const GFD_MEMORY_LABEL = 'nvidia.com/gpu.memory';

export const RDMA_TOPOLOGY_LABELS: Record<keyof RdmaTopology, string> = {
  localBlock: 'oci.oraclecloud.com/rdma.local_block_id',
  networkBlock: 'oci.oraclecloud.com/rdma.network_block_id',
  hpcIsland: 'oci.oraclecloud.com/rdma.hpc_island_id',
};

function union(lists: string[][]): string[] {
  return [...new Set(lists.flat())];
}

/**
 * Labels to read when the provider is not known: every profile's, in profile
 * order, with the instance type last because it says the least.
 */
const ANY_PROVIDER = {
  nodePoolLabels: union(
    PROVIDER_IDS.map(id => providerProfiles[id].nodePoolLabels),
  ),
  gpuTypeLabels: [
    ...union(PROVIDER_IDS.map(id => providerProfiles[id].gpuTypeLabels)).filter(
      l => !INSTANCE_TYPE_LABELS.includes(l),
    ),
    ...INSTANCE_TYPE_LABELS,
  ],
};

/**
 * How one label names a GPU. Labels that only name GPUs keep an unrecognised
 * value as written (someone chose it); instance types count only when known.
 */
function readGpuLabel(
  label: string,
  value: string,
): GpuTypeMatch | { type: string; vendor: GpuVendor | null } | undefined {
  if (INSTANCE_TYPE_LABELS.includes(label)) {
    return gpuTypeFromInstanceType(value);
  }
  const parsed =
    label === 'cloud.google.com/gke-accelerator'
      ? gpuTypeFromGkeAccelerator(value)
      : parseGpuProduct(value);
  if (parsed) return parsed;
  let vendor: GpuVendor | null = null;
  if (label.startsWith('amd.com/')) vendor = 'amd';
  else if (label.startsWith('nvidia.com/')) vendor = 'nvidia';
  return { type: value.trim(), vendor };
}

function gpuTypeOf(
  labels: Record<string, string>,
  gpuTypeLabels: string[],
):
  | {
      type: string;
      vendor: GpuVendor | null;
      label: { key: string; value: string };
    }
  | undefined {
  for (const label of gpuTypeLabels) {
    const value = labels[label];
    if (!value?.trim()) continue;
    const read = readGpuLabel(label, value);
    if (!read) continue;
    const found = { ...read, label: { key: label, value } };
    if (found.type === 'A100') {
      const memory = labels[GFD_MEMORY_LABEL];
      return {
        ...found,
        type: a100ByMemory(memory ? Number(memory) : undefined),
      };
    }
    return found;
  }
  return undefined;
}

function firstLabel(
  labels: Record<string, string>,
  keys: string[],
): string | null {
  for (const key of keys) {
    const value = labels[key]?.trim();
    if (value) return value;
  }
  return null;
}

/**
 * A node as the inventory reports it, read from its labels and status.
 * Without a provider every provider's labels are read; provider labels do
 * not collide, and the agent does not know which provider it runs on.
 */
export function nodeInventoryFromNode(
  node: KubeNode,
  options: { provider?: ProviderId; gpuAllocated?: number } = {},
): NodeInventory {
  const labels = node.metadata?.labels ?? {};
  const profile = options.provider
    ? providerProfiles[options.provider]
    : ANY_PROVIDER;
  const allocatable = node.status?.allocatable ?? {};
  const nvidiaGpus = parseGpuQuantity(allocatable['nvidia.com/gpu']);
  const amdGpus = parseGpuQuantity(allocatable['amd.com/gpu']);
  const gpu = gpuTypeOf(labels, profile.gpuTypeLabels);
  let gpuVendor: GpuVendor | null = gpu?.vendor ?? null;
  if (nvidiaGpus > 0) gpuVendor = 'nvidia';
  else if (amdGpus > 0) gpuVendor = 'amd';

  const topology: RdmaTopology = {};
  for (const [field, label] of Object.entries(RDMA_TOPOLOGY_LABELS)) {
    const value = labels[label];
    if (value) topology[field as keyof RdmaTopology] = value;
  }

  return {
    name: node.metadata?.name ?? '',
    nodePool: firstLabel(labels, profile.nodePoolLabels),
    gpuType: gpu?.type ?? null,
    gpuTypeLabel: gpu?.label ?? null,
    gpuVendor,
    gpuCount: nvidiaGpus > 0 ? nvidiaGpus : amdGpus,
    gpuAllocated: options.gpuAllocated ?? 0,
    capacityType: capacityTypeFromLabels(labels),
    instanceType: firstLabel(labels, INSTANCE_TYPE_LABELS),
    schedulable: !node.spec?.unschedulable,
    ready:
      node.status?.conditions?.some(
        c => c.type === 'Ready' && c.status === 'True',
      ) ?? false,
    taints: (node.spec?.taints ?? []).map(t => ({
      key: t.key,
      ...(t.value !== undefined && t.value !== '' ? { value: t.value } : {}),
      effect: t.effect,
    })),
    topology,
  };
}
