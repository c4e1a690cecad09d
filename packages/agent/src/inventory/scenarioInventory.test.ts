import {
  nodeInventoryFromNode,
  sumGpuRequestsByNode,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { startSimulator } from '@gpu-fleet/k8s-simulator';

const scenario = (name: string) =>
  `${__dirname}/../../../k8s-simulator/scenarios/${name}.yaml`;

/** Per scenario: GPU type by node pool, and the fleet's total and allocated GPUs. */
const EXPECTED = {
  'coreweave-h100': {
    pools: { 'h100-ib': 'H100', 'cpu-control': null },
    total: 32,
    allocated: 18,
  },
  'lambda-h200': { pools: { null: 'H200' }, total: 16, allocated: 8 },
  'eks-p5': {
    pools: { 'p5-h100-ondemand': 'H100', 'p5-h100-spot': 'H100', system: null },
    total: 24,
    allocated: 12,
  },
  'oke-bm-h100': { pools: { 'gpu-h100': 'H100' }, total: 32, allocated: 16 },
};

describe("the simulator scenarios' nodes, normalised", () => {
  it.each(Object.entries(EXPECTED))(
    '%s reads as its provider’s GPUs, pools and allocation',
    async (name, expected) => {
      const sim = await startSimulator({ scenario: scenario(name) });
      try {
        const allocated = sumGpuRequestsByNode(
          sim.store.listObjects('v1', 'Pod'),
        );
        const nodes = sim.store.listObjects('v1', 'Node').map(n =>
          nodeInventoryFromNode(n, {
            gpuAllocated: allocated.get(n.metadata.name!) ?? 0,
          }),
        );
        const pools = Object.fromEntries(
          nodes.map(n => [String(n.nodePool), n.gpuType]),
        );
        expect(pools).toEqual(expected.pools);
        expect(nodes.reduce((s, n) => s + n.gpuCount, 0)).toBe(expected.total);
        expect(nodes.reduce((s, n) => s + n.gpuAllocated, 0)).toBe(
          expected.allocated,
        );
        for (const node of nodes.filter(n => n.gpuType)) {
          expect(node).toMatchObject({
            gpuVendor: 'nvidia',
            gpuCount: 8,
            ready: true,
            schedulable: true,
          });
        }
      } finally {
        await sim.close();
      }
    },
  );

  async function normalisedNodes(name: string) {
    const sim = await startSimulator({ scenario: scenario(name) });
    try {
      return sim.store
        .listObjects('v1', 'Node')
        .map(n => nodeInventoryFromNode(n));
    } finally {
      await sim.close();
    }
  }

  it('reads on-demand and spot from the EKS node group labels', async () => {
    const nodes = await normalisedNodes('eks-p5');
    expect(
      Object.fromEntries(nodes.map(n => [n.nodePool, n.capacityType])),
    ).toEqual({
      'p5-h100-ondemand': 'on-demand',
      'p5-h100-spot': 'spot',
      system: 'on-demand',
    });
  });

  it('reads the OKE RDMA blocks, two nodes to a local block', async () => {
    const nodes = await normalisedNodes('oke-bm-h100');
    const block = (localBlock: string) => ({
      hpcIsland: 'af7ubvouuyq',
      networkBlock: '7xmzl4p4wba',
      localBlock,
    });
    expect(nodes.map(n => n.topology)).toEqual([
      block('4tjxbt4s6ua'),
      block('4tjxbt4s6ua'),
      block('p9wdk2hq8mt'),
      block('p9wdk2hq8mt'),
    ]);
  });
});
