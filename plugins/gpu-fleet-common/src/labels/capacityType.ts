import type { CapacityType } from '../inventory/types';

/** Set by hand to say how a node is bought where no provider label does (or to correct one). */
export const CAPACITY_TYPE_LABEL = 'gpu-fleet.io/capacity-type';

function fromWord(value: string | undefined): CapacityType | undefined {
  const word = value
    ?.trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '');
  switch (word) {
    case 'ondemand':
    case 'regular':
    case 'standard':
      return 'on-demand';
    case 'spot':
    case 'preemptible':
      return 'spot';
    case 'reserved':
    case 'reservation':
    case 'capacityblock':
      return 'reserved';
    default:
      return undefined;
  }
}

/**
 * How a node's capacity is bought, from the suite's override, Karpenter, EKS
 * managed node groups (CAPACITY_BLOCK counts as reserved), GKE (Spot,
 * preemptible, reservations) and AKS (Spot scale sets). GKE and AKS only label
 * the exception, so their other nodes are on-demand; elsewhere an unlabelled
 * node is `unknown`.
 */
export function capacityTypeFromLabels(
  labels: Record<string, string>,
): CapacityType {
  const stated =
    fromWord(labels[CAPACITY_TYPE_LABEL]) ??
    fromWord(labels['karpenter.sh/capacity-type']) ??
    fromWord(labels['eks.amazonaws.com/capacityType']);
  if (stated) return stated;
  if ('cloud.google.com/gke-nodepool' in labels) {
    if (
      labels['cloud.google.com/gke-spot'] === 'true' ||
      labels['cloud.google.com/gke-preemptible'] === 'true'
    ) {
      return 'spot';
    }
    return labels['cloud.google.com/reservation-name']
      ? 'reserved'
      : 'on-demand';
  }
  if ('kubernetes.azure.com/agentpool' in labels) {
    return labels['kubernetes.azure.com/scalesetpriority'] === 'spot'
      ? 'spot'
      : 'on-demand';
  }
  return 'unknown';
}
