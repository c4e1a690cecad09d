import {
  getProviderProfile,
  isProviderId,
} from '@gpu-fleet/plugin-gpu-fleet-common';

export function providerTitle(provider: string): string {
  return isProviderId(provider) ? getProviderProfile(provider).title : provider;
}

/** "12.50 USD/h"-style money per hour; a missing price is said, not zeroed. */
export function formatCostPerHour(
  value: number | null | undefined,
  currency: string,
): string {
  if (value === null || value === undefined) return 'no price';
  try {
    return `${new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      maximumFractionDigits: 2,
    }).format(value)}/h`;
  } catch {
    // Not an ISO 4217 code: show it as given.
    return `${value.toFixed(2)} ${currency}/h`;
  }
}

export function formatDateTime(value: string | Date | null): string {
  if (!value) return 'never';
  const date = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  return `${Math.round((part / whole) * 100)}%`;
}

/** "8 × H200, 4 × H100"; a workspace without quota may request no GPUs. */
export function formatGpuQuota(
  quota: ReadonlyArray<{ gpuType: string; count: number }>,
): string {
  if (quota.length === 0) return 'none';
  return quota.map(q => `${q.count} × ${q.gpuType}`).join(', ');
}

export function formatYesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

/** A toleration in a line: "nvidia.com/gpu exists, NoSchedule". */
export function formatToleration(toleration: {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}): string {
  const { key, operator, value, effect, tolerationSeconds } = toleration;
  let match: string;
  if (!key) match = 'every taint';
  else if (operator === 'Exists') match = `${key} exists`;
  else match = `${key}=${value ?? ''}`;
  const seconds =
    tolerationSeconds === undefined ? '' : ` for ${tolerationSeconds} s`;
  return `${match}, ${effect ?? 'any effect'}${seconds}`;
}

/** "a=1, b=2", or "none". */
export function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return 'none';
  return entries.map(([k, v]) => `${k}=${v}`).join(', ');
}

/** "2 × H100": what one pod (or worker) of a deployment requests. */
export function formatGpuRequest(gpu: { type: string; count: number }): string {
  return `${gpu.count} × ${gpu.type}`;
}

/** The first 7 characters of a commit, as Git shows it. */
export function shortCommit(commit: string | null | undefined): string {
  return commit ? commit.slice(0, 7) : 'none';
}
