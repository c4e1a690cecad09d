import { NodeInventory } from '@gpu-fleet/plugin-gpu-fleet-common';

/** An 8-GPU H100 node, schedulable and ready, as an agent would report it. */
export function gpuNode(
  name: string,
  overrides: Partial<NodeInventory> = {},
): NodeInventory {
  return {
    name,
    nodePool: 'gpu',
    gpuType: 'H100',
    gpuVendor: 'nvidia',
    gpuCount: 8,
    gpuAllocated: 0,
    capacityType: 'on-demand',
    instanceType: 'p5.48xlarge',
    schedulable: true,
    ready: true,
    taints: [],
    topology: {},
    ...overrides,
  };
}
