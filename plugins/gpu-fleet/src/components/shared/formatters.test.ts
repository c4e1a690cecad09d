import {
  formatGpuQuota,
  formatGpuRequest,
  formatLabels,
  formatToleration,
  shortCommit,
} from './formatters';

describe('workspace formatters', () => {
  it('writes GPU quota as count × type', () => {
    expect(
      formatGpuQuota([
        { gpuType: 'H200', count: 8 },
        { gpuType: 'H100', count: 4 },
      ]),
    ).toBe('8 × H200, 4 × H100');
    expect(formatGpuQuota([])).toBe('none');
  });

  it('writes a toleration the way it matches taints', () => {
    expect(
      formatToleration({
        key: 'nvidia.com/gpu',
        operator: 'Exists',
        effect: 'NoSchedule',
      }),
    ).toBe('nvidia.com/gpu exists, NoSchedule');
    // Equal is Kubernetes' default operator.
    expect(
      formatToleration({
        key: 'dedicated',
        value: 'ml',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      }),
    ).toBe('dedicated=ml, NoExecute for 300 s');
    expect(formatToleration({ operator: 'Exists' })).toBe(
      'every taint, any effect',
    );
  });

  it('writes labels as key=value', () => {
    expect(formatLabels({ pool: 'a', 'gpu-fleet.io/gpu-type': 'H100' })).toBe(
      'pool=a, gpu-fleet.io/gpu-type=H100',
    );
    expect(formatLabels({})).toBe('none');
  });
});

describe('deployment formatters', () => {
  it('writes a GPU request as count × type and a commit as Git abbreviates it', () => {
    expect(formatGpuRequest({ type: 'H100', count: 8 })).toBe('8 × H100');
    expect(shortCommit('3f9c2a1b7d0e4c6f8a9b0c1d2e3f4a5b6c7d8e9f')).toBe(
      '3f9c2a1',
    );
    expect(shortCommit(null)).toBe('none');
  });
});
