import { aNamespaceState } from '../../__testUtils__/fixtures';
import { quotaUsage } from './quotaUsage';

describe('quotaUsage', () => {
  it('sets hard limits against use per vendor, leaving out a vendor with none', () => {
    expect(quotaUsage(aNamespaceState())).toEqual([
      {
        resource: 'requests.nvidia.com/gpu',
        label: 'NVIDIA GPUs',
        hard: '12',
        used: '9',
        figures: { total: 12, allocated: 9, free: 3 },
      },
    ]);
  });

  it('keeps a vendor in use beyond a lowered limit, and quantities it cannot count as text', () => {
    const usage = quotaUsage(
      aNamespaceState({
        quota: [
          { resource: 'requests.nvidia.com/gpu', hard: '2k', used: '1' },
          { resource: 'requests.amd.com/gpu', hard: '0', used: '2' },
        ],
      }),
    );
    expect(usage).toEqual([
      {
        resource: 'requests.nvidia.com/gpu',
        label: 'NVIDIA GPUs',
        hard: '2k',
        used: '1',
        figures: undefined,
      },
      {
        resource: 'requests.amd.com/gpu',
        label: 'AMD GPUs',
        hard: '0',
        used: '2',
        figures: { total: 0, allocated: 2, free: 0 },
      },
    ]);
  });
});
