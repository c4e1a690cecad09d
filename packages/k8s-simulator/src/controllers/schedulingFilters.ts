/**
 * The default scheduler's filters, in its order, with its messages. Each
 * failure says whether preemption could help (resources, ports, anti-affinity)
 * or never (taints, node selection, pod affinity).
 */

import { asList, asObject, KubeObject } from '../kubeObject';
import { InterPodAffinity } from './interPodAffinity';
import { matchesNodeSelectorAndAffinity } from './labelSelectors';
import {
  hostPorts,
  podRequests,
  portsCollide,
  ResourceAmounts,
} from './podResources';
import { parseMilliQuantity } from './quantities';

export interface NodeFailure {
  reasons: string[];
  unresolvable: boolean;
}

/** A node with what the pods bound to it already take. */
export interface NodeInfo {
  node: KubeObject;
  pods: KubeObject[];
  allocatable: ResourceAmounts;
  requested: ResourceAmounts;
  ports: string[];
}

export function nodeInfo(node: KubeObject, pods: KubeObject[]): NodeInfo {
  const allocatable: ResourceAmounts = new Map();
  for (const [name, value] of Object.entries(
    asObject(asObject(node.status).allocatable),
  )) {
    const milli = parseMilliQuantity(value);
    if (milli !== undefined) allocatable.set(name, milli);
  }
  const requested: ResourceAmounts = new Map();
  for (const pod of pods) {
    for (const [name, milli] of podRequests(pod)) {
      requested.set(name, (requested.get(name) ?? 0) + milli);
    }
  }
  return { node, pods, allocatable, requested, ports: pods.flatMap(hostPorts) };
}

interface Taint {
  key: string;
  value?: string;
  effect: string;
}

function tolerates(pod: KubeObject, taint: Taint): boolean {
  return asList(asObject(pod.spec).tolerations).some(t => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

/**
 * The node's taints, plus the one the node lifecycle controller puts on a node
 * whose kubelet is not Ready (the simulator does not write it to the node).
 */
function effectiveTaints(node: KubeObject): Taint[] {
  const taints = asList(asObject(node.spec).taints).map(t => ({
    key: String(t.key),
    ...(t.value !== undefined ? { value: String(t.value) } : {}),
    effect: String(t.effect),
  }));
  const ready = asList(asObject(node.status).conditions).find(
    c => c.type === 'Ready',
  );
  if (ready?.status === 'False') {
    taints.push({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
  } else if (ready?.status !== 'True') {
    taints.push({
      key: 'node.kubernetes.io/unreachable',
      effect: 'NoSchedule',
    });
  }
  return taints;
}

function fitFailures(requests: ResourceAmounts, info: NodeInfo): string[] {
  const reasons: string[] = [];
  const podLimit = info.allocatable.get('pods');
  if (podLimit !== undefined && info.pods.length + 1 > podLimit / 1000) {
    reasons.push('Too many pods');
  }
  for (const [name, milli] of requests) {
    const free =
      (info.allocatable.get(name) ?? 0) - (info.requested.get(name) ?? 0);
    if (milli > free) reasons.push(`Insufficient ${name}`);
  }
  return reasons;
}

/** Why the pod cannot go to the node, or undefined when it fits. */
export function filterNode(
  pod: KubeObject,
  requests: ResourceAmounts,
  info: NodeInfo,
  affinity: InterPodAffinity,
): NodeFailure | undefined {
  const { node } = info;
  if (
    asObject(node.spec).unschedulable === true &&
    !tolerates(pod, {
      key: 'node.kubernetes.io/unschedulable',
      effect: 'NoSchedule',
    })
  ) {
    return { reasons: ['node(s) were unschedulable'], unresolvable: true };
  }
  const untolerated = effectiveTaints(node).find(
    taint =>
      (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') &&
      !tolerates(pod, taint),
  );
  if (untolerated) {
    return {
      reasons: [
        `node(s) had untolerated taint {${untolerated.key}: ${
          untolerated.value ?? ''
        }}`,
      ],
      unresolvable: true,
    };
  }
  if (!matchesNodeSelectorAndAffinity(pod, node)) {
    return {
      reasons: ["node(s) didn't match Pod's node affinity/selector"],
      unresolvable: true,
    };
  }
  if (portsCollide(hostPorts(pod), info.ports)) {
    return {
      reasons: ["node(s) didn't have free ports for the requested pod ports"],
      unresolvable: false,
    };
  }
  const insufficient = fitFailures(requests, info);
  if (insufficient.length > 0) {
    return { reasons: insufficient, unresolvable: false };
  }
  const mismatch = affinity.check(node);
  return mismatch
    ? { reasons: [mismatch.reason], unresolvable: mismatch.unresolvable }
    : undefined;
}

/**
 * The scheduler's FitError text: reasons counted over nodes and sorted as
 * strings (count first, as the real one does), then what preemption found.
 * The simulator never preempts: a node short of resources reads as one where
 * preemption found no victims, which is what the real one says when every pod
 * has the same priority.
 */
export function fitErrorMessage(
  pod: KubeObject,
  failures: NodeFailure[],
): string {
  const histogram = (reasons: string[]) => {
    const counts = new Map<string, number>();
    for (const reason of reasons)
      counts.set(reason, (counts.get(reason) ?? 0) + 1);
    return [...counts]
      .map(([reason, n]) => `${n} ${reason}`)
      .sort()
      .join(', ');
  };
  const total = failures.length;
  const filters = histogram(failures.flatMap(f => f.reasons));
  let preemption: string;
  if (asObject(pod.spec).preemptionPolicy === 'Never') {
    preemption = 'not eligible due to preemptionPolicy=Never';
  } else {
    preemption = `0/${total} nodes are available: ${histogram(
      failures.map(f =>
        f.unresolvable
          ? 'Preemption is not helpful for scheduling'
          : 'No preemption victims found for incoming pod',
      ),
    )}`;
  }
  return `0/${total} nodes are available: ${filters}. preemption: ${preemption}.`;
}
