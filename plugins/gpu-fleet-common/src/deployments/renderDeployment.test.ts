import type { Workspace } from '../workspaces/types';
import { deploymentManifestSchema } from './manifestSchema';
import { RenderContext, RenderError } from './renderContext';
import { renderDeployment } from './renderDeployment';

const workspace: Workspace = {
  name: 'ml-inference',
  cluster: 'lambda-h100',
  namespace: 'ml-inference',
  displayName: 'ML inference',
  description: null,
  allowPrivileged: false,
  gpuQuota: [{ gpuType: 'H100', count: 8 }],
  defaults: {
    tolerations: [],
    nodeSelector: {},
    priorityClassName: null,
    capacityType: null,
  },
  workloadIdentity: {},
  members: [],
  createdBy: 'user:default/alice',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const ctx: RenderContext = {
  workspace,
  cluster: {
    name: 'lambda-h100',
    provider: 'lambda',
    addons: ['keda', 'mpi-operator'],
  },
  gpuNodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' },
};

const service = deploymentManifestSchema.parse({
  kind: 'Service',
  name: 'llama',
  workspace: 'ml-inference',
  template: 'vllm',
  image: 'vllm/vllm-openai:v0.8.5',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  resources: { gpu: { type: 'H100', count: 1 }, cpu: 8, memory: '64Gi' },
  replicas: { min: 1, max: 2 },
  storage: {
    kind: 'rwx',
    storageClass: 'lambda-shared',
    size: '100Gi',
    mountPath: '/models',
  },
  autoscaling: {
    requestRate: {
      serverAddress: 'http://prometheus:9090',
      query: 'up',
      targetPerReplica: 2,
    },
  },
});

const job = deploymentManifestSchema.parse({
  kind: 'Job',
  name: 'pretrain',
  workspace: 'ml-inference',
  template: 'mpijob',
  image: 'ghcr.io/example/trainer:1',
  resources: { gpu: { type: 'H100', count: 8 }, cpu: 96, memory: '1800Gi' },
  mpi: {
    workers: 2,
    gpusPerWorker: 8,
    checkpointStorage: {
      kind: 'rwx',
      storageClass: 'lambda-shared',
      size: '1Ti',
      mountPath: '/ckpt',
    },
  },
});

describe('renderDeployment', () => {
  it('renders a vLLM service in apply order', () => {
    expect(
      renderDeployment(service, ctx).map(o => `${o.kind}/${o.metadata.name}`),
    ).toEqual([
      'PersistentVolumeClaim/llama-weights',
      'Service/llama',
      'Deployment/llama',
      'ScaledObject/llama',
    ]);
  });

  it('renders an MPIJob after its checkpoint claim', () => {
    expect(
      renderDeployment(job, ctx).map(o => `${o.kind}/${o.metadata.name}`),
    ).toEqual([
      'PersistentVolumeClaim/pretrain-checkpoints',
      'MPIJob/pretrain',
    ]);
  });

  it('puts every object in the workspace namespace with the deployment label', () => {
    const rendered = [
      ['llama', renderDeployment(service, ctx)],
      ['pretrain', renderDeployment(job, ctx)],
    ] as const;
    for (const [name, objects] of rendered) {
      for (const object of objects) {
        expect(object.metadata.namespace).toBe('ml-inference');
        expect(object.metadata.labels).toMatchObject({
          'gpu-fleet.io/deployment': name,
          'gpu-fleet.io/workspace': 'ml-inference',
          'app.kubernetes.io/managed-by': 'gpu-fleet',
        });
      }
    }
  });

  it('refuses privileged use before rendering anything', () => {
    const rdma = deploymentManifestSchema.parse({
      ...job,
      mpi: { ...job.mpi, rdma: { enabled: true, shmSize: '128Gi' } },
    });
    expect(() => renderDeployment(rdma, ctx)).toThrow(RenderError);
    expect(() => renderDeployment(rdma, ctx)).toThrow(/^mpi\.rdma\.enabled: /);
    expect(
      renderDeployment(rdma, {
        ...ctx,
        workspace: { ...workspace, allowPrivileged: true },
      }),
    ).toHaveLength(2);
  });

  it('refuses hostPath checkpoints outside privileged workspaces', () => {
    const onNode = deploymentManifestSchema.parse({
      ...job,
      mpi: {
        ...job.mpi,
        checkpointStorage: {
          kind: 'local-nvme',
          mode: 'hostPath',
          path: '/mnt/nvme',
          mountPath: '/ckpt',
        },
      },
    });
    expect(() => renderDeployment(onNode, ctx)).toThrow(
      /^mpi\.checkpointStorage\.mode: /,
    );
  });
});
