import { aNode } from '../../__testUtils__/fixtures';
import { summariseNodePools } from './nodePools';

describe('summariseNodePools', () => {
  it('groups nodes by pool, GPU type and capacity type, largest first', () => {
    const pools = summariseNodePools([
      aNode({ name: 'a', nodePool: 'small', gpuCount: 4, gpuAllocated: 1 }),
      aNode({ name: 'b', nodePool: 'big', gpuAllocated: 3 }),
      aNode({ name: 'c', nodePool: 'big', gpuAllocated: 5, ready: false }),
      aNode({
        name: 'd',
        nodePool: 'big',
        capacityType: 'spot',
        gpuAllocated: 0,
      }),
      aNode({
        name: 'e',
        nodePool: null,
        gpuType: null,
        gpuCount: 0,
        gpuAllocated: 0,
      }),
    ]);
    expect(pools).toEqual([
      {
        nodePool: 'big',
        gpuType: 'H100',
        capacityType: 'on-demand',
        nodes: 2,
        readyNodes: 1,
        gpuTotal: 16,
        gpuAllocated: 8,
      },
      {
        nodePool: 'big',
        gpuType: 'H100',
        capacityType: 'spot',
        nodes: 1,
        readyNodes: 1,
        gpuTotal: 8,
        gpuAllocated: 0,
      },
      {
        nodePool: 'small',
        gpuType: 'H100',
        capacityType: 'on-demand',
        nodes: 1,
        readyNodes: 1,
        gpuTotal: 4,
        gpuAllocated: 1,
      },
      {
        nodePool: null,
        gpuType: null,
        capacityType: 'on-demand',
        nodes: 1,
        readyNodes: 1,
        gpuTotal: 0,
        gpuAllocated: 0,
      },
    ]);
  });
});
