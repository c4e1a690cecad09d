import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  CAPACITY_TYPES,
  CapacityType,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { GpuPrice } from './capacityFigures';

export interface CapacityConfig {
  prices: GpuPrice[];
  currency: string;
  historyIntervalMs: number;
  historyRetentionMs: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function duration(config: Config, key: string, fallback: number): number {
  return config.has(key)
    ? durationToMilliseconds(readDurationFromConfig(config, { key }))
    : fallback;
}

/** Reads gpuFleet.capacity; a bad price entry stops the backend naming the key. */
export function readCapacityConfig(root: Config): CapacityConfig {
  const prices = (
    root.getOptionalConfigArray('gpuFleet.capacity.prices') ?? []
  ).map((entry, index) => {
    const capacityType = entry.getOptionalString('capacityType');
    if (
      capacityType !== undefined &&
      !CAPACITY_TYPES.includes(capacityType as CapacityType)
    ) {
      throw new Error(
        `gpuFleet.capacity.prices[${index}].capacityType must be one of ${CAPACITY_TYPES.join(
          ', ',
        )}, got '${capacityType}'`,
      );
    }
    const perGpuHour = entry.getNumber('perGpuHour');
    if (!(perGpuHour >= 0)) {
      throw new Error(
        `gpuFleet.capacity.prices[${index}].perGpuHour must be zero or more`,
      );
    }
    return {
      provider: entry.getOptionalString('provider'),
      gpuType: entry.getString('gpuType'),
      capacityType: capacityType as CapacityType | undefined,
      perGpuHour,
    };
  });
  return {
    prices,
    currency: root.getOptionalString('gpuFleet.capacity.currency') ?? 'USD',
    historyIntervalMs: duration(
      root,
      'gpuFleet.capacity.history.interval',
      MINUTE,
    ),
    historyRetentionMs: duration(
      root,
      'gpuFleet.capacity.history.retention',
      30 * DAY,
    ),
  };
}
