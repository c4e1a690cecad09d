import { Workspace } from '@gpu-fleet/plugin-gpu-fleet-common';
import { gpuNode } from '../__testUtils__/gpuNode';
import { placementOption } from './placementOption';

const workspace: Workspace = {
  name: 'training',
  cluster: 'eks-p5',
  namespace: 'training',
  displayName: 'Distributed training',
  description: null,
  allowPrivileged: false,
  gpuQuota: [{ gpuType: 'H100', count: 16 }],
  defaults: {
    tolerations: [],
    nodeSelector: {},
    priorityClassName: null,
    capacityType: null,
  },
  workloadIdentity: {},
  members: [],
  createdBy: 'user:default/alice',
  createdAt: '2026-12-02T00:00:00.000Z',
  updatedAt: '2026-12-02T00:00:00.000Z',
};
const cluster = {
  name: 'eks-p5',
  displayName: 'EKS p5',
  provider: 'eks' as const,
};
const prices = [
  { gpuType: 'H100', perGpuHour: 4 },
  {
    provider: 'eks',
    gpuType: 'H100',
    capacityType: 'spot' as const,
    perGpuHour: 1.5,
  },
  { provider: 'lambda', gpuType: 'L40S', perGpuHour: 1 },
];

describe('placementOption', () => {
  it('counts free GPUs per type and per node, only where pods can land', () => {
    const option = placementOption(
      workspace,
      cluster,
      {
        reportedAt: '2026-12-02T10:00:00.000Z',
        nodes: [
          gpuNode('a', { gpuAllocated: 8 }),
          gpuNode('b', { gpuAllocated: 2 }),
          gpuNode('c', { gpuAllocated: 2, capacityType: 'spot' }),
          gpuNode('d', { schedulable: false }),
          gpuNode('e', { ready: false }),
          gpuNode('f', { gpuType: 'L40S', gpuCount: 4, gpuAllocated: 1 }),
          // A node counting requests above allocatable while it drains.
          gpuNode('g', { gpuType: 'L40S', gpuCount: 4, gpuAllocated: 5 }),
          gpuNode('cpu', { gpuType: null, gpuVendor: null, gpuCount: 0 }),
          gpuNode('odd', { gpuType: 'unknown' }),
        ],
      },
      prices,
    );
    expect(option).toEqual({
      workspace: 'training',
      displayName: 'Distributed training',
      cluster: 'eks-p5',
      clusterDisplayName: 'EKS p5',
      provider: 'eks',
      namespace: 'training',
      capacityType: 'on-demand',
      gpuQuota: [{ gpuType: 'H100', count: 16 }],
      reportedAt: '2026-12-02T10:00:00.000Z',
      gpuTypes: [
        {
          gpuType: 'H100',
          total: 40,
          free: 12,
          maxPerNode: 8,
          freeByNode: [{ free: 6, nodes: 2 }],
          pricePerGpuHour: { onDemand: 4, spot: 1.5 },
        },
        {
          gpuType: 'L40S',
          total: 8,
          free: 3,
          maxPerNode: 4,
          freeByNode: [{ free: 3, nodes: 1 }],
          // The L40S price is Lambda's; this cluster is on EKS.
          pricePerGpuHour: { onDemand: null, spot: null },
        },
      ],
    });
  });

  it('takes the workspace’s capacity type and lists nothing before the first report', () => {
    const option = placementOption(
      {
        ...workspace,
        defaults: { ...workspace.defaults, capacityType: 'spot-with-fallback' },
      },
      cluster,
      { reportedAt: null, nodes: [] },
      prices,
    );
    expect(option.capacityType).toBe('spot-with-fallback');
    expect(option.reportedAt).toBeNull();
    expect(option.gpuTypes).toEqual([]);
  });
});
