import {
  gpuHourPrice,
  PlacementGpuOption,
  PlacementWorkspaceOption,
  WorkspaceCapacityType,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { formatCostPerHour, providerTitle } from '../shared/formatters';
import type { PodCount } from './formSiblings';

/** "ml-inference — cluster lambda-h200, Lambda managed Kubernetes" */
export function workspaceLabel(option: PlacementWorkspaceOption): string {
  return `${option.workspace} — cluster ${option.cluster}, ${providerTitle(
    option.provider,
  )}`;
}

/** "€3.50/h per GPU", or both prices where pods may fall back from spot. */
export function perGpuPrice(
  gpu: PlacementGpuOption,
  capacityType: WorkspaceCapacityType,
  currency: string,
): string {
  const { price, fallback } = gpuHourPrice(gpu, capacityType);
  if (capacityType !== 'spot-with-fallback') {
    return price === null
      ? `no ${capacityType} price`
      : `${formatCostPerHour(price, currency)} per GPU`;
  }
  return `spot ${formatCostPerHour(
    price,
    currency,
  )}, on-demand ${formatCostPerHour(fallback, currency)} per GPU`;
}

/** "H100 — 12 of 24 free, €4.00/h per GPU" */
export function gpuTypeLabel(
  gpu: PlacementGpuOption,
  capacityType: WorkspaceCapacityType,
  currency: string,
): string {
  return `${gpu.gpuType} — ${gpu.free} of ${gpu.total} free, ${perGpuPrice(
    gpu,
    capacityType,
    currency,
  )}`;
}

/** "In all: 8 × H100, 4 per pod × 2 pods (workers)." */
export function totalGpusText(
  gpuType: string,
  gpuCount: number,
  pods: PodCount,
): string {
  const total = `In all: ${gpuCount * pods.pods} × ${gpuType}`;
  if (pods.unset) {
    return `${total}; ${pods.from} is not set yet, so one pod is counted.`;
  }
  if (!pods.from) return `${total}.`;
  return `${total}, ${gpuCount} per pod × ${pods.pods} ${
    pods.pods === 1 ? 'pod' : 'pods'
  } (${pods.from}).`;
}

/** What the GPUs cost per hour, bought as `capacityType`. */
export function totalPriceText(
  gpu: PlacementGpuOption,
  option: PlacementWorkspaceOption,
  capacityType: WorkspaceCapacityType,
  currency: string,
  gpus: number,
): string {
  const { price, fallback } = gpuHourPrice(gpu, capacityType);
  const times = (value: number | null) =>
    formatCostPerHour(value === null ? null : value * gpus, currency);
  const where = `${gpu.gpuType} on ${providerTitle(option.provider)}`;
  if (capacityType === 'spot-with-fallback') {
    if (price === null && fallback === null) {
      return `No price is set for ${where}.`;
    }
    return `Costs ${times(price)} on spot, ${times(
      fallback,
    )} if it falls back to on-demand.`;
  }
  if (price === null) {
    return `No ${capacityType} price is set for ${where}.`;
  }
  return `Costs ${times(price)} at ${formatCostPerHour(
    price,
    currency,
  )} per GPU, ${capacityType}.`;
}
