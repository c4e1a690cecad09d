import path from 'node:path';
import {
  AddonId,
  GpuShape,
  getProviderProfile,
  nodeInventoryFromNode,
  ProviderId,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  buildScenarioNodes,
  loadScenario,
  Scenario,
  ScenarioNodePool,
} from '@gpu-fleet/k8s-simulator';
import { SCENARIO_DIR } from '../agentProcess';
import { GPU_PRODUCTS } from './gpuProducts';
import { gkeAccelerator, instanceTypeFor } from './instanceTypes';
import { PROVIDER_SCENARIOS } from './providerScenarios';

/** What `yarn demo:cluster` simulates. */
export interface DemoClusterSpec {
  /** The attached cluster's name. */
  name: string;
  provider: ProviderId;
  /** One node pool per shape. */
  gpuShapes: GpuShape[];
  nodesPerShape: number;
  /** The add-ons the cluster was attached with; the simulator serves their CRDs. */
  addons: AddonId[];
}

// Labels that name a GPU type by hand; a new shape gets its own type in them.
const HAND_SET_GPU_TYPE_LABELS = [
  'gpu-fleet.io/gpu-type',
  'truefoundry.com/gpu_type',
];
const GKE_ACCELERATOR_LABEL = 'cloud.google.com/gke-accelerator';

const escapeRegExp = (text: string) =>
  text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces every occurrence of the keys in one pass, longest first, so a pool name inside an instance type is not touched twice. */
function renamer(replacements: Record<string, string>) {
  const keys = Object.keys(replacements)
    .filter(Boolean)
    .sort((a, b) => b.length - a.length);
  const pattern = new RegExp(keys.map(escapeRegExp).join('|'), 'g');
  return (value: string) => value.replace(pattern, key => replacements[key]);
}

function withGpuCount(
  resources: Record<string, string>,
  vendor: 'nvidia' | 'amd',
  count: number,
): Record<string, string> {
  const { 'nvidia.com/gpu': _n, 'amd.com/gpu': _a, ...rest } = resources;
  return { ...rest, [`${vendor}.com/gpu`]: String(count) };
}

/** Third octet moved on by 16 per pool: room for the pool's nodes, clear of the scenario's other pools. */
function shiftIpBase(ipBase: string | undefined, index: number) {
  if (!ipBase) return undefined;
  const [a, b, c, d] = ipBase.split('.').map(Number);
  return [a, b, (c + 16 * index) % 256, d].join('.');
}

function gpuPool(
  provider: ProviderId,
  template: ScenarioNodePool,
  shape: GpuShape,
  index: number,
  count: number,
): ScenarioNodePool {
  const product = GPU_PRODUCTS[shape.gpuType];
  const name = `${shape.gpuType.toLowerCase()}x${shape.gpusPerNode}`;
  const instanceType = instanceTypeFor(provider, shape);
  const rename = renamer({
    [template.name]: name,
    [template.instanceType]: instanceType,
  });

  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(template.labels ?? {})) {
    // An AMD node runs no NVIDIA software, so nothing labels it for NVIDIA.
    if (product.vendor === 'amd' && key.startsWith('nvidia.com/')) continue;
    if (HAND_SET_GPU_TYPE_LABELS.includes(key)) labels[key] = shape.gpuType;
    else if (key === GKE_ACCELERATOR_LABEL)
      labels[key] = gkeAccelerator(shape.gpuType);
    else labels[key] = rename(value);
  }
  if (product.vendor === 'amd') {
    labels['amd.com/gpu.product-name'] = product.product;
  }
  const gpuResource = `${product.vendor}.com/gpu`;
  const pool: ScenarioNodePool = {
    ...template,
    name,
    count,
    instanceType,
    labels,
    ipBase: shiftIpBase(template.ipBase, index),
    nodeNameTemplate: template.nodeNameTemplate
      ? rename(template.nodeNameTemplate)
      : undefined,
    providerIdTemplate: template.providerIdTemplate
      ? rename(template.providerIdTemplate)
      : undefined,
    taints: template.taints?.map(taint =>
      /^(nvidia|amd)\.com\/gpu$/.test(taint.key)
        ? { ...taint, key: gpuResource }
        : taint,
    ),
    capacity: withGpuCount(
      template.capacity,
      product.vendor,
      shape.gpusPerNode,
    ),
    allocatable: template.allocatable
      ? withGpuCount(template.allocatable, product.vendor, shape.gpusPerNode)
      : undefined,
    // Overrides keep each node's place in the provider's topology (OCI's RDMA blocks), not its name.
    nodes: template.nodes?.length
      ? Array.from({ length: count }, (_, i) => ({
          labels: template.nodes![i % template.nodes!.length].labels,
        }))
      : undefined,
    gpu:
      product.vendor === 'nvidia'
        ? {
            product: product.product,
            count: shape.gpusPerNode,
            memoryMiB: product.memoryMiB,
            family: product.family,
            featureDiscovery: template.gpu?.featureDiscovery,
          }
        : undefined,
  };
  // Without GPU Feature Discovery the provider's own labels must name the
  // GPU. Where they cannot (a GPU the provider does not sell), GFD labels
  // the node, as the GPU Operator would.
  if (pool.gpu && pool.gpu.featureDiscovery === false) {
    const [node] = buildScenarioNodes({
      name: 'probe',
      provider,
      kubernetesVersion: 'v1.30.0',
      nodePools: [{ ...pool, count: 1, nodes: undefined }],
    });
    if (
      nodeInventoryFromNode(node.object, { provider }).gpuType !== shape.gpuType
    ) {
      pool.gpu = { ...pool.gpu, featureDiscovery: true };
    }
  }
  return pool;
}

/**
 * The provider's scenario with its GPU pools replaced by one pool per
 * requested shape (built on the scenario's first GPU pool: same labels,
 * taints and naming, a new GPU), its system nodes kept, and none of its
 * workloads: a freshly attached cluster runs nothing of the fleet's yet.
 */
export function demoClusterScenario(spec: DemoClusterSpec): Scenario {
  const file = PROVIDER_SCENARIOS[spec.provider];
  const base = loadScenario(path.join(SCENARIO_DIR, file));
  const isGpuPool = (pool: ScenarioNodePool) =>
    pool.gpu !== undefined ||
    Object.keys(pool.capacity).some(r => /^(nvidia|amd)\.com\/gpu$/.test(r));
  const template = base.nodePools.find(isGpuPool);
  if (!template) {
    throw new Error(`scenario ${file} has no GPU node pool to build on`);
  }
  const gpuPools = spec.gpuShapes.map((shape, index) =>
    gpuPool(spec.provider, template, shape, index, spec.nodesPerShape),
  );
  const nodePools = [
    ...gpuPools,
    ...base.nodePools.filter(pool => !isGpuPool(pool)),
  ];
  const shapes = spec.gpuShapes
    .map(s => `${spec.nodesPerShape}x ${s.gpuType}x${s.gpusPerNode}`)
    .join(', ');
  const scenario: Scenario = {
    name: spec.name,
    provider: base.provider,
    description: `${
      getProviderProfile(spec.provider).title
    } (simulated by yarn demo:cluster): ${shapes} nodes`,
    kubernetesVersion: base.kubernetesVersion,
    region: base.region,
    nodePools,
    objects: base.objects,
    agentRights: base.agentRights,
    addons: spec.addons,
  };
  const names = buildScenarioNodes(scenario).map(n => n.object.metadata.name);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated) {
    throw new Error(
      `scenario ${file} names two nodes ${repeated}; its GPU pool's nodeNameTemplate needs {pool}, {index} or {ip}`,
    );
  }
  return scenario;
}
