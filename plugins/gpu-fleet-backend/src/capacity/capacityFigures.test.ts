import { NodeInventory, ProviderId } from '@gpu-fleet/plugin-gpu-fleet-common';
import { gpuNode as node } from '../__testUtils__/gpuNode';
import {
  capacityCells,
  capacityFigures,
  FleetCell,
  GpuPrice,
  priceFor,
} from './capacityFigures';

interface FleetNode {
  cluster: string;
  provider: ProviderId;
  node: NodeInventory;
}

const fleet: FleetNode[] = [
  { cluster: 'eks-a', provider: 'eks', node: node('a1', { gpuAllocated: 8 }) },
  {
    cluster: 'eks-a',
    provider: 'eks',
    node: node('a2', { gpuAllocated: 2, capacityType: 'spot' }),
  },
  // Cordoned: its idle GPUs are unavailable, not free.
  {
    cluster: 'eks-b',
    provider: 'eks',
    node: node('b1', { gpuAllocated: 3, schedulable: false }),
  },
  {
    cluster: 'lambda',
    provider: 'lambda',
    node: node('l1', { gpuType: 'H200', gpuAllocated: 4 }),
  },
  {
    cluster: 'lambda',
    provider: 'lambda',
    node: node('cpu', { gpuType: null, gpuCount: 0 }),
  },
];

// One cell per node: the figures must not depend on how nodes were summed.
const cells: FleetCell[] = fleet.flatMap(f =>
  capacityCells([f.node]).map(cell => ({
    cluster: f.cluster,
    provider: f.provider,
    cell,
  })),
);

const prices: GpuPrice[] = [
  { gpuType: 'H100', perGpuHour: 3 },
  { provider: 'eks', gpuType: 'H100', perGpuHour: 4 },
  { provider: 'eks', gpuType: 'H100', capacityType: 'spot', perGpuHour: 2 },
];

describe('capacityCells', () => {
  it('sums GPU nodes sharing GPU type, pool and capacity type, and skips CPU nodes', () => {
    expect(
      capacityCells([
        node('a', { gpuAllocated: 8 }),
        node('b', { gpuAllocated: 2, ready: false }),
        // Requests above allocatable while a node drains count as all allocated.
        node('c', { gpuAllocated: 12 }),
        node('d', { nodePool: null, gpuType: null }),
        node('cpu', { gpuType: null, gpuCount: 0 }),
      ]),
    ).toEqual([
      {
        gpuType: 'H100',
        nodePool: 'gpu',
        capacityType: 'on-demand',
        total: 24,
        allocated: 18,
        free: 0,
        unavailable: 6,
        nodes: 3,
      },
      {
        gpuType: 'unknown',
        nodePool: 'unlabelled',
        capacityType: 'on-demand',
        total: 8,
        allocated: 0,
        free: 8,
        unavailable: 0,
        nodes: 1,
      },
    ]);
  });
});

describe('capacityFigures', () => {
  it('groups GPU nodes by provider and GPU type, never counting cordoned GPUs as free', () => {
    const { rows, totals } = capacityFigures(
      cells,
      ['provider', 'gpuType'],
      {},
      [],
    );
    expect(rows).toEqual([
      expect.objectContaining({
        key: { provider: 'eks', gpuType: 'H100' },
        total: 24,
        allocated: 13,
        free: 6,
        unavailable: 5,
        nodes: 3,
        clusters: 2,
      }),
      expect.objectContaining({
        key: { provider: 'lambda', gpuType: 'H200' },
        total: 8,
        allocated: 4,
        free: 4,
        unavailable: 0,
        nodes: 1,
        clusters: 1,
      }),
    ]);
    expect(totals).toMatchObject({
      total: 32,
      allocated: 17,
      free: 10,
      unavailable: 5,
      nodes: 4,
      clusters: 3,
    });
  });

  it('filters by provider, GPU type, cluster and capacity type', () => {
    expect(
      capacityFigures(cells, ['cluster'], { capacityType: ['spot'] }, [])
        .totals,
    ).toMatchObject({ total: 8, allocated: 2 });
    expect(
      capacityFigures(
        cells,
        ['cluster'],
        { gpuType: ['H200'], provider: ['lambda'] },
        [],
      ).rows.map(r => r.key),
    ).toEqual([{ cluster: 'lambda' }]);
    expect(capacityFigures(cells, [], { cluster: ['nope'] }, []).rows).toEqual(
      [],
    );
  });

  it('prices allocated and idle GPUs with the most specific price', () => {
    expect(priceFor(prices, 'eks', 'H100', 'spot')).toBe(2);
    expect(priceFor(prices, 'eks', 'H100', 'on-demand')).toBe(4);
    expect(priceFor(prices, 'gke', 'H100', 'on-demand')).toBe(3);
    expect(priceFor(prices, 'gke', 'H200', 'on-demand')).toBeUndefined();

    const { rows } = capacityFigures(cells, ['provider'], {}, prices);
    // a1: 8 allocated × 4; a2 (spot): 2 allocated × 2, 6 idle × 2; b1: 3 × 4, cordoned so nothing idle.
    expect(rows[0]).toMatchObject({
      key: { provider: 'eks' },
      allocatedCostPerHour: 48,
      idleCostPerHour: 12,
    });
    // No H200 price: cost is unknown rather than zero.
    expect(rows[1]).toMatchObject({
      key: { provider: 'lambda' },
      allocatedCostPerHour: null,
      idleCostPerHour: null,
    });
  });
});
