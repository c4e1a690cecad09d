import {
  GPU_QUOTA_RESOURCES,
  WorkspaceNamespaceState,
} from '@gpu-fleet/plugin-gpu-fleet-common';

const RESOURCE_LABELS: Record<string, string> = {
  [GPU_QUOTA_RESOURCES.nvidia]: 'NVIDIA GPUs',
  [GPU_QUOTA_RESOURCES.amd]: 'AMD GPUs',
};

export interface QuotaUsage {
  resource: string;
  label: string;
  hard: string;
  used: string;
  /** Present when both are whole numbers, as GPU quotas are. */
  figures?: { total: number; allocated: number; free: number };
}

function wholeNumber(quantity: string): number | undefined {
  return /^\d+$/.test(quantity) ? Number(quantity) : undefined;
}

/**
 * The namespace's GPU quota against what pods request now, one entry per
 * quota resource. A vendor with a limit of 0 and nothing in use is left out:
 * every workspace's quota names both vendors.
 */
export function quotaUsage(state: WorkspaceNamespaceState): QuotaUsage[] {
  return state.quota
    .filter(q => !(q.hard === '0' && (q.used === '0' || q.used === '')))
    .map(q => {
      const hard = wholeNumber(q.hard);
      const used = wholeNumber(q.used);
      return {
        resource: q.resource,
        label: RESOURCE_LABELS[q.resource] ?? q.resource,
        hard: q.hard,
        used: q.used,
        figures:
          hard === undefined || used === undefined
            ? undefined
            : { total: hard, allocated: used, free: Math.max(0, hard - used) },
      };
    });
}
