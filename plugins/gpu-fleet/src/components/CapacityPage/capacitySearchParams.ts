import {
  CAPACITY_TYPES,
  CapacityType,
  isProviderId,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import type { CapacityFilters } from '../../api/GpuFleetApi';

export const TREND_WINDOWS = {
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '6h': { label: 'Last 6 hours', ms: 6 * 3_600_000 },
  '24h': { label: 'Last 24 hours', ms: 24 * 3_600_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 24 * 3_600_000 },
} as const;
export type TrendWindow = keyof typeof TREND_WINDOWS;

export const FILTER_KEYS = [
  'provider',
  'gpuType',
  'capacityType',
  'cluster',
] as const;

/** Filters from the URL; values the API would refuse are dropped. */
export function filtersFromSearch(params: URLSearchParams): CapacityFilters {
  const filters: CapacityFilters = {};
  const provider = params.get('provider');
  if (provider && isProviderId(provider)) filters.provider = provider;
  const capacityType = params.get('capacityType');
  if (
    capacityType &&
    (CAPACITY_TYPES as readonly string[]).includes(capacityType)
  ) {
    filters.capacityType = capacityType as CapacityType;
  }
  const gpuType = params.get('gpuType');
  if (gpuType) filters.gpuType = gpuType;
  const cluster = params.get('cluster');
  if (cluster) filters.cluster = cluster;
  return filters;
}

export function trendWindowFromSearch(params: URLSearchParams): TrendWindow {
  const value = params.get('window');
  return value && value in TREND_WINDOWS ? (value as TrendWindow) : '1h';
}
