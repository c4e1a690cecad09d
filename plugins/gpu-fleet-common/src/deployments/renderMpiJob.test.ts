import type { Workspace } from '../workspaces/types';
import {
  deploymentManifestSchema,
  DeploymentManifestInput,
} from './manifestSchema';
import { RenderContext, RenderError } from './renderContext';
import { renderMpiJob } from './renderMpiJob';

function workspace(overrides: Partial<Workspace> = {}): Workspace {
  return {
    name: 'training',
    cluster: 'oke-h100',
    namespace: 'training',
    displayName: 'Training',
    description: null,
    allowPrivileged: true,
    gpuQuota: [{ gpuType: 'H100', count: 16 }],
    defaults: {
      tolerations: [
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      ],
      nodeSelector: { 'oci.oraclecloud.com/pool': 'rdma' },
      priorityClassName: 'training',
      capacityType: 'on-demand',
    },
    workloadIdentity: {},
    members: [],
    createdBy: 'user:default/bob',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

function context(overrides: Partial<RenderContext> = {}): RenderContext {
  return {
    workspace: workspace(),
    cluster: {
      name: 'oke-h100',
      provider: 'oke',
      addons: ['mpi-operator', 'kueue'],
    },
    gpuNodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' },
    ...overrides,
  };
}

const base: DeploymentManifestInput = {
  kind: 'Job',
  name: 'llama-pretrain',
  workspace: 'training',
  template: 'mpijob',
  image: 'ghcr.io/example/trainer:2024.10',
  args: ['mpirun', '-np', '16', 'python', '/app/train.py'],
  resources: { gpu: { type: 'H100', count: 8 }, cpu: '96', memory: '1800Gi' },
  env: [{ name: 'NCCL_DEBUG', value: 'INFO' }],
  mpi: {
    workers: 2,
    gpusPerWorker: 8,
    rdma: { enabled: true, shmSize: '256Gi' },
  },
};

const manifest = (input: Partial<DeploymentManifestInput> = {}) =>
  deploymentManifestSchema.parse({ ...base, ...input });

const labels = {
  'app.kubernetes.io/managed-by': 'gpu-fleet',
  'gpu-fleet.io/workspace': 'training',
  'gpu-fleet.io/deployment': 'llama-pretrain',
};

function worker(objects: ReturnType<typeof renderMpiJob>) {
  const job = objects.find(o => o.kind === 'MPIJob');
  return (job?.spec as any).mpiReplicaSpecs.Worker;
}

describe('renderMpiJob', () => {
  it('renders an RDMA MPIJob on OKE with Kueue, field by field', () => {
    expect(renderMpiJob(manifest(), context())).toEqual([
      {
        apiVersion: 'kubeflow.org/v2beta1',
        kind: 'MPIJob',
        metadata: { name: 'llama-pretrain', namespace: 'training', labels },
        spec: {
          slotsPerWorker: 8,
          runPolicy: { cleanPodPolicy: 'Running' },
          mpiReplicaSpecs: {
            Launcher: {
              replicas: 1,
              template: {
                metadata: {
                  labels: { ...labels, 'gpu-fleet.io/mpi-role': 'launcher' },
                },
                spec: {
                  serviceAccountName: 'gpu-fleet-workload',
                  priorityClassName: 'training',
                  nodeSelector: { 'oci.oraclecloud.com/pool': 'rdma' },
                  tolerations: [
                    {
                      key: 'nvidia.com/gpu',
                      operator: 'Exists',
                      effect: 'NoSchedule',
                    },
                  ],
                  containers: [
                    {
                      name: 'launcher',
                      image: 'ghcr.io/example/trainer:2024.10',
                      args: ['mpirun', '-np', '16', 'python', '/app/train.py'],
                      env: [{ name: 'NCCL_DEBUG', value: 'INFO' }],
                      resources: {
                        requests: { cpu: '1', memory: '1Gi' },
                        limits: { cpu: '1', memory: '1Gi' },
                      },
                    },
                  ],
                },
              },
            },
            Worker: {
              replicas: 2,
              template: {
                metadata: {
                  labels: { ...labels, 'gpu-fleet.io/mpi-role': 'worker' },
                  annotations: {
                    'kueue.x-k8s.io/podset-required-topology':
                      'oci.oraclecloud.com/rdma.local_block_id',
                  },
                },
                spec: {
                  serviceAccountName: 'gpu-fleet-workload',
                  priorityClassName: 'training',
                  hostNetwork: true,
                  dnsPolicy: 'ClusterFirstWithHostNet',
                  nodeSelector: {
                    'oci.oraclecloud.com/pool': 'rdma',
                    'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3',
                  },
                  tolerations: [
                    {
                      key: 'nvidia.com/gpu',
                      operator: 'Exists',
                      effect: 'NoSchedule',
                    },
                  ],
                  affinity: {
                    nodeAffinity: {
                      requiredDuringSchedulingIgnoredDuringExecution: {
                        nodeSelectorTerms: [
                          {
                            matchExpressions: [
                              {
                                key: 'gpu-fleet.io/capacity-type',
                                operator: 'NotIn',
                                values: ['spot'],
                              },
                            ],
                          },
                        ],
                      },
                    },
                    podAffinity: {
                      requiredDuringSchedulingIgnoredDuringExecution: [
                        {
                          labelSelector: {
                            matchLabels: {
                              'gpu-fleet.io/deployment': 'llama-pretrain',
                              'gpu-fleet.io/mpi-role': 'worker',
                            },
                          },
                          topologyKey:
                            'oci.oraclecloud.com/rdma.local_block_id',
                        },
                      ],
                    },
                  },
                  containers: [
                    {
                      name: 'worker',
                      image: 'ghcr.io/example/trainer:2024.10',
                      env: [{ name: 'NCCL_DEBUG', value: 'INFO' }],
                      resources: {
                        requests: {
                          cpu: '96',
                          memory: '1800Gi',
                          'nvidia.com/gpu': '8',
                        },
                        limits: {
                          cpu: '96',
                          memory: '1800Gi',
                          'nvidia.com/gpu': '8',
                        },
                      },
                      securityContext: {
                        privileged: true,
                        capabilities: { add: ['IPC_LOCK'] },
                      },
                      volumeMounts: [
                        { name: 'infiniband', mountPath: '/dev/infiniband' },
                        { name: 'dshm', mountPath: '/dev/shm' },
                      ],
                    },
                  ],
                  volumes: [
                    {
                      name: 'infiniband',
                      hostPath: { path: '/dev/infiniband' },
                    },
                    {
                      name: 'dshm',
                      emptyDir: { medium: 'Memory', sizeLimit: '256Gi' },
                    },
                  ],
                },
              },
            },
          },
        },
      },
    ]);
  });

  it('refuses RDMA in a workspace that does not allow privileged pods, naming the field', () => {
    const render = () =>
      renderMpiJob(
        manifest(),
        context({ workspace: workspace({ allowPrivileged: false }) }),
      );
    expect(render).toThrow(RenderError);
    expect(render).toThrow(
      'mpi.rdma.enabled: RDMA needs privileged pods, which workspace training does not allow',
    );
    let caught: unknown;
    try {
      render();
    } catch (error) {
      caught = error;
    }
    expect((caught as RenderError).field).toBe('mpi.rdma.enabled');
  });

  it('renders plain workers without RDMA, in any workspace', () => {
    const objects = renderMpiJob(
      manifest({
        mpi: { workers: 4, gpusPerWorker: 8 },
        capacityType: 'spot-with-fallback',
      }),
      context({ workspace: workspace({ allowPrivileged: false }) }),
    );
    const spec = worker(objects).template.spec;
    expect(worker(objects).replicas).toBe(4);
    expect(worker(objects).template.metadata).not.toHaveProperty('annotations');
    expect(spec).not.toHaveProperty('hostNetwork');
    expect(spec).not.toHaveProperty('dnsPolicy');
    expect(spec.containers[0]).not.toHaveProperty('securityContext');
    expect(spec.affinity).not.toHaveProperty('podAffinity');
    expect(spec.affinity.nodeAffinity).not.toHaveProperty(
      'requiredDuringSchedulingIgnoredDuringExecution',
    );
    expect(spec.volumes).toEqual([
      { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '64Gi' } },
    ]);
  });

  it('co-locates RDMA workers on the EC2 network layer on EKS, and only annotates for Kueue when installed', () => {
    const objects = renderMpiJob(
      manifest(),
      context({
        cluster: { name: 'eks-p5', provider: 'eks', addons: ['mpi-operator'] },
      }),
    );
    const template = worker(objects).template;
    expect(template.metadata).not.toHaveProperty('annotations');
    expect(
      template.spec.affinity.podAffinity
        .requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey,
    ).toBe('topology.k8s.aws/network-node-layer-3');
  });

  it('renders no co-location rule where the provider has no known RDMA block label', () => {
    const objects = renderMpiJob(
      manifest(),
      context({
        cluster: { name: 'lambda-1', provider: 'lambda', addons: ['kueue'] },
      }),
    );
    const template = worker(objects).template;
    expect(template.spec.affinity).not.toHaveProperty('podAffinity');
    expect(template.metadata).not.toHaveProperty('annotations');
    expect(template.spec.hostNetwork).toBe(true);
  });

  it('requests amd.com/gpu for AMD workers and mounts RWX checkpoints', () => {
    const objects = renderMpiJob(
      manifest({
        resources: {
          gpu: { type: 'MI300X', count: 8 },
          cpu: 64,
          memory: '1Ti',
        },
        mpi: {
          workers: 2,
          gpusPerWorker: 8,
          checkpointStorage: {
            kind: 'rwx',
            storageClass: 'oci-fss',
            size: '10Ti',
            mountPath: '/checkpoints',
          },
        },
      }),
      context(),
    );
    expect(objects.map(o => o.kind)).toEqual([
      'PersistentVolumeClaim',
      'MPIJob',
    ]);
    expect(objects[0].metadata.name).toBe('llama-pretrain-checkpoints');
    const container = worker(objects).template.spec.containers[0];
    expect(container.resources.limits).toEqual({
      cpu: '64',
      memory: '1Ti',
      'amd.com/gpu': '8',
    });
    expect(container.volumeMounts[0]).toEqual({
      name: 'checkpoints',
      mountPath: '/checkpoints',
    });
  });

  it('is pure: the same input gives deep-equal output and is left untouched', () => {
    const input = manifest();
    const ctx = context();
    const before = structuredClone({ input, ctx });
    const first = renderMpiJob(input, ctx);
    expect(renderMpiJob(input, ctx)).toEqual(first);
    expect({ input, ctx }).toEqual(before);
  });
});
