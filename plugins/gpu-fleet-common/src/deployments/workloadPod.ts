import { parseGpuProduct } from '../labels/gpuTypes';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  WORKSPACE_LABEL,
  workloadIdentityPodLabels,
} from '../workspaces/workspaceObjects';
import type { Toleration } from '../workspaces/types';
import { capacityPlacement, effectiveCapacityType } from './capacityPlacement';
import type { NodeAffinity } from './capacityPlacement';
import type { DeploymentManifest } from './manifestSchema';
import { DEPLOYMENT_LABEL, RenderContext } from './renderContext';

/** Labels on every object of the deployment; ours win over the manifest's own. */
export function deploymentLabels(
  manifest: DeploymentManifest,
  ctx: RenderContext,
): Record<string, string> {
  return {
    ...(manifest.labels ?? {}),
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    [WORKSPACE_LABEL]: ctx.workspace.name,
    [DEPLOYMENT_LABEL]: manifest.name,
  };
}

/** Labels on the deployment's pods, which also carry the provider's identity binding. */
export function podLabels(
  manifest: DeploymentManifest,
  ctx: RenderContext,
): Record<string, string> {
  return {
    ...deploymentLabels(manifest, ctx),
    ...workloadIdentityPodLabels(ctx.workspace, ctx.cluster.provider),
  };
}

/** The extended resource the GPU type's device plugin advertises. */
export function gpuResourceName(gpuType: string): string {
  return parseGpuProduct(gpuType)?.vendor === 'amd'
    ? 'amd.com/gpu'
    : 'nvidia.com/gpu';
}

/** Requests equal limits: GPUs must be limited, and equal CPU and memory make the pod Guaranteed. */
export function gpuContainerResources(
  manifest: DeploymentManifest,
  gpus: number,
) {
  const amounts = {
    cpu: manifest.resources.cpu,
    memory: manifest.resources.memory,
    [gpuResourceName(manifest.resources.gpu.type)]: String(gpus),
  };
  return { requests: { ...amounts }, limits: { ...amounts } };
}

export function containerEnv(manifest: DeploymentManifest) {
  return manifest.env.map(entry =>
    'value' in entry
      ? { name: entry.name, value: entry.value }
      : {
          name: entry.name,
          valueFrom: {
            secretKeyRef: {
              name: entry.secretRef.name,
              key: entry.secretRef.key,
            },
          },
        },
  );
}

/** Tolerations in order, each once. */
function uniqueTolerations(tolerations: Toleration[]): Toleration[] {
  const seen = new Set<string>();
  return tolerations.filter(t => {
    const key = JSON.stringify([
      t.key,
      t.operator,
      t.value,
      t.effect,
      t.tolerationSeconds,
    ]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface PodPlacement {
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  nodeAffinity?: NodeAffinity;
  priorityClassName?: string;
}

/**
 * Where a pod of the deployment may run: the workspace's node selector and
 * tolerations, and, for GPU pods, the GPU type's nodes bought the way the
 * manifest asks.
 */
export function podPlacement(
  manifest: DeploymentManifest,
  ctx: RenderContext,
  options: { gpu: boolean },
): PodPlacement {
  const defaults = ctx.workspace.defaults;
  const capacity = options.gpu
    ? capacityPlacement(
        effectiveCapacityType(manifest.capacityType, defaults.capacityType),
        ctx.cluster.provider,
      )
    : undefined;
  const nodeSelector = {
    ...defaults.nodeSelector,
    ...(options.gpu ? ctx.gpuNodeSelector : {}),
  };
  const tolerations = uniqueTolerations([
    ...defaults.tolerations,
    ...(capacity?.tolerations ?? []),
  ]);
  const placement: PodPlacement = {};
  if (Object.keys(nodeSelector).length > 0)
    placement.nodeSelector = nodeSelector;
  if (tolerations.length > 0)
    placement.tolerations = tolerations.map(t => ({ ...t }));
  if (capacity) placement.nodeAffinity = capacity.nodeAffinity;
  if (defaults.priorityClassName) {
    placement.priorityClassName = defaults.priorityClassName;
  }
  return placement;
}

const QUANTITY_PARTS = /^\+?([0-9.]+)(.*)$/;

/** Half a Kubernetes quantity, keeping its unit: 64Gi → 32Gi, 1Gi → 0.5Gi. */
export function halfQuantity(quantity: string): string {
  const match = QUANTITY_PARTS.exec(quantity);
  if (!match) return quantity;
  return `${Number.parseFloat(match[1]) / 2}${match[2]}`;
}
