import { renderStorage, usesHostPath } from './workloadStorage';

const target = {
  field: 'storage',
  volumeName: 'weights',
  deploymentName: 'llama',
  namespace: 'ml-inference',
  labels: { 'gpu-fleet.io/deployment': 'llama' },
};

describe('usesHostPath', () => {
  it('is true for hostPath NVMe and NVMe pulls only', () => {
    expect(
      usesHostPath({
        kind: 'local-nvme',
        mode: 'hostPath',
        path: '/nvme',
        mountPath: '/m',
      }),
    ).toBe(true);
    expect(
      usesHostPath({
        kind: 'local-nvme',
        mode: 'local-volume',
        storageClass: 'local-nvme',
        size: '1Ti',
        mountPath: '/m',
      }),
    ).toBe(false);
    expect(
      usesHostPath({
        kind: 'object-storage',
        url: 's3://b/p',
        into: 'nvme',
        mountPath: '/m',
      }),
    ).toBe(true);
    expect(
      usesHostPath({
        kind: 'object-storage',
        url: 's3://b/p',
        into: 'emptyDir',
        mountPath: '/m',
      }),
    ).toBe(false);
    expect(
      usesHostPath({
        kind: 'rwx',
        storageClass: 'fss',
        size: '1Ti',
        mountPath: '/m',
      }),
    ).toBe(false);
  });
});

describe('renderStorage', () => {
  it('pulls into an unbounded emptyDir when no size limit is given', () => {
    expect(
      renderStorage(
        {
          kind: 'object-storage',
          url: 'https://example.com/',
          into: 'emptyDir',
          mountPath: '/m',
        },
        target,
      ),
    ).toEqual({
      claims: [],
      volumes: [{ name: 'weights', emptyDir: {} }],
      volumeMounts: [{ name: 'weights', mountPath: '/m' }],
      initContainers: [
        {
          name: 'fetch-weights',
          image: 'curlimages/curl:8.11.1',
          args: [
            '--fail',
            '--location',
            '--silent',
            '--show-error',
            '--create-dirs',
            '--output',
            '/m/model',
            'https://example.com/',
          ],
          volumeMounts: [{ name: 'weights', mountPath: '/m' }],
        },
      ],
    });
  });

  it('names the claim after the deployment and the volume', () => {
    const parts = renderStorage(
      { kind: 'rwx', storageClass: 'fss', size: '1Ti', mountPath: '/ckpt' },
      { ...target, volumeName: 'checkpoints' },
    );
    expect(parts.claims.map(c => c.metadata.name)).toEqual([
      'llama-checkpoints',
    ]);
    expect(parts.volumes).toEqual([
      {
        name: 'checkpoints',
        persistentVolumeClaim: { claimName: 'llama-checkpoints' },
      },
    ]);
  });
});
