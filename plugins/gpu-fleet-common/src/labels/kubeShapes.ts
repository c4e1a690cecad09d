/**
 * The parts of Kubernetes Node and Pod objects the inventory reads, typed
 * structurally so that `@kubernetes/client-node`'s V1Node and V1Pod fit.
 */

export interface KubeNode {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: {
    unschedulable?: boolean;
    taints?: Array<{ key: string; value?: string; effect: string }>;
  };
  status?: {
    allocatable?: Record<string, string>;
    conditions?: Array<{ type: string; status: string }>;
  };
}

export interface KubeContainerResources {
  resources?: {
    requests?: Record<string, string>;
    limits?: Record<string, string>;
  };
}

export interface KubePod {
  metadata?: { name?: string; namespace?: string };
  spec?: {
    nodeName?: string;
    containers?: KubeContainerResources[];
    /** `restartPolicy: Always` marks a sidecar, which runs beside the app containers. */
    initContainers?: Array<KubeContainerResources & { restartPolicy?: string }>;
  };
  status?: { phase?: string };
}

/** Extended resources that count as GPUs; MIG slices and time-sliced replicas are not whole GPUs. */
export const GPU_RESOURCE_NAMES = ['nvidia.com/gpu', 'amd.com/gpu'] as const;
