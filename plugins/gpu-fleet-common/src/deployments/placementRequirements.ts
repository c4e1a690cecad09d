import type { AddonId } from '../addons';
import type { ProviderId } from '../providers';
import type { Workspace } from '../workspaces/types';
import type { DeploymentManifest } from './manifestSchema';

/** What a target cluster and workspace offer, as the registry and the agent's reports know it. */
export interface PlacementFacts {
  cluster: { name: string; provider: ProviderId; addons: AddonId[] };
  workspace: Workspace;
  /** Free (schedulable, unallocated) GPUs per normalised type. */
  freeGpus: Record<string, number>;
  storageClasses: string[];
}

export type RequirementKind =
  | 'gpu-type'
  | 'gpu-capacity'
  | 'storage-class'
  | 'addon'
  | 'rdma'
  | 'workload-identity'
  /** Moving clusters: the workspace's namespace there is someone else's, or cannot be checked. */
  | 'namespace';

/** One reason the deployment cannot run there, naming the manifest field it comes from. */
export interface UnmetRequirement {
  requirement: RequirementKind;
  field: string;
  message: string;
}

/** The GPUs the deployment needs at once: every worker, or the minimum replicas (at least one). */
export function gpusNeeded(manifest: DeploymentManifest): number {
  if (manifest.mpi) return manifest.mpi.workers * manifest.mpi.gpusPerWorker;
  const replicas = Math.max(1, manifest.replicas?.min ?? 1);
  return replicas * manifest.resources.gpu.count;
}

// Object storage reached with the cloud's own identity, by URL scheme.
const IDENTITY_BY_SCHEME: Record<string, ProviderId> = {
  's3:': 'eks',
  'gs:': 'gke',
  'az:': 'aks',
  'oci:': 'oke',
};

function hasIdentity(workspace: Workspace, provider: ProviderId): boolean {
  const identity = workspace.workloadIdentity;
  switch (provider) {
    case 'eks':
      return Boolean(identity.awsRoleArn);
    case 'gke':
      return Boolean(identity.gcpServiceAccount);
    case 'aks':
      return Boolean(identity.azureClientId);
    case 'oke':
      return Boolean(identity.ociClusterId);
    default:
      return false;
  }
}

/**
 * Everything that keeps `manifest` from running on the target: listed in
 * full before anything changes, so a retarget either fits or says why not.
 */
export function unmetRequirements(
  manifest: DeploymentManifest,
  facts: PlacementFacts,
): UnmetRequirement[] {
  const unmet: UnmetRequirement[] = [];
  const { cluster, workspace } = facts;
  const gpuType = manifest.resources.gpu.type;
  const free = facts.freeGpus[gpuType];
  const needed = gpusNeeded(manifest);
  if (free === undefined) {
    unmet.push({
      requirement: 'gpu-type',
      field: 'resources.gpu.type',
      message: `cluster '${cluster.name}' has no ${gpuType} GPUs`,
    });
  } else if (free < needed) {
    unmet.push({
      requirement: 'gpu-capacity',
      field: 'resources.gpu.count',
      message: `needs ${needed} × ${gpuType} at once; cluster '${cluster.name}' has ${free} free`,
    });
  }

  const storages = [
    { field: 'storage', storage: manifest.storage },
    {
      field: 'mpi.checkpointStorage',
      storage: manifest.mpi?.checkpointStorage,
    },
  ];
  for (const { field, storage } of storages) {
    if (
      storage?.kind === 'rwx' &&
      !facts.storageClasses.includes(storage.storageClass)
    ) {
      unmet.push({
        requirement: 'storage-class',
        field: `${field}.storageClass`,
        message: `cluster '${cluster.name}' has no StorageClass '${
          storage.storageClass
        }' (it has ${facts.storageClasses.join(', ') || 'none'})`,
      });
    }
    if (storage?.kind === 'object-storage') {
      const scheme = new URL(storage.url).protocol;
      const provider = IDENTITY_BY_SCHEME[scheme];
      if (
        provider &&
        (provider !== cluster.provider || !hasIdentity(workspace, provider))
      ) {
        unmet.push({
          requirement: 'workload-identity',
          field: `${field}.url`,
          message:
            provider === cluster.provider
              ? `workspace '${
                  workspace.name
                }' has no ${provider.toUpperCase()} workload identity to read ${scheme}// with`
              : `${scheme}// is read with ${provider.toUpperCase()} workload identity, which cluster '${
                  cluster.name
                }' (${cluster.provider}) has not`,
        });
      }
    }
  }

  const addons: Array<{ addon: AddonId; field: string; needed: boolean }> = [
    {
      addon: 'keda',
      field: 'autoscaling',
      needed: manifest.autoscaling !== undefined,
    },
    {
      addon: 'mpi-operator',
      field: 'template',
      needed: manifest.template === 'mpijob',
    },
  ];
  for (const { addon, field, needed: required } of addons) {
    if (required && !cluster.addons.includes(addon)) {
      unmet.push({
        requirement: 'addon',
        field,
        message: `cluster '${cluster.name}' does not have the ${addon} add-on`,
      });
    }
  }

  if (manifest.mpi?.rdma.enabled && !workspace.allowPrivileged) {
    unmet.push({
      requirement: 'rdma',
      field: 'mpi.rdma.enabled',
      message: `workspace '${workspace.name}' does not allow privileged (RDMA) pods`,
    });
  }
  return unmet;
}
