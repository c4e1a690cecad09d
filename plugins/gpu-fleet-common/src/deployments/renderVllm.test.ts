import type { Workspace } from '../workspaces/types';
import {
  deploymentManifestSchema,
  DeploymentManifestInput,
} from './manifestSchema';
import { RenderContext } from './renderContext';
import { renderVllm } from './renderVllm';

function workspace(overrides: Partial<Workspace> = {}): Workspace {
  return {
    name: 'ml-inference',
    cluster: 'aks-h100',
    namespace: 'ml-inference',
    displayName: 'ML inference',
    description: null,
    allowPrivileged: false,
    gpuQuota: [{ gpuType: 'H100', count: 8 }],
    defaults: {
      tolerations: [
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      ],
      nodeSelector: { 'kubernetes.azure.com/agentpool': 'gpu' },
      priorityClassName: 'inference-high',
      capacityType: null,
    },
    workloadIdentity: { azureClientId: '00000000-0000-0000-0000-000000000001' },
    members: [],
    createdBy: 'user:default/alice',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

function context(overrides: Partial<RenderContext> = {}): RenderContext {
  return {
    workspace: workspace(),
    cluster: { name: 'aks-h100', provider: 'aks', addons: ['keda'] },
    gpuNodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' },
    ...overrides,
  };
}

const base: DeploymentManifestInput = {
  kind: 'Service',
  name: 'llama-3-8b-chat',
  workspace: 'ml-inference',
  template: 'vllm',
  image: 'vllm/vllm-openai:v0.8.5',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  resources: { gpu: { type: 'H100', count: 2 }, cpu: 8, memory: '64Gi' },
};

const manifest = (input: Partial<DeploymentManifestInput> = {}) =>
  deploymentManifestSchema.parse({ ...base, ...input });

const labels = {
  'app.kubernetes.io/managed-by': 'gpu-fleet',
  'gpu-fleet.io/workspace': 'ml-inference',
  'gpu-fleet.io/deployment': 'llama-3-8b-chat',
};

describe('renderVllm', () => {
  it('renders an autoscaled spot service with RWX weights, object by object', () => {
    const objects = renderVllm(
      manifest({
        args: ['--max-model-len', '8192'],
        replicas: { min: 1, max: 4 },
        capacityType: 'spot',
        env: [
          { name: 'VLLM_LOGGING_LEVEL', value: 'INFO' },
          { name: 'HF_TOKEN', secretRef: { name: 'hf', key: 'token' } },
        ],
        storage: {
          kind: 'rwx',
          storageClass: 'azurefile-premium',
          size: '200Gi',
          mountPath: '/models',
        },
        autoscaling: {
          requestRate: {
            serverAddress: 'http://prometheus.monitoring:9090',
            query: 'sum(rate(vllm:request_success_total[1m]))',
            targetPerReplica: 5,
          },
        },
      }),
      context(),
    );

    expect(objects).toEqual([
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name: 'llama-3-8b-chat-weights',
          namespace: 'ml-inference',
          labels,
        },
        spec: {
          accessModes: ['ReadWriteMany'],
          storageClassName: 'azurefile-premium',
          resources: { requests: { storage: '200Gi' } },
        },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: 'llama-3-8b-chat',
          namespace: 'ml-inference',
          labels,
        },
        spec: {
          selector: {
            matchLabels: { 'gpu-fleet.io/deployment': 'llama-3-8b-chat' },
          },
          template: {
            metadata: {
              labels: { ...labels, 'azure.workload.identity/use': 'true' },
            },
            spec: {
              serviceAccountName: 'gpu-fleet-workload',
              priorityClassName: 'inference-high',
              nodeSelector: {
                'kubernetes.azure.com/agentpool': 'gpu',
                'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3',
              },
              tolerations: [
                {
                  key: 'nvidia.com/gpu',
                  operator: 'Exists',
                  effect: 'NoSchedule',
                },
                {
                  key: 'kubernetes.azure.com/scalesetpriority',
                  operator: 'Equal',
                  value: 'spot',
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
                            key: 'kubernetes.azure.com/scalesetpriority',
                            operator: 'In',
                            values: ['spot'],
                          },
                        ],
                      },
                    ],
                  },
                },
              },
              containers: [
                {
                  name: 'vllm',
                  image: 'vllm/vllm-openai:v0.8.5',
                  args: [
                    '--model',
                    'meta-llama/Llama-3.1-8B-Instruct',
                    '--tensor-parallel-size',
                    '2',
                    '--port',
                    '8000',
                    '--max-model-len',
                    '8192',
                  ],
                  env: [
                    { name: 'VLLM_LOGGING_LEVEL', value: 'INFO' },
                    {
                      name: 'HF_TOKEN',
                      valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } },
                    },
                  ],
                  ports: [
                    { name: 'http', containerPort: 8000, protocol: 'TCP' },
                  ],
                  resources: {
                    requests: {
                      cpu: '8',
                      memory: '64Gi',
                      'nvidia.com/gpu': '2',
                    },
                    limits: { cpu: '8', memory: '64Gi', 'nvidia.com/gpu': '2' },
                  },
                  readinessProbe: { httpGet: { path: '/health', port: 8000 } },
                  volumeMounts: [
                    { name: 'weights', mountPath: '/models' },
                    { name: 'dshm', mountPath: '/dev/shm' },
                  ],
                },
              ],
              volumes: [
                {
                  name: 'weights',
                  persistentVolumeClaim: {
                    claimName: 'llama-3-8b-chat-weights',
                  },
                },
                {
                  name: 'dshm',
                  emptyDir: { medium: 'Memory', sizeLimit: '32Gi' },
                },
              ],
            },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'llama-3-8b-chat',
          namespace: 'ml-inference',
          labels,
        },
        spec: {
          type: 'ClusterIP',
          selector: { 'gpu-fleet.io/deployment': 'llama-3-8b-chat' },
          ports: [
            { name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' },
          ],
        },
      },
      {
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata: {
          name: 'llama-3-8b-chat',
          namespace: 'ml-inference',
          labels,
        },
        spec: {
          scaleTargetRef: {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'llama-3-8b-chat',
          },
          minReplicaCount: 1,
          maxReplicaCount: 4,
          triggers: [
            {
              type: 'prometheus',
              name: 'request-rate',
              metadata: {
                serverAddress: 'http://prometheus.monitoring:9090',
                query: 'sum(rate(vllm:request_success_total[1m]))',
                threshold: '5',
              },
            },
          ],
        },
      },
    ]);
  });

  it('sets the replica count itself and renders no ScaledObject without autoscaling', () => {
    const objects = renderVllm(
      manifest({ replicas: { min: 2, max: 2 } }),
      context(),
    );
    expect(objects.map(o => o.kind)).toEqual(['Deployment', 'Service']);
    expect(objects[0].spec).toMatchObject({ replicas: 2 });
    expect(renderVllm(manifest(), context())[0].spec).toMatchObject({
      replicas: 1,
    });
  });

  it('scales to zero on queue length and a schedule', () => {
    const objects = renderVllm(
      manifest({
        replicas: { min: 0, max: 3 },
        autoscaling: {
          scaleToZero: true,
          queueLength: {
            serverAddress: 'http://prometheus.monitoring:9090',
            query: 'sum(vllm:num_requests_waiting)',
            targetPerReplica: 10,
          },
          schedule: [
            {
              start: '0 8 * * 1-5',
              end: '0 18 * * 1-5',
              timezone: 'Europe/Paris',
              replicas: 2,
            },
          ],
        },
      }),
      context(),
    );
    const deployment = objects.find(o => o.kind === 'Deployment');
    expect(deployment?.spec).not.toHaveProperty('replicas');
    expect(objects.find(o => o.kind === 'ScaledObject')?.spec).toEqual({
      scaleTargetRef: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'llama-3-8b-chat',
      },
      minReplicaCount: 0,
      maxReplicaCount: 3,
      triggers: [
        {
          type: 'prometheus',
          name: 'queue-length',
          metadata: {
            serverAddress: 'http://prometheus.monitoring:9090',
            query: 'sum(vllm:num_requests_waiting)',
            threshold: '10',
          },
        },
        {
          type: 'cron',
          name: 'schedule-0',
          metadata: {
            timezone: 'Europe/Paris',
            start: '0 8 * * 1-5',
            end: '0 18 * * 1-5',
            desiredReplicas: '2',
          },
        },
      ],
    });
  });

  it('requests amd.com/gpu for AMD GPU types', () => {
    const [deployment] = renderVllm(
      manifest({
        resources: {
          gpu: { type: 'MI300X', count: 1 },
          cpu: 8,
          memory: '64Gi',
        },
      }),
      context(),
    );
    const container = (deployment.spec as any).template.spec.containers[0];
    expect(container.resources).toEqual({
      requests: { cpu: '8', memory: '64Gi', 'amd.com/gpu': '1' },
      limits: { cpu: '8', memory: '64Gi', 'amd.com/gpu': '1' },
    });
  });

  it('prefers spot with fallback and requires nothing about capacity', () => {
    const [deployment] = renderVllm(
      manifest({ capacityType: 'spot-with-fallback' }),
      context({ cluster: { name: 'eks-a', provider: 'eks', addons: [] } }),
    );
    const affinity = (deployment.spec as any).template.spec.affinity;
    expect(affinity.nodeAffinity).not.toHaveProperty(
      'requiredDuringSchedulingIgnoredDuringExecution',
    );
    expect(
      affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution,
    ).toEqual([
      {
        weight: 100,
        preference: {
          matchExpressions: [
            {
              key: 'karpenter.sh/capacity-type',
              operator: 'In',
              values: ['spot'],
            },
          ],
        },
      },
      {
        weight: 100,
        preference: {
          matchExpressions: [
            {
              key: 'eks.amazonaws.com/capacityType',
              operator: 'In',
              values: ['SPOT'],
            },
          ],
        },
      },
    ]);
  });

  it('takes the workspace capacity type when the manifest names none', () => {
    const ws = workspace();
    const [deployment] = renderVllm(
      manifest(),
      context({
        workspace: {
          ...ws,
          defaults: { ...ws.defaults, capacityType: 'spot-with-fallback' },
        },
      }),
    );
    expect(
      (deployment.spec as any).template.spec.affinity.nodeAffinity,
    ).toHaveProperty('preferredDuringSchedulingIgnoredDuringExecution');
  });

  it('uses the manifest ports and probes', () => {
    const [deployment, service] = renderVllm(
      manifest({
        ports: [{ name: 'api', port: 9000 }],
        probes: {
          readiness: { path: '/v1/models', port: 9000, periodSeconds: 5 },
          liveness: { path: '/health', port: 9000, initialDelaySeconds: 600 },
        },
      }),
      context(),
    );
    const container = (deployment.spec as any).template.spec.containers[0];
    expect(container.args).toEqual([
      '--model',
      'meta-llama/Llama-3.1-8B-Instruct',
      '--tensor-parallel-size',
      '2',
      '--port',
      '9000',
    ]);
    expect(container.ports).toEqual([
      { name: 'api', containerPort: 9000, protocol: 'TCP' },
    ]);
    expect(container.readinessProbe).toEqual({
      httpGet: { path: '/v1/models', port: 9000 },
      periodSeconds: 5,
    });
    expect(container.livenessProbe).toEqual({
      httpGet: { path: '/health', port: 9000 },
      initialDelaySeconds: 600,
    });
    expect((service.spec as any).ports).toEqual([
      { name: 'api', port: 9000, targetPort: 'api', protocol: 'TCP' },
    ]);
  });

  it('mounts a read-only block volume read-only', () => {
    const [deployment] = renderVllm(
      manifest({
        storage: {
          kind: 'block-readonly',
          claimName: 'llama-weights',
          mountPath: '/models',
        },
      }),
      context(),
    );
    const pod = (deployment.spec as any).template.spec;
    expect(pod.volumes[0]).toEqual({
      name: 'weights',
      persistentVolumeClaim: { claimName: 'llama-weights', readOnly: true },
    });
    expect(pod.containers[0].volumeMounts[0]).toEqual({
      name: 'weights',
      mountPath: '/models',
      readOnly: true,
    });
  });

  it('pulls weights from S3 into an emptyDir with an init container', () => {
    const [deployment] = renderVllm(
      manifest({
        model: '/models',
        storage: {
          kind: 'object-storage',
          url: 's3://weights/llama-3.1-8b/',
          into: 'emptyDir',
          mountPath: '/models',
          sizeLimit: '40Gi',
        },
      }),
      context(),
    );
    const pod = (deployment.spec as any).template.spec;
    expect(pod.initContainers).toEqual([
      {
        name: 'fetch-weights',
        image: 'amazon/aws-cli:2.22.0',
        args: ['s3', 'sync', 's3://weights/llama-3.1-8b/', '/models'],
        volumeMounts: [{ name: 'weights', mountPath: '/models' }],
      },
    ]);
    expect(pod.volumes[0]).toEqual({
      name: 'weights',
      emptyDir: { sizeLimit: '40Gi' },
    });
  });

  it('pulls an HTTPS file with curl, and the NVMe pull and hostPath NVMe only where privileged pods are allowed', () => {
    const https = {
      kind: 'object-storage' as const,
      url: 'https://example.com/models/llama.gguf',
      into: 'nvme' as const,
      mountPath: '/models',
    };
    expect(() => renderVllm(manifest({ storage: https }), context())).toThrow(
      /^storage\.into: a hostPath volume on the node needs privileged pods, which workspace ml-inference does not allow$/,
    );
    const [deployment] = renderVllm(
      manifest({ storage: https }),
      context({ workspace: workspace({ allowPrivileged: true }) }),
    );
    const pod = (deployment.spec as any).template.spec;
    expect(pod.initContainers[0]).toEqual({
      name: 'fetch-weights',
      image: 'curlimages/curl:8.11.1',
      args: [
        '--fail',
        '--location',
        '--silent',
        '--show-error',
        '--create-dirs',
        '--output',
        '/models/llama.gguf',
        'https://example.com/models/llama.gguf',
      ],
      volumeMounts: [{ name: 'weights', mountPath: '/models' }],
    });
    expect(pod.volumes[0]).toEqual({
      name: 'weights',
      hostPath: {
        path: '/mnt/nvme/gpu-fleet/ml-inference/llama-3-8b-chat',
        type: 'DirectoryOrCreate',
      },
    });
    // A path of the manifest's own wins over the default directory.
    const [placed] = renderVllm(
      manifest({ storage: { ...https, path: '/local/nvme0/llama' } }),
      context({ workspace: workspace({ allowPrivileged: true }) }),
    );
    expect((placed.spec as any).template.spec.volumes[0].hostPath.path).toBe(
      '/local/nvme0/llama',
    );

    const nvme = {
      kind: 'local-nvme' as const,
      mode: 'hostPath' as const,
      path: '/mnt/nvme/models',
      mountPath: '/models',
    };
    expect(() => renderVllm(manifest({ storage: nvme }), context())).toThrow(
      /^storage\.mode: /,
    );
    const [onNvme] = renderVllm(
      manifest({ storage: nvme }),
      context({ workspace: workspace({ allowPrivileged: true }) }),
    );
    expect((onNvme.spec as any).template.spec.volumes[0]).toEqual({
      name: 'weights',
      hostPath: { path: '/mnt/nvme/models', type: 'DirectoryOrCreate' },
    });
  });

  it('gives each pod its own claim on a local NVMe StorageClass', () => {
    const [deployment] = renderVllm(
      manifest({
        storage: {
          kind: 'local-nvme',
          mode: 'local-volume',
          storageClass: 'local-nvme',
          size: '3Ti',
          mountPath: '/models',
        },
      }),
      context(),
    );
    const volume = (deployment.spec as any).template.spec.volumes[0];
    expect(volume).toEqual({
      name: 'weights',
      ephemeral: {
        volumeClaimTemplate: {
          metadata: { labels: expect.any(Object) },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: 'local-nvme',
            resources: { requests: { storage: '3Ti' } },
          },
        },
      },
    });
    expect(volume.ephemeral.volumeClaimTemplate.metadata.labels).toMatchObject({
      'gpu-fleet.io/deployment': 'llama-3-8b-chat',
    });
  });

  it('refuses object storage it has no puller for', () => {
    expect(() =>
      renderVllm(
        manifest({
          storage: {
            kind: 'object-storage',
            url: 'gs://weights/llama',
            into: 'emptyDir',
            mountPath: '/models',
          },
        }),
        context(),
      ),
    ).toThrow(/^storage\.url: gs:\/\/ is not supported/);
  });

  it('is pure: the same input gives deep-equal output and is left untouched', () => {
    const input = manifest({
      capacityType: 'spot',
      env: [{ name: 'A', value: '1' }],
      storage: {
        kind: 'rwx',
        storageClass: 'fss',
        size: '1Ti',
        mountPath: '/models',
      },
      autoscaling: {
        requestRate: {
          serverAddress: 'http://prometheus:9090',
          query: 'up',
          targetPerReplica: 1,
        },
      },
      replicas: { min: 1, max: 2 },
    });
    const ctx = context();
    const before = structuredClone({ input, ctx });
    const first = renderVllm(input, ctx);
    const second = renderVllm(input, ctx);
    expect(second).toEqual(first);
    expect({ input, ctx }).toEqual(before);
    // Mutating one result must not reach the next one or the inputs.
    (first[1].metadata.labels as Record<string, string>).x = 'y';
    ((first[1].spec as any).template.spec.tolerations as unknown[]).push({});
    expect(renderVllm(input, ctx)).toEqual(second);
    expect({ input, ctx }).toEqual(before);
  });
});
