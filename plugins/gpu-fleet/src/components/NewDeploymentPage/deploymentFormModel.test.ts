import { deploymentManifestSchema } from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  buildManifest,
  DeploymentForm,
  editedManifest,
  emptyDeploymentForm,
  formFromManifest,
  withTemplate,
} from './deploymentFormModel';

function vllmForm(overrides: Partial<DeploymentForm> = {}): DeploymentForm {
  return {
    ...emptyDeploymentForm('ml-inference'),
    name: 'llama-3-8b-chat',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    gpuType: 'H100',
    ...overrides,
  };
}

describe('deploymentFormModel', () => {
  it('builds a vLLM service manifest the schema accepts', () => {
    const built = buildManifest(
      vllmForm({ replicasMax: '4', capacityType: 'spot-with-fallback' }),
    );
    expect(built).toEqual({
      issues: [],
      request: {
        kind: 'Service',
        name: 'llama-3-8b-chat',
        workspace: 'ml-inference',
        template: 'vllm',
        image: 'vllm/vllm-openai:v0.6.4',
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        resources: {
          gpu: { type: 'H100', count: 1 },
          cpu: '8',
          memory: '64Gi',
        },
        replicas: { min: 1, max: 4 },
        capacityType: 'spot-with-fallback',
      },
    });
    if (!('request' in built)) throw new Error('not built');
    expect(deploymentManifestSchema.safeParse(built.request).success).toBe(
      true,
    );
  });

  it('builds an MPIJob run whose workers each get the GPU count, with RDMA and storage', () => {
    const form = withTemplate(vllmForm(), 'mpijob');
    const built = buildManifest({
      ...form,
      name: 'pretrain-7b',
      workers: '4',
      rdma: true,
      shmSize: '128Gi',
      storage: {
        kind: 'rwx',
        storageClass: 'lustre',
        size: '10Ti',
        claimName: '',
        url: '',
        mountPath: '/data',
      },
    });
    if (!('request' in built)) throw new Error('not built');
    expect(built.request).toEqual({
      kind: 'Job',
      name: 'pretrain-7b',
      workspace: 'ml-inference',
      template: 'mpijob',
      image: 'nvcr.io/nvidia/pytorch:24.10-py3',
      resources: {
        gpu: { type: 'H100', count: 8 },
        cpu: '32',
        memory: '256Gi',
      },
      storage: {
        kind: 'rwx',
        storageClass: 'lustre',
        size: '10Ti',
        mountPath: '/data',
      },
      mpi: {
        workers: 4,
        gpusPerWorker: 8,
        rdma: { enabled: true, shmSize: '128Gi' },
      },
    });
    expect(deploymentManifestSchema.safeParse(built.request).success).toBe(
      true,
    );
  });

  it('keeps an image and sizes the person changed when the template changes', () => {
    const form = withTemplate(
      vllmForm({ image: 'ghcr.io/acme/vllm:1.0', cpu: '12' }),
      'mpijob',
    );
    expect(form).toMatchObject({
      template: 'mpijob',
      image: 'ghcr.io/acme/vllm:1.0',
      cpu: '12',
      memory: '256Gi',
      gpuCount: '8',
    });
    expect(withTemplate(form, 'vllm')).toMatchObject({
      image: 'ghcr.io/acme/vllm:1.0',
      cpu: '12',
      memory: '64Gi',
      gpuCount: '1',
    });
  });

  it('names the fields that are not whole numbers or are missing, and builds nothing', () => {
    expect(
      buildManifest(
        vllmForm({
          gpuCount: '1.5',
          replicasMax: 'many',
          model: ' ',
          gpuType: '',
        }),
      ),
    ).toEqual({
      issues: [
        {
          path: 'resources.gpu.count',
          message: 'must be a whole number of GPUs',
        },
        { path: 'replicas.max', message: 'must be a whole number of replicas' },
        { path: 'resources.gpu.type', message: 'choose a GPU type' },
        { path: 'model', message: 'is required for a vLLM service' },
      ],
    });
  });
  describe('editing', () => {
    const service = deploymentManifestSchema.parse({
      kind: 'Service',
      name: 'llama',
      workspace: 'ml-inference',
      cluster: 'coreweave-h100',
      template: 'vllm',
      image: 'vllm/vllm-openai:v0.6.4',
      model: 'meta-llama/Llama-3.1-70B-Instruct',
      args: ['--max-model-len', '8192'],
      resources: { gpu: { type: 'H200', count: 4 }, cpu: '32', memory: 256 },
      replicas: { min: 1, max: 3 },
      capacityType: 'on-demand',
      storage: {
        kind: 'object-storage',
        url: 's3://weights/llama-70b',
        into: 'nvme',
        path: '/mnt/nvme/llama',
        mountPath: '/models',
      },
      env: [{ name: 'HF_TOKEN', secretRef: { name: 'hf', key: 'token' } }],
      ports: [{ name: 'http', port: 8000 }],
      labels: { team: 'inference' },
    });
    const job = deploymentManifestSchema.parse({
      kind: 'Job',
      name: 'pretrain-7b',
      workspace: 'ml-training',
      template: 'mpijob',
      image: 'nvcr.io/nvidia/pytorch:24.10-py3',
      resources: { gpu: { type: 'H100', count: 8 }, cpu: '32', memory: '1Ti' },
      storage: {
        kind: 'local-nvme',
        mode: 'hostPath',
        path: '/mnt/nvme/data',
        mountPath: '/data',
      },
      mpi: {
        workers: 4,
        gpusPerWorker: 8,
        rdma: { enabled: true, shmSize: '128Gi' },
        checkpointStorage: {
          kind: 'rwx',
          storageClass: 'lustre',
          size: '10Ti',
          mountPath: '/ckpt',
        },
      },
    });

    function roundTrip(form: DeploymentForm, current = service) {
      const built = buildManifest(form);
      if (!('request' in built)) throw new Error(JSON.stringify(built.issues));
      return editedManifest(current, built.request, 'lambda-h200');
    }

    it.each([
      ['a vLLM service', service],
      ['an MPIJob run with local NVMe and checkpoints', job],
    ])('gives back %s unchanged when nothing is edited', (_, manifest) => {
      const form = formFromManifest(manifest);
      expect(deploymentManifestSchema.parse(roundTrip(form, manifest))).toEqual(
        manifest,
      );
    });

    it('changes what the form edits and keeps what it cannot show', () => {
      const form = formFromManifest(service);
      expect(form).toMatchObject({
        cluster: 'coreweave-h100',
        gpuType: 'H200',
        gpuCount: '4',
        memory: '256',
        replicasMax: '3',
        storage: { kind: 'object-storage', url: 's3://weights/llama-70b' },
      });
      const edited = roundTrip({
        ...form,
        gpuType: 'H100',
        replicasMax: '5',
        capacityType: '',
        storage: { ...form.storage, url: 's3://weights/llama-70b-fp8' },
      });
      expect(edited).toMatchObject({
        cluster: 'coreweave-h100',
        resources: { gpu: { type: 'H100', count: 4 } },
        replicas: { min: 1, max: 5 },
        args: ['--max-model-len', '8192'],
        env: service.env,
        ports: service.ports,
        labels: { team: 'inference' },
        storage: {
          kind: 'object-storage',
          url: 's3://weights/llama-70b-fp8',
          into: 'nvme',
          path: '/mnt/nvme/llama',
        },
      });
      // Back to the workspace default, and no storage at all.
      expect(edited).not.toHaveProperty('capacityType');
      expect(
        roundTrip({ ...form, storage: { ...form.storage, kind: '' } }),
      ).not.toHaveProperty('storage');
    });

    it("writes the workspace's own cluster as no cluster", () => {
      const form = formFromManifest(service);
      expect(roundTrip({ ...form, cluster: 'lambda-h200' })).not.toHaveProperty(
        'cluster',
      );
      expect(roundTrip({ ...form, cluster: '' })).not.toHaveProperty('cluster');
    });
  });
});
