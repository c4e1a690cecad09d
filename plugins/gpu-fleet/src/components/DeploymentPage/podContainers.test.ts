import {
  mpiManifest,
  vllmManifest,
} from '../../__testUtils__/deploymentFixtures';
import { podContainers } from './podContainers';

describe('podContainers', () => {
  it("names a vLLM pod's server, and its weight-pulling init container when it has one", () => {
    expect(podContainers(vllmManifest, { name: 'llama-7d9f-a1' })).toEqual([
      'vllm',
    ]);
    expect(
      podContainers(
        {
          ...vllmManifest,
          storage: {
            kind: 'object-storage',
            url: 's3://weights/llama',
            into: 'emptyDir',
            mountPath: '/models',
          },
        },
        { name: 'llama-7d9f-a1' },
      ),
    ).toEqual(['vllm', 'fetch-weights']);
  });

  it("names an MPIJob pod's container by its role, or by its name when the role is unknown", () => {
    expect(
      podContainers(mpiManifest, { name: 'pretrain-7b-x', role: 'launcher' }),
    ).toEqual(['launcher']);
    expect(
      podContainers(mpiManifest, {
        name: 'pretrain-7b-worker-0',
        role: 'worker',
      }),
    ).toEqual(['worker']);
    expect(
      podContainers(mpiManifest, { name: 'pretrain-7b-launcher-q8z' }),
    ).toEqual(['launcher']);
    expect(
      podContainers(
        {
          ...mpiManifest,
          mpi: {
            ...mpiManifest.mpi!,
            checkpointStorage: {
              kind: 'object-storage',
              url: 'https://example.com/ckpt.tar',
              into: 'emptyDir',
              mountPath: '/ckpt',
            },
          },
        },
        { name: 'pretrain-7b-worker-1' },
      ),
    ).toEqual(['worker', 'fetch-weights']);
  });
});
