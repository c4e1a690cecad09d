import { HEADROOM } from '@gpu-fleet/plugin-gpu-fleet-common';
import { KubeApiForwarder } from '../KubeApiForwarder';
import { CheckOutcome, KubeList, listObjects } from './clusterApi';

/** Pods each node must allow for HEADROOM.nodes nodes to hold HEADROOM.pods pods. */
export const PODS_PER_NODE_NEEDED = Math.ceil(HEADROOM.pods / HEADROOM.nodes);

// What the API cannot show: the pod CIDR's size and the autoscaler's limits.
const NOT_VISIBLE =
  "the cluster's pod CIDR and the autoscaler's node limits are not visible through the API; check them by hand";

/**
 * Rule: at HEADROOM.nodes nodes shaped like today's smallest (by allocatable
 * pods), the cluster must hold HEADROOM.pods pods, i.e. every node allows at
 * least PODS_PER_NODE_NEEDED pods. A node type that allows fewer (an EKS
 * node without prefix delegation, say) caps the cluster's growth.
 */
export async function checkNodeHeadroom(
  kube: KubeApiForwarder,
  nodes: KubeList,
): Promise<CheckOutcome> {
  if (nodes.items.length === 0) {
    return {
      status: 'unknown',
      message: 'the cluster has no nodes yet; checked again when it has',
      details: { nodes: 0 },
    };
  }
  const podsPerNode = nodes.items.map(node => ({
    name: String(node.metadata?.name),
    pods: Number(node.status?.allocatable?.pods ?? 0),
  }));
  const smallest = Math.min(...podsPerNode.map(n => n.pods));
  const allocatablePods = podsPerNode.reduce((sum, n) => sum + n.pods, 0);
  // One item and the remaining count: no need to fetch every pod.
  const pods = await listObjects(kube, '/api/v1/pods?limit=1', 'pods');
  const details: Record<string, unknown> = {
    nodes: nodes.items.length,
    ...(pods.remainingItemCount !== undefined
      ? { pods: pods.items.length + pods.remainingItemCount }
      : {}),
    allocatablePods,
    smallestAllocatablePodsPerNode: smallest,
    podsPerNodeNeeded: PODS_PER_NODE_NEEDED,
    projectedPodsAtHeadroom: smallest * HEADROOM.nodes,
    headroom: HEADROOM,
    notVisible: NOT_VISIBLE,
  };
  if (smallest >= PODS_PER_NODE_NEEDED) {
    return {
      status: 'pass',
      message: `every node allows at least ${smallest} pods, so ${
        HEADROOM.nodes
      } nodes hold ${smallest * HEADROOM.nodes} pods (${
        HEADROOM.pods
      } needed); ${NOT_VISIBLE}`,
      details,
    };
  }
  const tooSmall = podsPerNode
    .filter(n => n.pods < PODS_PER_NODE_NEEDED)
    .map(n => `${n.name} (${n.pods})`);
  return {
    status: 'fail',
    message: `${
      tooSmall.length
    } node(s) allow fewer than ${PODS_PER_NODE_NEEDED} pods (${tooSmall
      .slice(0, 5)
      .join(', ')}), so ${HEADROOM.nodes} such nodes hold only ${
      smallest * HEADROOM.nodes
    } of ${HEADROOM.pods} pods`,
    details: { ...details, nodesAllowingTooFewPods: tooSmall.slice(0, 20) },
  };
}
