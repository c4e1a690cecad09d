import path from 'node:path';
import {
  defaultAddonsFor,
  defaultDemoGpuShape,
  GPU_TYPES,
  NodeInventory,
  nodeInventoryFromNode,
  parseGpuShapes,
  PROVIDER_IDS,
  ProviderId,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  buildScenarioNodes,
  KubeObject,
  loadScenario,
  Scenario,
  startSimulator,
} from '@gpu-fleet/k8s-simulator';
import { SCENARIO_DIR } from '../agentProcess';
import { demoClusterScenario, DemoClusterSpec } from './demoClusterScenario';
import { PROVIDER_SCENARIOS } from './providerScenarios';

function spec(
  provider: ProviderId,
  gpus: string,
  extra: Partial<DemoClusterSpec> = {},
): DemoClusterSpec {
  const parsed = parseGpuShapes(gpus);
  if (!parsed.ok) throw new Error(parsed.message);
  return {
    name: `demo-${provider}`,
    provider,
    gpuShapes: parsed.shapes,
    nodesPerShape: 2,
    addons: defaultAddonsFor(provider),
    ...extra,
  };
}

/** The nodes as the agent's inventory reads them, knowing the provider. */
function inventory(scenario: Scenario, provider: ProviderId) {
  return buildScenarioNodes(scenario).map(({ object }) => ({
    labels: object.metadata.labels ?? {},
    taints: ((object.spec as any)?.taints ?? []) as Array<{ key: string }>,
    node: nodeInventoryFromNode(object, { provider }),
  }));
}

const gpuCapacity = (node: KubeObject) =>
  (node.status as { capacity?: Record<string, string> } | undefined)
    ?.capacity?.['nvidia.com/gpu'];

const gpuNodes = (nodes: ReturnType<typeof inventory>) =>
  nodes.filter(n => n.node.gpuCount > 0);

const summary = (nodes: NodeInventory[]) =>
  nodes
    .map(n => `${n.gpuType}x${n.gpuCount} ${n.gpuVendor}`)
    .sort()
    .join(', ');

// Providers that discover node pools from their own labels, or whose scenario labels them by hand.
const POOLS_DISCOVERED: ProviderId[] = [
  'eks',
  'aks',
  'gke',
  'oke',
  'coreweave',
  'generic',
];

describe('demoClusterScenario', () => {
  it.each(PROVIDER_IDS)(
    '%s: the requested shapes, as the provider labels them, read back as those GPUs',
    provider => {
      const scenario = demoClusterScenario(
        spec(provider, 'B200x8,L40Sx4,MI300Xx8,A100-80GBx8'),
      );
      const nodes = inventory(scenario, provider);
      expect(summary(gpuNodes(nodes).map(n => n.node))).toBe(
        [
          'A100-80GBx8 nvidia',
          'A100-80GBx8 nvidia',
          'B200x8 nvidia',
          'B200x8 nvidia',
          'L40Sx4 nvidia',
          'L40Sx4 nvidia',
          'MI300Xx8 amd',
          'MI300Xx8 amd',
        ].join(', '),
      );
      expect(new Set(nodes.map(n => n.node.name)).size).toBe(nodes.length);
      const pools = new Set(gpuNodes(nodes).map(n => n.node.nodePool));
      // As on the real provider: where nothing discovers pools, nothing names
      // them until someone labels the nodes.
      expect([...pools].sort()).toEqual(
        POOLS_DISCOVERED.includes(provider)
          ? ['a100-80gbx8', 'b200x8', 'l40sx4', 'mi300xx8']
          : [null],
      );
      // A fresh cluster: the scenario's workloads stay behind, its add-ons are the attached ones.
      expect(scenario.pods).toBeUndefined();
      expect(scenario.namespaces).toBeUndefined();
      expect(scenario.addons).toEqual(defaultAddonsFor(provider));
      expect(scenario.name).toBe(`demo-${provider}`);
    },
  );

  it.each(PROVIDER_IDS)(
    "%s: builds on the provider's scenario: labels, taints and system nodes",
    provider => {
      const base = buildScenarioNodes(
        loadScenario(path.join(SCENARIO_DIR, PROVIDER_SCENARIOS[provider])),
      );
      const baseGpu = base.find(n => gpuCapacity(n.object))!;
      const nodes = inventory(
        demoClusterScenario(spec(provider, defaultDemoGpuShape(provider))),
        provider,
      );
      const gpu = gpuNodes(nodes);
      expect(gpu).toHaveLength(2);
      // Every label key the provider puts on its GPU nodes is there.
      expect(Object.keys(gpu[0].labels)).toEqual(
        expect.arrayContaining(
          Object.keys(baseGpu.object.metadata.labels ?? {}),
        ),
      );
      expect(gpu[0].taints.map(t => t.key)).toEqual(
        ((baseGpu.object.spec as any)?.taints ?? []).map(
          (t: { key: string }) => t.key,
        ),
      );
      // CPU pools stay as they were.
      const cpuNames = base
        .filter(n => !gpuCapacity(n.object))
        .map(n => n.object.metadata.name);
      expect(
        nodes.filter(n => n.node.gpuCount === 0).map(n => n.node.name),
      ).toEqual(cpuNames);
    },
  );

  it('speaks each provider’s dialect', () => {
    const labelsOf = (provider: ProviderId, gpus: string) =>
      gpuNodes(inventory(demoClusterScenario(spec(provider, gpus)), provider));

    const eks = labelsOf('eks', 'B200x8');
    expect(eks[0].node.instanceType).toBe('p6-b200.48xlarge');
    expect(eks[0].labels['eks.amazonaws.com/nodegroup']).toBe('b200x8');
    // The EKS AMI runs no GPU Feature Discovery: the instance type names the GPU.
    expect(eks[0].labels['nvidia.com/gpu.product']).toBeUndefined();
    expect(eks[0].node.gpuTypeLabel?.key).toBe(
      'node.kubernetes.io/instance-type',
    );
    // A GPU AWS does not sell is labelled by GFD instead, so it is still read.
    const eksH800 = labelsOf('eks', 'H800x8');
    expect(eksH800[0].labels['nvidia.com/gpu.product']).toBe('NVIDIA-H800');
    expect(eksH800[0].node.gpuType).toBe('H800');

    const gke = labelsOf('gke', 'H200x8');
    expect(gke[0].labels['cloud.google.com/gke-accelerator']).toBe(
      'nvidia-h200-141gb',
    );
    expect(gke[0].node.instanceType).toBe('a3-ultragpu-8g');

    const oke = labelsOf('oke', 'H100x8');
    expect(oke[0].node.instanceType).toBe('BM.GPU.H100.8');
    expect(oke[0].node.topology.localBlock).toBeTruthy();

    const lambda = labelsOf('lambda', 'B200x8');
    expect(lambda[0].node.instanceType).toBe('gpu_8x_b200');
    expect(lambda[0].node.taints).toEqual([
      { key: 'nvidia.com/gpu', effect: 'NoSchedule' },
    ]);

    const generic = labelsOf('generic', 'RTX-PRO-6000x8');
    expect(generic[0].labels['gpu-fleet.io/gpu-type']).toBe('RTX-PRO-6000');
    expect(generic[0].labels['gpu-fleet.io/nodepool']).toBe('rtx-pro-6000x8');

    // AMD nodes carry AMD's resource and labeller, and the GPU taint under AMD's name.
    const amd = labelsOf('nebius', 'MI300Xx8');
    expect(amd[0].labels['amd.com/gpu.product-name']).toBe(
      'AMD_Instinct_MI300X_OAM',
    );
    expect(
      Object.keys(amd[0].labels).filter(k => k.startsWith('nvidia.com/')),
    ).toEqual([]);
    expect(amd[0].taints.map(t => t.key)).toEqual(['amd.com/gpu']);
  });

  it('has a labeller spelling for every GPU type the inventory knows', () => {
    const nodes = inventory(
      demoClusterScenario(
        spec(
          'coreweave',
          GPU_TYPES.slice(0, 8)
            .map(t => `${t}x8`)
            .join(','),
        ),
      ),
      'coreweave',
    );
    const rest = [8, 16, 24].flatMap(start =>
      inventory(
        demoClusterScenario(
          spec(
            'coreweave',
            GPU_TYPES.slice(start, start + 8)
              .map(t => `${t}x8`)
              .join(','),
          ),
        ),
        'coreweave',
      ),
    );
    const types = new Set(
      gpuNodes([...nodes, ...rest]).map(n => n.node.gpuType),
    );
    expect([...types].sort()).toEqual([...GPU_TYPES].sort());
  });

  it('sizes pools by nodesPerShape, and the simulator serves the attached add-ons’ CRDs', async () => {
    const sim = await startSimulator({
      scenario: demoClusterScenario(
        spec('fluidstack', 'B200x8', {
          nodesPerShape: 5,
          addons: ['cert-manager', 'keda'],
        }),
      ),
    });
    try {
      const nodes = sim.store
        .listObjects('v1', 'Node')
        .map(n => nodeInventoryFromNode(n, { provider: 'fluidstack' }));
      expect(
        nodes.filter(n => n.gpuType === 'B200' && n.gpuCount === 8),
      ).toHaveLength(5);
      expect((await fetch(`${sim.url}/apis/keda.sh/v1alpha1`)).status).toBe(
        200,
      );
      expect(
        (await fetch(`${sim.url}/apis/kueue.x-k8s.io/v1beta1`)).status,
      ).toBe(404);
      expect(sim.store.listObjects('v1', 'Pod')).toEqual([]);
    } finally {
      await sim.close();
    }
  });

  it.each(Object.entries(PROVIDER_SCENARIOS))(
    "%s's scenario (%s) runs in the simulator as its provider's GPU cluster",
    async (provider, file) => {
      const sim = await startSimulator({
        scenario: path.join(SCENARIO_DIR, file),
      });
      try {
        const nodes = sim.store
          .listObjects('v1', 'Node')
          .map(n =>
            nodeInventoryFromNode(n, { provider: provider as ProviderId }),
          );
        const gpus = nodes.filter(n => n.gpuCount > 0);
        expect(gpus.length).toBeGreaterThan(0);
        for (const node of gpus) {
          expect(node.gpuType).toBeTruthy();
          expect(node.ready).toBe(true);
        }
        expect(sim.store.listObjects('v1', 'Pod').length).toBeGreaterThan(0);
      } finally {
        await sim.close();
      }
    },
  );
});
