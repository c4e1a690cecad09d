import type {
  DeploymentManifest,
  DeploymentManifestInput,
  RequirementKind,
} from '@gpu-fleet/plugin-gpu-fleet-common';

export type GpuType = DeploymentManifest['resources']['gpu']['type'];

/** The unmet requirements another GPU type can fix. */
const GPU_REQUIREMENTS: readonly RequirementKind[] = [
  'gpu-type',
  'gpu-capacity',
];

export function gpuTypeCanFix(
  unmet: ReadonlyArray<{ requirement: RequirementKind }> | undefined,
): boolean {
  return !!unmet?.some(u => GPU_REQUIREMENTS.includes(u.requirement));
}

/** The deployment's manifest moved to `cluster`, asking for `gpuType` GPUs there. */
export function retargetedManifest(
  manifest: DeploymentManifest,
  cluster: string,
  gpuType: GpuType,
): DeploymentManifestInput {
  return {
    ...manifest,
    cluster,
    resources: {
      ...manifest.resources,
      gpu: { ...manifest.resources.gpu, type: gpuType },
    },
  };
}
