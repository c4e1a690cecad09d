import { describeZodIssues } from '../schemas';
import {
  deploymentManifestSchema,
  DeploymentManifestInput,
} from './manifestSchema';

const vllm: DeploymentManifestInput = {
  kind: 'Service',
  name: 'llama-3-8b-chat',
  workspace: 'ml-inference',
  template: 'vllm',
  image: 'vllm/vllm-openai:v0.8.5',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  resources: { gpu: { type: 'H100', count: 1 }, cpu: 8, memory: '64Gi' },
  replicas: { min: 1, max: 4 },
  capacityType: 'spot-with-fallback',
};

const mpijob: DeploymentManifestInput = {
  kind: 'Job',
  name: 'llama-pretrain',
  workspace: 'training',
  template: 'mpijob',
  image: 'ghcr.io/example/trainer:2024.10',
  resources: { gpu: { type: 'H100', count: 8 }, cpu: '96', memory: '1800Gi' },
  mpi: {
    workers: 4,
    gpusPerWorker: 8,
    rdma: { enabled: true, shmSize: '256Gi' },
  },
};

/** Every issue, each starting with its field path. */
function problems(input: unknown): string[] {
  const result = deploymentManifestSchema.safeParse(input);
  return result.success ? [] : describeZodIssues(result.error);
}

describe('deploymentManifestSchema', () => {
  it('accepts the design sketch of a vLLM service and applies defaults', () => {
    const parsed = deploymentManifestSchema.parse(vllm);
    expect(parsed).toMatchObject({
      ...vllm,
      resources: { gpu: { type: 'H100', count: 1 }, cpu: '8', memory: '64Gi' },
      env: [],
      args: [],
    });
  });

  it('accepts an MPIJob with RDMA, and fills the RDMA default when left out', () => {
    expect(problems(mpijob)).toEqual([]);
    const plain = deploymentManifestSchema.parse({
      ...mpijob,
      mpi: { workers: 2, gpusPerWorker: 8 },
    });
    expect(plain.mpi?.rdma).toEqual({ enabled: false, shmSize: '64Gi' });
  });

  it.each([
    [{ name: 'Llama_3' }, 'name: must be a DNS-1123 label'],
    [{ workspace: '' }, 'workspace: must be a DNS-1123 label'],
    [{ cluster: 'x'.repeat(64) }, 'cluster: must be a DNS-1123 label'],
    [{ template: 'ray' }, 'template: must be one of: vllm, mpijob'],
    [{ kind: 'Job' }, 'kind: template vllm makes a Service, not a Job'],
    [{ image: 'not an image' }, 'image: must be an image reference'],
    [{ model: undefined }, 'model: is required for the vllm template'],
    [
      {
        resources: { gpu: { type: 'H101', count: 1 }, cpu: 8, memory: '64Gi' },
      },
      'resources.gpu.type: is not a known GPU type',
    ],
    [
      {
        resources: { gpu: { type: 'H100', count: 0 }, cpu: 8, memory: '64Gi' },
      },
      'resources.gpu.count:',
    ],
    [
      {
        resources: { gpu: { type: 'H100', count: 1 }, cpu: 8, memory: '64 GB' },
      },
      'resources.memory: must be a positive Kubernetes quantity',
    ],
    [
      { replicas: { min: 5, max: 2 } },
      'replicas.min: min must not be above max',
    ],
    [
      { replicas: { min: 0, max: 2 } },
      'replicas.min: may be 0 only with autoscaling.scaleToZero',
    ],
    [
      { capacityType: 'cheap' },
      'capacityType: must be one of: on-demand, spot, spot-with-fallback',
    ],
    [
      { storage: { kind: 'nfs' } },
      'storage.kind: must be one of rwx, local-nvme, block-readonly, object-storage',
    ],
    [
      {
        storage: {
          kind: 'rwx',
          storageClass: 'lustre',
          size: '2Ti',
          mountPath: 'models',
        },
      },
      'storage.mountPath: must start with /',
    ],
    [
      {
        storage: {
          kind: 'object-storage',
          url: 'not a url',
          into: 'emptyDir',
          mountPath: '/models',
        },
      },
      'storage.url: must be a URL',
    ],
    [{ env: [{ name: '1BAD', value: 'x' }] }, 'env[0]'],
    [{ ports: [{ name: 'http', port: 70000 }] }, 'ports[0].port:'],
    [
      { probes: { readiness: { path: 'health', port: 8000 } } },
      'probes.readiness.path: must start with /',
    ],
    [
      { mpi: { workers: 2, gpusPerWorker: 1 } },
      'mpi: belongs to the mpijob template only',
    ],
    [{ unknownField: true }, 'unknownField: is not a known field'],
    [{ labels: { __proto__: 'x' } }, 'labels.__proto__'],
  ])('names the field at fault: %j', (change, message) => {
    const input = JSON.parse(JSON.stringify({ ...vllm, ...change }));
    if ('labels' in change) input.labels = JSON.parse('{"__proto__":"x"}');
    if ('model' in change) delete input.model;
    expect(problems(input).join('\n')).toContain(message);
  });

  it('keeps service-only fields out of jobs, and ties GPUs per worker to the GPU count', () => {
    expect(
      problems({
        ...mpijob,
        replicas: { min: 1, max: 2 },
        ports: [{ name: 'http', port: 80 }],
        mpi: { workers: 2, gpusPerWorker: 4 },
      }),
    ).toEqual(
      expect.arrayContaining([
        'replicas: belongs to services only',
        'ports: belongs to services only',
        expect.stringContaining(
          'mpi.gpusPerWorker: must equal resources.gpu.count (8)',
        ),
      ]),
    );
    expect(problems({ ...mpijob, mpi: undefined })).toContain(
      'mpi: is required for the mpijob template',
    );
  });

  it('allows scale to zero only with min 0 and a trigger that can wake the service', () => {
    const prometheus = {
      serverAddress: 'http://prometheus.monitoring:9090',
      query: 'sum(rate(vllm:request_success_total[1m]))',
      targetPerReplica: 5,
    };
    expect(
      problems({
        ...vllm,
        replicas: { min: 0, max: 4 },
        autoscaling: { scaleToZero: true, requestRate: prometheus },
      }),
    ).toEqual([]);
    expect(
      problems({
        ...vllm,
        autoscaling: { scaleToZero: true, requestRate: prometheus },
      }),
    ).toEqual(['replicas.min: must be 0 when autoscaling.scaleToZero is on']);
    expect(
      problems({
        ...vllm,
        replicas: { min: 0, max: 4 },
        autoscaling: { scaleToZero: true },
      }),
    ).toEqual([
      'autoscaling.scaleToZero: needs requestRate, queueLength or schedule to wake the service',
    ]);
    expect(
      problems({
        ...vllm,
        autoscaling: {
          schedule: [
            {
              start: '0 8 * * 1-5',
              end: 'at noon',
              timezone: 'Europe/Berlin',
              replicas: 2,
            },
          ],
        },
      }),
    ).toEqual([
      'autoscaling.schedule[0].end: must be a five-field cron expression',
    ]);
  });

  it('asks local NVMe for a path (hostPath) or a StorageClass and size (local-volume)', () => {
    const nvme = (storage: object) =>
      problems({
        ...vllm,
        storage: { kind: 'local-nvme', mountPath: '/models', ...storage },
      });
    expect(nvme({ mode: 'hostPath' })).toEqual([
      'storage.path: is required for mode hostPath',
    ]);
    expect(nvme({ mode: 'local-volume' })).toEqual([
      'storage.storageClass: is required for mode local-volume',
      'storage.size: is required for mode local-volume',
    ]);
    expect(
      nvme({ mode: 'local-volume', storageClass: 'local-nvme', size: '3Ti' }),
    ).toEqual([]);
  });

  it('takes env values and secret references, and refuses anything else', () => {
    expect(
      problems({
        ...vllm,
        env: [
          { name: 'HF_HOME', value: '/models' },
          { name: 'HF_TOKEN', secretRef: { name: 'hf', key: 'token' } },
        ],
      }),
    ).toEqual([]);
    expect(
      problems({ ...vllm, env: [{ name: 'HF_TOKEN', secret: 'hf' }] }).join(
        '\n',
      ),
    ).toContain(
      'env[0]: each entry is {name, value} or {name, secretRef: {name, key}}',
    );
  });
});
