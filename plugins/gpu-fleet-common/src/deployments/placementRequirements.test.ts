import type { Workspace } from '../workspaces/types';
import {
  deploymentManifestSchema,
  DeploymentManifestInput,
} from './manifestSchema';
import {
  gpusNeeded,
  PlacementFacts,
  unmetRequirements,
} from './placementRequirements';

const workspace: Workspace = {
  name: 'training',
  cluster: 'oke-bm-h100',
  namespace: 'training',
  displayName: 'Training',
  description: null,
  allowPrivileged: true,
  gpuQuota: [{ gpuType: 'H100', count: 32 }],
  defaults: {
    tolerations: [],
    nodeSelector: {},
    priorityClassName: null,
    capacityType: null,
  },
  workloadIdentity: {},
  members: [],
  createdBy: 'user:default/alice',
  createdAt: '2026-12-02T00:00:00.000Z',
  updatedAt: '2026-12-02T00:00:00.000Z',
};

const oke: PlacementFacts = {
  cluster: {
    name: 'oke-bm-h100',
    provider: 'oke',
    addons: ['mpi-operator', 'kueue', 'keda'],
  },
  workspace,
  freeGpus: { H100: 32 },
  storageClasses: ['oci-bv', 'oci-fss'],
};

const manifest = (input: Partial<DeploymentManifestInput>) =>
  deploymentManifestSchema.parse({
    kind: 'Job',
    name: 'pretrain',
    workspace: 'training',
    template: 'mpijob',
    image: 'ghcr.io/example/trainer:1',
    resources: { gpu: { type: 'H100', count: 8 }, cpu: 96, memory: '1800Gi' },
    mpi: { workers: 4, gpusPerWorker: 8, rdma: { enabled: true } },
    ...input,
  });

describe('unmetRequirements', () => {
  it('finds nothing missing where the job fits', () => {
    expect(unmetRequirements(manifest({}), oke)).toEqual([]);
    expect(gpusNeeded(manifest({}))).toBe(32);
  });

  it('lists every unmet requirement at once, each with the field it comes from', () => {
    const lambda: PlacementFacts = {
      cluster: { name: 'lambda-h200', provider: 'lambda', addons: [] },
      workspace: { ...workspace, name: 'ml-inference', allowPrivileged: false },
      freeGpus: { H200: 16 },
      storageClasses: ['lambda-shared'],
    };
    const job = manifest({
      mpi: {
        workers: 4,
        gpusPerWorker: 8,
        rdma: { enabled: true },
        checkpointStorage: {
          kind: 'rwx',
          storageClass: 'oci-fss',
          size: '10Ti',
          mountPath: '/checkpoints',
        },
      },
      storage: {
        kind: 'object-storage',
        url: 's3://weights/llama',
        into: 'emptyDir',
        mountPath: '/models',
      },
    });
    expect(unmetRequirements(job, lambda)).toEqual([
      {
        requirement: 'gpu-type',
        field: 'resources.gpu.type',
        message: "cluster 'lambda-h200' has no H100 GPUs",
      },
      {
        requirement: 'workload-identity',
        field: 'storage.url',
        message:
          "s3:// is read with EKS workload identity, which cluster 'lambda-h200' (lambda) has not",
      },
      {
        requirement: 'storage-class',
        field: 'mpi.checkpointStorage.storageClass',
        message:
          "cluster 'lambda-h200' has no StorageClass 'oci-fss' (it has lambda-shared)",
      },
      {
        requirement: 'addon',
        field: 'template',
        message: "cluster 'lambda-h200' does not have the mpi-operator add-on",
      },
      {
        requirement: 'rdma',
        field: 'mpi.rdma.enabled',
        message:
          "workspace 'ml-inference' does not allow privileged (RDMA) pods",
      },
    ]);
  });

  it('counts the GPUs needed at once: workers × GPUs, or minimum replicas × GPUs', () => {
    expect(
      unmetRequirements(manifest({}), { ...oke, freeGpus: { H100: 24 } }),
    ).toEqual([
      {
        requirement: 'gpu-capacity',
        field: 'resources.gpu.count',
        message: "needs 32 × H100 at once; cluster 'oke-bm-h100' has 24 free",
      },
    ]);
    const service = deploymentManifestSchema.parse({
      kind: 'Service',
      name: 'chat',
      workspace: 'training',
      template: 'vllm',
      image: 'vllm/vllm-openai:v0.8.5',
      model: 'meta-llama/Llama-3.1-70B-Instruct',
      resources: { gpu: { type: 'H100', count: 4 }, cpu: 32, memory: '256Gi' },
      replicas: { min: 2, max: 4 },
      autoscaling: {
        requestRate: {
          serverAddress: 'http://prometheus:9090',
          query: 'sum(rate(vllm:request_success_total[1m]))',
          targetPerReplica: 10,
        },
      },
    });
    expect(gpusNeeded(service)).toBe(8);
    expect(
      unmetRequirements(service, {
        ...oke,
        cluster: { ...oke.cluster, addons: [] },
        freeGpus: { H100: 8 },
      }),
    ).toEqual([
      {
        requirement: 'addon',
        field: 'autoscaling',
        message: "cluster 'oke-bm-h100' does not have the keda add-on",
      },
    ]);
  });

  it('asks for the workspace identity when weights come from the cloud the cluster runs in', () => {
    const eks: PlacementFacts = {
      ...oke,
      cluster: { name: 'eks-p5', provider: 'eks', addons: ['mpi-operator'] },
    };
    const job = manifest({
      storage: {
        kind: 'object-storage',
        url: 's3://weights/llama',
        into: 'nvme',
        mountPath: '/models',
      },
    });
    expect(unmetRequirements(job, eks).map(u => u.message)).toEqual([
      "workspace 'training' has no EKS workload identity to read s3:// with",
    ]);
    const bound = {
      ...eks,
      workspace: {
        ...workspace,
        workloadIdentity: {
          awsRoleArn: 'arn:aws:iam::123456789012:role/weights',
        },
      },
    };
    expect(unmetRequirements(job, bound)).toEqual([]);
  });
});
