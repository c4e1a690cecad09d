import type {
  AuditEntry,
  CapacityFigures,
  CapacityResponse,
  CapacityRow,
  Cluster,
  ClusterInventoryResponse,
  NodeInventory,
  WorkspaceNamespaceState,
  WorkspaceView,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import type { PrerequisiteView } from '../api/GpuFleetApi';
import { prerequisiteChecks } from '@gpu-fleet/plugin-gpu-fleet-common';

export function aCluster(overrides: Partial<Cluster> = {}): Cluster {
  return {
    name: 'eks-p5',
    displayName: 'EKS p5 pool',
    provider: 'eks',
    region: 'us-east-1',
    description: 'Training on p5.48xlarge',
    labels: { team: 'ml' },
    addons: ['gpu-operator', 'cert-manager'],
    status: 'connected',
    agentVersion: '0.3.1',
    kubernetesVersion: 'v1.30.4',
    lastSeenAt: '2026-11-23T10:00:00.000Z',
    createdBy: 'user:default/alice',
    createdAt: '2026-11-20T09:00:00.000Z',
    updatedAt: '2026-11-23T10:00:00.000Z',
    detachedAt: null,
    ...overrides,
  };
}

export const fleetClusters: Cluster[] = [
  aCluster(),
  aCluster({
    name: 'eks-spot',
    displayName: 'EKS spot',
    status: 'pending',
    agentVersion: null,
    kubernetesVersion: null,
    lastSeenAt: null,
  }),
  aCluster({
    name: 'coreweave-h100',
    displayName: 'CoreWeave H100',
    provider: 'coreweave',
    region: 'US-EAST-04',
    addons: ['cert-manager', 'mpi-operator', 'kueue'],
  }),
  aCluster({
    name: 'lambda-h200',
    displayName: 'Lambda H200',
    provider: 'lambda',
    status: 'disconnected',
  }),
  aCluster({
    name: 'old-gke',
    displayName: 'Old GKE',
    provider: 'gke',
    status: 'revoked',
    detachedAt: '2026-11-21T00:00:00.000Z',
  }),
];

function figures(
  total: number,
  allocated: number,
  extra: Partial<CapacityFigures> = {},
): CapacityFigures {
  return {
    total,
    allocated,
    free: total - allocated,
    unavailable: 0,
    nodes: total / 8,
    clusters: 1,
    allocatedCostPerHour: allocated * 2.5,
    idleCostPerHour: (total - allocated) * 2.5,
    ...extra,
  };
}

export function row(
  key: CapacityRow['key'],
  total: number,
  allocated: number,
  extra: Partial<CapacityFigures> = {},
): CapacityRow {
  return { key, ...figures(total, allocated, extra) };
}

export const matrixCapacity: CapacityResponse = {
  groupBy: ['provider', 'gpuType'],
  rows: [
    row({ provider: 'coreweave', gpuType: 'H100' }, 32, 8),
    row({ provider: 'eks', gpuType: 'H100' }, 16, 12),
    row({ provider: 'lambda', gpuType: 'H200' }, 24, 23, {
      free: 0,
      unavailable: 1,
      allocatedCostPerHour: null,
      idleCostPerHour: null,
    }),
  ],
  totals: {
    total: 72,
    allocated: 43,
    free: 28,
    unavailable: 1,
    nodes: 9,
    clusters: 3,
    allocatedCostPerHour: 50,
    idleCostPerHour: 70,
  },
  currency: 'USD',
  generatedAt: '2026-11-23T10:00:00.000Z',
};

export const byProviderCapacity: CapacityResponse = {
  ...matrixCapacity,
  groupBy: ['provider'],
  rows: [
    row({ provider: 'coreweave' }, 32, 8),
    row({ provider: 'eks' }, 16, 12),
    row({ provider: 'lambda' }, 24, 23, { free: 0, unavailable: 1 }),
  ],
};

export const emptyCapacity: CapacityResponse = {
  groupBy: ['provider', 'gpuType'],
  rows: [],
  totals: {
    total: 0,
    allocated: 0,
    free: 0,
    unavailable: 0,
    nodes: 0,
    clusters: 0,
    allocatedCostPerHour: null,
    idleCostPerHour: null,
  },
  currency: 'USD',
  generatedAt: '2026-11-23T10:00:00.000Z',
};

export function aNode(overrides: Partial<NodeInventory> = {}): NodeInventory {
  return {
    name: 'node-1',
    nodePool: 'p5-on-demand',
    gpuType: 'H100',
    gpuVendor: 'nvidia',
    gpuCount: 8,
    gpuAllocated: 8,
    capacityType: 'on-demand',
    instanceType: 'p5.48xlarge',
    schedulable: true,
    ready: true,
    taints: [],
    topology: {},
    ...overrides,
  };
}

export const eksInventory: ClusterInventoryResponse = {
  cluster: 'eks-p5',
  reportedAt: '2026-11-23T10:00:00.000Z',
  nodes: [
    aNode({ name: 'od-1', gpuAllocated: 8 }),
    aNode({ name: 'od-2', gpuAllocated: 4 }),
    aNode({
      name: 'spot-1',
      nodePool: 'p5-spot',
      capacityType: 'spot',
      gpuAllocated: 0,
    }),
    aNode({
      name: 'system-1',
      nodePool: 'system',
      gpuType: null,
      gpuVendor: null,
      gpuCount: 0,
      gpuAllocated: 0,
      instanceType: 'm6i.xlarge',
    }),
  ],
};

export const eksPrerequisites: PrerequisiteView[] = [
  {
    ...prerequisiteChecks['kubernetes-version'],
    status: 'pass',
    message: 'v1.30.4',
    checkedAt: '2026-11-23T10:00:00.000Z',
  },
  {
    ...prerequisiteChecks['registry-egress'],
    status: 'fail',
    message: 'nvcr.io is not reachable from the nodes',
    checkedAt: '2026-11-23T10:00:00.000Z',
  },
  {
    ...prerequisiteChecks['node-labels'],
    status: 'unknown',
    message: 'not reported by the agent yet',
    checkedAt: null,
  },
];

export const eksAudit: AuditEntry[] = [
  {
    id: 2,
    cluster: 'eks-p5',
    actor: 'user:default/bob',
    action: 'token.rotated',
    details: {},
    at: '2026-11-22T09:00:00.000Z',
  },
  {
    id: 1,
    cluster: 'eks-p5',
    actor: 'user:default/alice',
    action: 'cluster.attached',
    details: { provider: 'eks' },
    at: '2026-11-20T09:00:00.000Z',
  },
];

export function aWorkspace(
  overrides: Partial<WorkspaceView> = {},
): WorkspaceView {
  return {
    name: 'ml-training',
    cluster: 'eks-p5',
    namespace: 'ml-training',
    displayName: 'ML training',
    description: 'Pre-training runs of the research team',
    allowPrivileged: true,
    gpuQuota: [
      { gpuType: 'H200', count: 8 },
      { gpuType: 'H100', count: 4 },
    ],
    defaults: {
      tolerations: [
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      ],
      nodeSelector: { 'gpu-fleet.io/nodepool': 'p5-on-demand' },
      priorityClassName: 'training',
      capacityType: 'on-demand',
    },
    workloadIdentity: {
      awsRoleArn: 'arn:aws:iam::123456789012:role/ml-training',
    },
    members: [
      { ref: 'group:default/ml-research', role: 'deployer' },
      { ref: 'user:default/carol', role: 'admin' },
    ],
    createdBy: 'user:default/alice',
    createdAt: '2026-11-21T09:00:00.000Z',
    updatedAt: '2026-11-22T09:00:00.000Z',
    access: { read: true, deploy: true, administer: true, delete: true },
    ...overrides,
  };
}

export const viewerAccess = {
  read: true,
  deploy: false,
  administer: false,
  delete: false,
};

export function aNamespaceState(
  overrides: Partial<WorkspaceNamespaceState> = {},
): WorkspaceNamespaceState {
  return {
    reachable: true,
    message: null,
    namespace: { exists: true, phase: 'Active', podSecurity: 'privileged' },
    quota: [
      { resource: 'requests.nvidia.com/gpu', hard: '12', used: '9' },
      { resource: 'requests.amd.com/gpu', hard: '0', used: '0' },
    ],
    serviceAccount: {
      name: 'gpu-fleet-workload',
      exists: true,
      annotations: {
        'eks.amazonaws.com/role-arn':
          'arn:aws:iam::123456789012:role/ml-training',
      },
    },
    ...overrides,
  };
}
