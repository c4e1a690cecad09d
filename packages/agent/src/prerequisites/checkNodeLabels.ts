import { nodeInventoryFromNode } from '@gpu-fleet/plugin-gpu-fleet-common';
import { CheckOutcome, firstNames, KubeList } from './clusterApi';

/**
 * Every GPU node (allocatable GPUs, or a label naming a GPU) must name its
 * node pool and GPU type through one of the label sources the inventory reads.
 */
export function checkNodeLabels(nodes: KubeList): CheckOutcome {
  const gpuNodes = nodes.items
    .map(node => nodeInventoryFromNode(node))
    .filter(node => node.gpuCount > 0 || node.gpuType !== null);
  if (gpuNodes.length === 0) {
    return {
      status: 'unknown',
      message:
        'no GPU nodes yet (none has allocatable nvidia.com/gpu or amd.com/gpu); checked again when they join',
      details: { nodes: nodes.items.length, gpuNodes: 0 },
    };
  }
  const withoutPool = gpuNodes.filter(n => !n.nodePool).map(n => n.name);
  const withoutType = gpuNodes.filter(n => !n.gpuType).map(n => n.name);
  const details: Record<string, unknown> = {
    gpuNodes: gpuNodes.length,
    nodePools: [...new Set(gpuNodes.map(n => n.nodePool).filter(Boolean))],
    gpuTypes: [...new Set(gpuNodes.map(n => n.gpuType).filter(Boolean))],
  };
  if (withoutPool.length === 0 && withoutType.length === 0) {
    return {
      status: 'pass',
      message: `all ${gpuNodes.length} GPU nodes name their node pool and GPU type`,
      details,
    };
  }
  const problems = [
    withoutPool.length
      ? `${withoutPool.length} without a node-pool label`
      : undefined,
    withoutType.length
      ? `${withoutType.length} without a GPU-type label`
      : undefined,
  ].filter(Boolean);
  return {
    status: 'fail',
    message: `of ${gpuNodes.length} GPU nodes, ${problems.join(' and ')}`,
    details: {
      ...details,
      ...(withoutPool.length
        ? { withoutNodePool: firstNames(withoutPool) }
        : {}),
      ...(withoutType.length
        ? { withoutGpuType: firstNames(withoutType) }
        : {}),
    },
  };
}
