import { GPU_TYPES } from '@gpu-fleet/plugin-gpu-fleet-common';
import { emptyCapacity, row } from '../../__testUtils__/fixtures';
import { gpuTypeOptions } from './gpuTypeOptions';

describe('gpuTypeOptions', () => {
  it("offers the cluster's GPU types with what is free of each", () => {
    expect(
      gpuTypeOptions({
        ...emptyCapacity,
        groupBy: ['gpuType'],
        rows: [
          row({ gpuType: 'H100' }, 32, 20),
          row({ gpuType: 'L40S' }, 8, 8),
          // Reported by a node whose product string matched no known type.
          row({ gpuType: 'NVIDIA-Mystery' }, 4, 0),
        ],
      }),
    ).toEqual([
      ['H100', 'H100 (12 of 32 free)'],
      ['L40S', 'L40S (0 of 8 free)'],
    ]);
  });

  it('offers every known type when the cluster reports no GPUs', () => {
    expect(gpuTypeOptions(emptyCapacity).map(([type]) => type)).toEqual([
      ...GPU_TYPES,
    ]);
    expect(gpuTypeOptions(undefined)).toHaveLength(GPU_TYPES.length);
  });
});
