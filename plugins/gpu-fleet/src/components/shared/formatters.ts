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
