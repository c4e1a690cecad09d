import {
  WORKSPACE_CAPACITY_TYPES,
  WorkspaceCapacityType,
} from '@gpu-fleet/plugin-gpu-fleet-common';

/** Which other fields of the form the picker reads. */
export interface PlacementPickerUiOptions {
  /**
   * The form field (a dotted path into the form's data) whose number of
   * pods multiplies the GPUs per pod: `workers`, `minReplicas`. One pod
   * when unset.
   */
  podsFrom?: string;
  /**
   * The form field holding the capacity type the manifest asks for
   * (on-demand, spot, spot-with-fallback), for prices; the workspace's
   * default when unset or empty.
   */
  capacityTypeFrom?: string;
}

export interface PodCount {
  pods: number;
  /** The form field it came from. */
  from?: string;
  /** `from` holds no number yet, so one pod is counted. */
  unset?: boolean;
}

function valueAt(formData: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (at, key) =>
        at && typeof at === 'object'
          ? (at as Record<string, unknown>)[key]
          : undefined,
      formData,
    );
}

/**
 * The pods the deployment runs at once, read from another field of the
 * form. Fewer than one counts as one, as a service's minimum replicas do.
 */
export function podCount(
  formData: unknown,
  podsFrom: string | undefined,
): PodCount {
  if (!podsFrom) return { pods: 1 };
  const value = valueAt(formData, podsFrom);
  const number =
    typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) {
    return { pods: 1, from: podsFrom, unset: true };
  }
  return { pods: Math.max(1, number), from: podsFrom };
}

/** The capacity type another field of the form asks for, if it names one. */
export function capacityTypeAskedFor(
  formData: unknown,
  capacityTypeFrom: string | undefined,
): WorkspaceCapacityType | undefined {
  if (!capacityTypeFrom) return undefined;
  const value = valueAt(formData, capacityTypeFrom);
  return WORKSPACE_CAPACITY_TYPES.find(t => t === value);
}
