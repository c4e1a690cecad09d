import { NodeInventory, Workspace } from '@gpu-fleet/plugin-gpu-fleet-common';
import { storageClassNames, targetFacts } from './placementFacts';

function node(overrides: Partial<NodeInventory>): NodeInventory {
  return {
    name: 'n',
    nodePool: null,
    gpuType: 'H100',
    gpuTypeLabel: {
      key: 'nvidia.com/gpu.product',
      value: 'NVIDIA-H100-80GB-HBM3',
    },
    gpuVendor: 'nvidia',
    gpuCount: 8,
    gpuAllocated: 0,
    capacityType: 'on-demand',
    instanceType: null,
    schedulable: true,
    ready: true,
    taints: [],
    topology: {},
    ...overrides,
  };
}

const workspace = { name: 'ws' } as Workspace;
const cluster = { name: 'c', provider: 'coreweave' as const, addons: [] };

describe('targetFacts', () => {
  it('counts free GPUs only on nodes a pod can land on, and lists a full type at zero', () => {
    const facts = targetFacts(
      cluster,
      workspace,
      [
        node({ name: 'a', gpuAllocated: 3 }),
        node({ name: 'b', ready: false }),
        node({ name: 'c', schedulable: false }),
        node({ name: 'd', gpuAllocated: 12 }),
        node({
          name: 'e',
          gpuType: 'H200',
          gpuAllocated: 8,
          gpuTypeLabel: { key: 'gpu-fleet.io/gpu-type', value: 'H200' },
        }),
        node({ name: 'cpu', gpuType: null, gpuCount: 0, gpuTypeLabel: null }),
      ],
      [],
    );
    expect(facts.freeGpus).toEqual({ H100: 5, H200: 0 });
  });

  it('selects a type by the label most of its nodes carry', () => {
    const facts = targetFacts(
      cluster,
      workspace,
      [
        node({ name: 'a' }),
        node({ name: 'b' }),
        node({
          name: 'c',
          gpuTypeLabel: {
            key: 'node.kubernetes.io/instance-type',
            value: 'p5.48xlarge',
          },
        }),
      ],
      [],
    );
    expect(facts.gpuNodeSelectors).toEqual({
      H100: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' },
    });
  });
});

describe('storageClassNames', () => {
  it('reads the names from the storage check’s details', () => {
    expect(
      storageClassNames({
        storageClasses: ['gp3 (ebs.csi.aws.com)', 'efs-sc (efs.csi.aws.com)'],
      }),
    ).toEqual(['gp3', 'efs-sc']);
    expect(storageClassNames(undefined)).toEqual([]);
    expect(storageClassNames({ storageClasses: 'nope' })).toEqual([]);
  });
});
