import {
  CapacityResponse,
  GPU_TYPES,
} from '@gpu-fleet/plugin-gpu-fleet-common';

const KNOWN: readonly string[] = GPU_TYPES;

/**
 * The GPU types a deployment may ask for on a cluster, with what is free
 * there now; every known type when the cluster reports none, so a manifest
 * can still be previewed.
 */
export function gpuTypeOptions(
  capacity: CapacityResponse | undefined,
): Array<[string, string]> {
  const rows = (capacity?.rows ?? []).filter(
    row => row.key.gpuType && KNOWN.includes(row.key.gpuType),
  );
  if (rows.length === 0) return GPU_TYPES.map(type => [type, type]);
  return rows.map(row => [
    row.key.gpuType!,
    `${row.key.gpuType} (${row.free} of ${row.total} free)`,
  ]);
}
