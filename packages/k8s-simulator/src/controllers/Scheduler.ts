/**
 * Binds pending pods to nodes like kube-scheduler's default profile: filters
 * (schedulingFilters.ts), then the node with the highest preferred node
 * affinity, then the fewest GPUs in use. Pods that fit nowhere stay Pending
 * with PodScheduled=False and a FailedScheduling event, and are tried again
 * when nodes change or pods go away.
 */

import { ClusterState } from '../ClusterState';
import { asList, asObject, deepEqual, KubeObject } from '../kubeObject';
import { StoreEvent } from '../ObjectStore';
import { EventRecorder } from './events';
import { InterPodAffinity, PlacedPod } from './interPodAffinity';
import { preferredAffinityScore } from './labelSelectors';
import { withCondition } from './podConditions';
import {
  gpuRequest,
  holdsResources,
  isTerminal,
  podRequests,
} from './podResources';
import {
  filterNode,
  fitErrorMessage,
  NodeFailure,
  NodeInfo,
  nodeInfo,
} from './schedulingFilters';
import { writeStatus } from './statusWrites';

const PODS = '/pods';
const NODES = '/nodes';
const SCHEDULER_NAME = 'default-scheduler';
const MANAGER = 'kube-scheduler';
const SOURCE = { component: SCHEDULER_NAME };

const keyOf = (pod: KubeObject) =>
  `${pod.metadata.namespace}/${pod.metadata.name}`;
const nodeNameOf = (pod: KubeObject | undefined) =>
  pod ? (asObject(pod.spec).nodeName as string | undefined) : undefined;

/** Pods this scheduler is responsible for: unbound, unfinished, its schedulerName. */
function wantsScheduling(pod: KubeObject): boolean {
  const spec = asObject(pod.spec);
  return (
    !spec.nodeName &&
    !isTerminal(pod) &&
    !pod.metadata.deletionTimestamp &&
    (spec.schedulerName ?? SCHEDULER_NAME) === SCHEDULER_NAME
  );
}

export class Scheduler {
  /** Pods to try on the next pass. */
  readonly #active = new Set<string>();
  /** Pods the last pass could not place; tried again when the cluster changes. */
  readonly #unschedulable = new Set<string>();
  #scheduled: NodeJS.Immediate | undefined;
  #stopped = false;

  constructor(
    private readonly state: ClusterState,
    private readonly events: EventRecorder,
  ) {}

  onEvent(event: StoreEvent): void {
    if (event.resource === NODES) {
      if (event.type !== 'DELETED') this.#retryUnschedulable();
      return;
    }
    if (event.resource !== PODS) return;
    const { object: pod, previous } = event;
    const key = keyOf(pod);
    if (event.type === 'DELETED') {
      this.#unschedulable.delete(key);
      this.#active.delete(key);
      if (previous && holdsResources(previous)) this.#retryUnschedulable();
      return;
    }
    if (wantsScheduling(pod)) {
      // Status writes (ours included) do not make a pod any more schedulable.
      const changed =
        !previous ||
        !deepEqual(previous.spec, pod.spec) ||
        !deepEqual(previous.metadata.labels, pod.metadata.labels);
      if (changed) this.#enqueue(key);
      return;
    }
    this.#unschedulable.delete(key);
    // Something that frees room, or a pod that pod affinity may follow.
    const bound = !nodeNameOf(previous) && nodeNameOf(pod);
    const finished =
      previous && holdsResources(previous) && !holdsResources(pod);
    const relabelled =
      nodeNameOf(pod) &&
      !deepEqual(previous?.metadata.labels, pod.metadata.labels);
    if (bound || finished || relabelled) this.#retryUnschedulable();
  }

  resync(): void {
    for (const pod of this.state.store.list(PODS)) {
      if (wantsScheduling(pod)) this.#enqueue(keyOf(pod));
    }
  }

  stop(): void {
    this.#stopped = true;
    if (this.#scheduled) clearImmediate(this.#scheduled);
  }

  #enqueue(key: string) {
    if (this.#stopped) return;
    this.#unschedulable.delete(key);
    this.#active.add(key);
    this.#scheduled ??= setImmediate(() => this.#run());
  }

  #retryUnschedulable() {
    for (const key of [...this.#unschedulable]) this.#enqueue(key);
  }

  /** One pass over the queue, higher priority first, then oldest first. */
  #run() {
    this.#scheduled = undefined;
    const pods = [...this.#active]
      .map(key => {
        const [namespace, name] = key.split('/');
        return this.state.store.get(PODS, namespace, name);
      })
      .filter(
        (pod): pod is KubeObject => pod !== undefined && wantsScheduling(pod),
      );
    this.#active.clear();
    pods.sort(
      (a, b) =>
        Number(asObject(b.spec).priority ?? 0) -
          Number(asObject(a.spec).priority ?? 0) ||
        String(a.metadata.creationTimestamp).localeCompare(
          String(b.metadata.creationTimestamp),
        ),
    );
    for (const pod of pods) {
      if (this.#stopped) return;
      try {
        this.#schedule(pod);
      } catch {
        // The pod changed or went away while we looked; its next event queues it again.
      }
    }
  }

  #schedule(queued: KubeObject) {
    const pod = this.state.store.get(
      PODS,
      queued.metadata.namespace,
      queued.metadata.name!,
    );
    if (!pod || !wantsScheduling(pod)) return;
    const gates = asList(asObject(pod.spec).schedulingGates);
    if (gates.length > 0) {
      this.#setScheduledCondition(pod, {
        status: 'False',
        reason: 'SchedulingGated',
        message: 'Scheduling is blocked due to non-empty scheduling gates',
      });
      return;
    }
    const nodes = this.state.store.list(NODES);
    if (nodes.length === 0) {
      this.#fail(pod, 'no nodes available to schedule pods');
      return;
    }
    const infos = this.#nodeInfos(nodes);
    const affinity = new InterPodAffinity(
      pod,
      this.#placed(infos),
      this.#namespaceLabels(),
    );
    const requests = podRequests(pod);
    const failures: NodeFailure[] = [];
    const feasible: NodeInfo[] = [];
    for (const info of infos) {
      const failure = filterNode(pod, requests, info, affinity);
      if (failure) failures.push(failure);
      else feasible.push(info);
    }
    if (feasible.length === 0) {
      this.#fail(pod, fitErrorMessage(pod, failures));
      return;
    }
    const score = (info: NodeInfo) => preferredAffinityScore(pod, info.node);
    const gpusInUse = (info: NodeInfo) => gpuRequest(info.requested);
    feasible.sort(
      (a, b) =>
        score(b) - score(a) ||
        gpusInUse(a) - gpusInUse(b) ||
        a.node.metadata.name!.localeCompare(b.node.metadata.name!),
    );
    this.#bind(pod, feasible[0].node.metadata.name!);
  }

  #nodeInfos(nodes: KubeObject[]): NodeInfo[] {
    const podsByNode = new Map<string, KubeObject[]>();
    for (const pod of this.state.store.list(PODS)) {
      if (!holdsResources(pod)) continue;
      const node = nodeNameOf(pod)!;
      podsByNode.set(node, [...(podsByNode.get(node) ?? []), pod]);
    }
    return nodes.map(node =>
      nodeInfo(node, podsByNode.get(node.metadata.name!) ?? []),
    );
  }

  #placed(infos: NodeInfo[]): PlacedPod[] {
    return infos.flatMap(info =>
      info.pods.map(pod => ({
        pod,
        nodeLabels: info.node.metadata.labels ?? {},
      })),
    );
  }

  #namespaceLabels(): Map<string, Record<string, string>> {
    return new Map(
      this.state.store
        .list('/namespaces')
        .map(ns => [ns.metadata.name!, ns.metadata.labels ?? {}]),
    );
  }

  #bind(pod: KubeObject, nodeName: string) {
    const bound = this.state.update(
      this.state.resolve('v1', 'Pod'),
      pod.metadata.namespace,
      pod.metadata.name!,
      { ...pod, spec: { ...asObject(pod.spec), nodeName } },
      { fieldManager: MANAGER },
    );
    this.#setScheduledCondition(bound, { status: 'True' });
    this.events.record(bound, SOURCE, {
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`,
    });
  }

  #fail(pod: KubeObject, message: string) {
    this.#unschedulable.add(keyOf(pod));
    this.#setScheduledCondition(pod, {
      status: 'False',
      reason: 'Unschedulable',
      message,
    });
    this.events.record(pod, SOURCE, {
      type: 'Warning',
      reason: 'FailedScheduling',
      message,
    });
  }

  #setScheduledCondition(
    pod: KubeObject,
    condition: { status: string; reason?: string; message?: string },
  ) {
    const status = asObject(pod.status);
    writeStatus(
      this.state,
      pod,
      {
        ...status,
        conditions: withCondition(status.conditions, {
          type: 'PodScheduled',
          lastProbeTime: null,
          ...condition,
        }),
      },
      MANAGER,
    );
  }
}
