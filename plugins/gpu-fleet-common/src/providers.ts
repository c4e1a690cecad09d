import type { AddonId } from './addons';

export const PROVIDER_IDS = [
  'eks',
  'aks',
  'gke',
  'oke',
  'coreweave',
  'lambda',
  'fluidstack',
  'nebius',
  'generic',
] as const;

export type ProviderId = (typeof PROVIDER_IDS)[number];

export interface ManagedAddon {
  addon: AddonId;
  reason: string;
}

export interface ProviderProfile {
  id: ProviderId;
  title: string;
  kind: 'hyperscaler' | 'gpu-cloud' | 'generic';
  managedAddons: ManagedAddon[];
  nodePoolDiscovery: 'automatic' | 'labels';
  nodePoolLabels: string[];
  gpuTypeLabels: string[];
  defaultAddons: AddonId[];
  defaultTolerations: {
    key: string;
    operator: 'Exists' | 'Equal';
    value?: string;
    effect?: string;
  }[];
  notes: string[];
}

// The suite's own labels win, then migrants' labels, then GPU Feature Discovery
// (or its AMD counterpart, the node labeller).
const SUITE_NODEPOOL = ['gpu-fleet.io/nodepool', 'truefoundry.com/nodepool'];
const SUITE_GPU_TYPE = [
  'gpu-fleet.io/gpu-type',
  'truefoundry.com/gpu_type',
  'nvidia.com/gpu.product',
  'amd.com/gpu.product-name',
];
const LABEL_BY_HAND =
  'Node pools are not discovered on this provider: label every node with gpu-fleet.io/nodepool and gpu-fleet.io/gpu-type where the provider does not expose them.';
const HYPERSCALER_DEFAULTS: AddonId[] = [
  'gpu-operator',
  'cert-manager',
  'kube-prometheus-stack',
  'mpi-operator',
  'kueue',
];
const GPU_TAINT = {
  key: 'nvidia.com/gpu',
  operator: 'Exists' as const,
  effect: 'NoSchedule',
};

export const providerProfiles: Record<ProviderId, ProviderProfile> = {
  eks: {
    id: 'eks',
    title: 'Amazon EKS',
    kind: 'hyperscaler',
    managedAddons: [],
    nodePoolDiscovery: 'automatic',
    nodePoolLabels: [
      ...SUITE_NODEPOOL,
      'eks.amazonaws.com/nodegroup',
      'karpenter.sh/nodepool',
    ],
    gpuTypeLabels: [...SUITE_GPU_TYPE, 'node.kubernetes.io/instance-type'],
    defaultAddons: HYPERSCALER_DEFAULTS,
    defaultTolerations: [GPU_TAINT],
    notes: [
      'Node groups are discovered from eks.amazonaws.com/nodegroup (karpenter.sh/nodepool for Karpenter nodes); GPU type from the instance type (p5.48xlarge is 8 × H100).',
      'Spot and on-demand come from eks.amazonaws.com/capacityType.',
    ],
  },
  aks: {
    id: 'aks',
    title: 'Azure AKS',
    kind: 'hyperscaler',
    managedAddons: [],
    nodePoolDiscovery: 'automatic',
    nodePoolLabels: [...SUITE_NODEPOOL, 'kubernetes.azure.com/agentpool'],
    gpuTypeLabels: [...SUITE_GPU_TYPE, 'node.kubernetes.io/instance-type'],
    defaultAddons: HYPERSCALER_DEFAULTS,
    defaultTolerations: [GPU_TAINT],
    notes: [
      'Agent pools are discovered from kubernetes.azure.com/agentpool; GPU type from the VM size (Standard_ND96isr_H100_v5 is 8 × H100).',
    ],
  },
  gke: {
    id: 'gke',
    title: 'Google GKE',
    kind: 'hyperscaler',
    managedAddons: [],
    nodePoolDiscovery: 'automatic',
    nodePoolLabels: [...SUITE_NODEPOOL, 'cloud.google.com/gke-nodepool'],
    gpuTypeLabels: [
      ...SUITE_GPU_TYPE,
      'cloud.google.com/gke-accelerator',
      'node.kubernetes.io/instance-type',
    ],
    defaultAddons: HYPERSCALER_DEFAULTS,
    defaultTolerations: [GPU_TAINT],
    notes: [
      'Node pools come from cloud.google.com/gke-nodepool and GPU type from cloud.google.com/gke-accelerator.',
      'GKE can install GPU drivers itself; leave gpu-operator on only when the node pool does not.',
    ],
  },
  oke: {
    id: 'oke',
    title: 'Oracle OKE',
    kind: 'hyperscaler',
    managedAddons: [],
    nodePoolDiscovery: 'labels',
    nodePoolLabels: [...SUITE_NODEPOOL, 'oke.oraclecloud.com/pool.name'],
    gpuTypeLabels: [...SUITE_GPU_TYPE, 'node.kubernetes.io/instance-type'],
    defaultAddons: HYPERSCALER_DEFAULTS,
    defaultTolerations: [GPU_TAINT],
    notes: [
      'Bare-metal BM.GPU.H100.8 nodes sit on a RoCE v2 cluster network; its topology is in oci.oraclecloud.com/rdma.local_block_id, oci.oraclecloud.com/rdma.network_block_id and oci.oraclecloud.com/rdma.hpc_island_id. Keep tightly coupled workers in one local block.',
      'RDMA pods need host network, IPC_LOCK, privileged mode, /dev/infiniband and a memory-backed /dev/shm: allow them only in workspaces set aside for them.',
      'Workload identity works only on Enhanced clusters and only through OCI SDKs.',
      LABEL_BY_HAND,
    ],
  },
  coreweave: {
    id: 'coreweave',
    title: 'CoreWeave CKS',
    kind: 'gpu-cloud',
    managedAddons: [
      {
        addon: 'gpu-operator',
        reason:
          'CKS installs and manages the NVIDIA GPU Operator; a second one is unsupported',
      },
    ],
    nodePoolDiscovery: 'labels',
    nodePoolLabels: [...SUITE_NODEPOOL, 'compute.coreweave.com/node-pool'],
    gpuTypeLabels: [...SUITE_GPU_TYPE],
    defaultAddons: ['cert-manager', 'mpi-operator', 'kueue'],
    defaultTolerations: [],
    notes: [
      'CKS runs Cilium and ships its own observability, so kube-prometheus-stack is off by default.',
      LABEL_BY_HAND,
    ],
  },
  lambda: {
    id: 'lambda',
    title: 'Lambda managed Kubernetes',
    kind: 'gpu-cloud',
    managedAddons: [
      {
        addon: 'gpu-operator',
        reason: 'Lambda enables GPUs and InfiniBand/RDMA on its nodes itself',
      },
    ],
    nodePoolDiscovery: 'labels',
    nodePoolLabels: [...SUITE_NODEPOOL],
    gpuTypeLabels: [...SUITE_GPU_TYPE],
    defaultAddons: ['cert-manager', 'mpi-operator', 'kueue'],
    defaultTolerations: [GPU_TAINT],
    notes: [
      'GPU nodes are tainted: workspaces that target them need the nvidia.com/gpu toleration.',
      'Shared storage is the lambda-shared StorageClass; DCGM Grafana dashboards and automated node remediation are provided.',
      LABEL_BY_HAND,
    ],
  },
  fluidstack: {
    id: 'fluidstack',
    title: 'Fluidstack managed Kubernetes',
    kind: 'gpu-cloud',
    managedAddons: [
      {
        addon: 'gpu-operator',
        reason: 'Fluidstack runs the NVIDIA GPU and Network Operators itself',
      },
      {
        addon: 'kueue',
        reason: 'Fluidstack provides Kueue, with Ray and Volcano, for batch',
      },
    ],
    nodePoolDiscovery: 'labels',
    nodePoolLabels: [...SUITE_NODEPOOL],
    gpuTypeLabels: [...SUITE_GPU_TYPE],
    defaultAddons: ['cert-manager', 'mpi-operator'],
    defaultTolerations: [],
    notes: [
      'Storage and health observability are Fluidstack-managed.',
      LABEL_BY_HAND,
    ],
  },
  nebius: {
    id: 'nebius',
    title: 'Nebius managed Kubernetes',
    kind: 'gpu-cloud',
    managedAddons: [
      {
        addon: 'gpu-operator',
        reason:
          'Nebius GPU node groups come with NVIDIA drivers and the GPU stack preinstalled',
      },
    ],
    nodePoolDiscovery: 'labels',
    nodePoolLabels: [...SUITE_NODEPOOL],
    gpuTypeLabels: [...SUITE_GPU_TYPE],
    defaultAddons: [
      'cert-manager',
      'kube-prometheus-stack',
      'mpi-operator',
      'kueue',
    ],
    defaultTolerations: [GPU_TAINT],
    notes: [LABEL_BY_HAND],
  },
  generic: {
    id: 'generic',
    title: 'Generic Kubernetes',
    kind: 'generic',
    managedAddons: [],
    nodePoolDiscovery: 'labels',
    nodePoolLabels: [...SUITE_NODEPOOL],
    gpuTypeLabels: [...SUITE_GPU_TYPE],
    defaultAddons: HYPERSCALER_DEFAULTS,
    defaultTolerations: [],
    notes: [LABEL_BY_HAND],
  },
};

export function isProviderId(value: string): value is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(value);
}

export function getProviderProfile(id: ProviderId): ProviderProfile {
  return providerProfiles[id];
}
