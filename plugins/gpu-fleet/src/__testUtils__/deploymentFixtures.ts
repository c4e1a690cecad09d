import type {
  DeploymentManifest,
  DeploymentRevision,
  DeploymentView,
  ObservedDeployment,
  RevisionDiff,
} from '@gpu-fleet/plugin-gpu-fleet-common';

export const COMMIT_2 = '3f9c2a1b7d0e4c6f8a9b0c1d2e3f4a5b6c7d8e9f';
export const COMMIT_1 = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

export const vllmManifest: DeploymentManifest = {
  kind: 'Service',
  name: 'llama-3-8b-chat',
  workspace: 'ml-training',
  template: 'vllm',
  image: 'vllm/vllm-openai:v0.6.4',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  args: [],
  resources: { gpu: { type: 'H100', count: 1 }, cpu: '8', memory: '64Gi' },
  replicas: { min: 2, max: 4 },
  env: [],
};

export const runningStatus: ObservedDeployment = {
  namespace: 'ml-training',
  name: 'llama-3-8b-chat',
  phase: 'Running',
  summary: '2/2 replicas ready',
  observedAt: '2026-12-02T10:00:00.000Z',
  replicas: { desired: 2, ready: 2, updated: 2, available: 2 },
  rollout: { complete: true, reason: 'NewReplicaSetAvailable' },
  conditions: [
    {
      type: 'Available',
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      message: 'Deployment has minimum availability.',
    },
  ],
  pods: [
    {
      name: 'llama-3-8b-chat-7d9f-a1',
      phase: 'Running',
      ready: true,
      restarts: 0,
      node: 'od-1',
    },
    {
      name: 'llama-3-8b-chat-7d9f-b2',
      phase: 'Running',
      ready: true,
      restarts: 3,
      node: 'od-2',
    },
  ],
  events: [
    {
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set llama-3-8b-chat-7d9f to 2',
      object: 'Deployment/llama-3-8b-chat',
      count: 1,
      lastTimestamp: '2026-12-02T09:58:00.000Z',
    },
  ],
  objects: [
    { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama-3-8b-chat' },
    { apiVersion: 'v1', kind: 'Service', name: 'llama-3-8b-chat' },
  ],
};

export const UNSCHEDULABLE =
  '0/4 nodes are available: 4 Insufficient nvidia.com/gpu.';

export const pendingStatus: ObservedDeployment = {
  ...runningStatus,
  phase: 'Pending',
  summary: `1 of 1 pod Pending: ${UNSCHEDULABLE}`,
  replicas: { desired: 1, ready: 0, updated: 1, available: 0 },
  rollout: {
    complete: false,
    reason: 'ReplicaSetUpdated',
    message: 'ReplicaSet "llama-3-8b-chat-7d9f" is progressing.',
  },
  conditions: [
    {
      type: 'Available',
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
      message: 'Deployment does not have minimum availability.',
    },
  ],
  pods: [
    {
      name: 'llama-3-8b-chat-7d9f-x2x4k',
      phase: 'Pending',
      ready: false,
      restarts: 0,
      reason: 'Unschedulable',
      message: UNSCHEDULABLE,
    },
  ],
  events: [
    {
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: 'Created pod: llama-3-8b-chat-7d9f-x2x4k',
      object: 'ReplicaSet/llama-3-8b-chat-7d9f',
      count: 1,
      lastTimestamp: '2026-12-02T09:59:30.000Z',
    },
    {
      type: 'Warning',
      reason: 'FailedScheduling',
      message: UNSCHEDULABLE,
      object: 'Pod/llama-3-8b-chat-7d9f-x2x4k',
      count: 7,
      lastTimestamp: '2026-12-02T09:59:00.000Z',
    },
  ],
};

export function aDeployment(
  overrides: Partial<DeploymentView> = {},
): DeploymentView {
  return {
    uid: '6f1d2c3b-0000-4000-8000-000000000001',
    workspace: 'ml-training',
    name: 'llama-3-8b-chat',
    kind: 'Service',
    template: 'vllm',
    cluster: 'eks-p5',
    namespace: 'ml-training',
    manifest: vllmManifest,
    revision: 2,
    appliedRevision: 2,
    appliedCommit: COMMIT_2,
    delivery: {
      state: 'applied',
      error: null,
      attempts: 1,
      updatedAt: '2026-12-02T09:57:00.000Z',
    },
    createdBy: 'user:default/carol',
    createdAt: '2026-12-01T09:00:00.000Z',
    updatedBy: 'user:default/carol',
    updatedAt: '2026-12-02T09:56:00.000Z',
    status: runningStatus,
    access: { update: true, delete: true },
    ...overrides,
  };
}

export const mpiManifest: DeploymentManifest = {
  kind: 'Job',
  name: 'pretrain-7b',
  workspace: 'ml-training',
  template: 'mpijob',
  image: 'nvcr.io/nvidia/pytorch:24.10-py3',
  args: [],
  resources: { gpu: { type: 'H200', count: 8 }, cpu: '32', memory: '256Gi' },
  env: [],
  mpi: {
    workers: 2,
    gpusPerWorker: 8,
    rdma: { enabled: true, shmSize: '64Gi' },
  },
};

export function anMpiJobDeployment(
  overrides: Partial<DeploymentView> = {},
): DeploymentView {
  return aDeployment({
    uid: '6f1d2c3b-0000-4000-8000-000000000002',
    name: 'pretrain-7b',
    kind: 'Job',
    template: 'mpijob',
    cluster: 'coreweave-h100',
    manifest: mpiManifest,
    revision: 1,
    appliedRevision: 1,
    appliedCommit: COMMIT_1,
    status: {
      namespace: 'ml-training',
      name: 'pretrain-7b',
      phase: 'Running',
      summary: 'MPIJob Running: launcher and 2 workers running',
      observedAt: '2026-12-02T10:00:00.000Z',
      conditions: [
        { type: 'Created', status: 'True', reason: 'MPIJobCreated' },
        {
          type: 'Running',
          status: 'True',
          reason: 'MPIJobRunning',
          message: 'MPIJob ml-training/pretrain-7b is running.',
        },
      ],
      pods: [
        {
          name: 'pretrain-7b-launcher-q8z',
          phase: 'Running',
          ready: true,
          restarts: 0,
          node: 'cw-a1',
          role: 'launcher',
        },
        {
          name: 'pretrain-7b-worker-0',
          phase: 'Running',
          ready: true,
          restarts: 0,
          node: 'cw-g1',
          role: 'worker',
        },
      ],
      events: [],
      objects: [
        {
          apiVersion: 'kubeflow.org/v2beta1',
          kind: 'MPIJob',
          name: 'pretrain-7b',
        },
      ],
    },
    ...overrides,
  });
}

export const deploymentRevisions: DeploymentRevision[] = [
  {
    revision: 2,
    action: 'update',
    commit: COMMIT_2,
    author: 'user:default/carol',
    message: 'llama-3-8b-chat: 2 to 4 replicas',
    cluster: 'eks-p5',
    namespace: 'ml-training',
    path: 'eks-p5/ml-training/llama-3-8b-chat',
    objects: [],
    manifest: vllmManifest,
    createdAt: '2026-12-02T09:56:00.000Z',
  },
  {
    revision: 1,
    action: 'create',
    commit: COMMIT_1,
    author: 'user:default/bob',
    message: 'llama-3-8b-chat: created',
    cluster: 'eks-p5',
    namespace: 'ml-training',
    path: 'eks-p5/ml-training/llama-3-8b-chat',
    objects: [],
    manifest: { ...vllmManifest, replicas: { min: 1, max: 2 } },
    createdAt: '2026-12-01T09:00:00.000Z',
  },
];

export const revision2Diff: RevisionDiff = {
  revision: 2,
  commit: COMMIT_2,
  previousCommit: COMMIT_1,
  diff: [
    'diff --git a/eks-p5/ml-training/llama-3-8b-chat/deployment.yaml b/eks-p5/ml-training/llama-3-8b-chat/deployment.yaml',
    '--- a/eks-p5/ml-training/llama-3-8b-chat/deployment.yaml',
    '+++ b/eks-p5/ml-training/llama-3-8b-chat/deployment.yaml',
    '@@ -6,3 +6,3 @@ metadata:',
    ' spec:',
    '-  replicas: 1',
    '+  replicas: 2',
  ].join('\n'),
};
