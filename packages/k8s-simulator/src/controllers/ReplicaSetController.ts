/** Keeps each ReplicaSet's pods at spec.replicas and its status current, like the replicaset controller. */

import { ClusterState } from '../ClusterState';
import { asObject, KubeObject } from '../kubeObject';
import { StoreEvent } from '../ObjectStore';
import { EventRecorder } from './events';
import { controllerOf, isControlledBy } from './ownerReferences';
import { isPodReady } from './podConditions';
import { isTerminal } from './podResources';
import { podFromTemplate } from './podTemplates';
import { writeStatus } from './statusWrites';
import { WorkQueue } from './WorkQueue';

const REPLICASETS = 'apps/replicasets';
const PODS = '/pods';
const MANAGER = 'kube-controller-manager';
const SOURCE = { component: 'replicaset-controller' };

const isActive = (pod: KubeObject) =>
  !isTerminal(pod) && !pod.metadata.deletionTimestamp;

const PHASE_RANK: Record<string, number> = {
  Pending: 0,
  Unknown: 1,
  Running: 2,
};

/** Which pods go first on scale-down: unscheduled, then pending, then not ready, then the newest. */
function deletionOrder(a: KubeObject, b: KubeObject): number {
  const bound = (p: KubeObject) => (asObject(p.spec).nodeName ? 1 : 0);
  const phase = (p: KubeObject) =>
    PHASE_RANK[String(asObject(p.status).phase)] ?? 0;
  const ready = (p: KubeObject) => (isPodReady(p) ? 1 : 0);
  return (
    bound(a) - bound(b) ||
    phase(a) - phase(b) ||
    ready(a) - ready(b) ||
    String(b.metadata.creationTimestamp).localeCompare(
      String(a.metadata.creationTimestamp),
    ) ||
    String(b.metadata.name).localeCompare(String(a.metadata.name))
  );
}

export class ReplicaSetController {
  readonly #queue = new WorkQueue(key => this.#sync(key));

  constructor(
    private readonly state: ClusterState,
    private readonly events: EventRecorder,
  ) {}

  onEvent(event: StoreEvent): void {
    const { object } = event;
    if (event.resource === REPLICASETS && event.type !== 'DELETED') {
      this.#queue.add(`${object.metadata.namespace}/${object.metadata.name}`);
    } else if (event.resource === PODS) {
      const owner = controllerOf(object);
      if (owner?.kind === 'ReplicaSet') {
        this.#queue.add(`${object.metadata.namespace}/${owner.name}`);
      }
    }
  }

  /** Queues every ReplicaSet, for objects that existed before the controller started. */
  resync(): void {
    for (const rs of this.state.store.list(REPLICASETS)) {
      this.#queue.add(`${rs.metadata.namespace}/${rs.metadata.name}`);
    }
  }

  stop(): void {
    this.#queue.stop();
  }

  #sync(key: string) {
    const [namespace, name] = key.split('/');
    const rs = this.state.store.get(REPLICASETS, namespace, name);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const spec = asObject(rs.spec);
    const desired = Number(spec.replicas ?? 1);
    const owned = () =>
      this.state.store
        .list(PODS, namespace)
        .filter(pod => isControlledBy(pod, rs));
    const active = owned().filter(isActive);
    if (active.length < desired) {
      for (let i = active.length; i < desired; i++) this.#createPod(rs);
    } else if (active.length > desired) {
      const doomed = [...active]
        .sort(deletionOrder)
        .slice(0, active.length - desired);
      for (const pod of doomed) {
        this.state.delete(
          this.state.resolve('v1', 'Pod'),
          namespace,
          pod.metadata.name!,
        );
        this.events.record(rs, SOURCE, {
          type: 'Normal',
          reason: 'SuccessfulDelete',
          message: `Deleted pod: ${pod.metadata.name}`,
        });
      }
    }
    this.#updateStatus(rs, owned().filter(isActive));
  }

  #createPod(rs: KubeObject) {
    const pod = this.state.createObject(
      podFromTemplate({
        template: asObject(asObject(rs.spec).template),
        owner: rs,
        generateName: `${rs.metadata.name}-`,
      }),
      { fieldManager: MANAGER },
    );
    this.events.record(rs, SOURCE, {
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: `Created pod: ${pod.metadata.name}`,
    });
  }

  #updateStatus(rs: KubeObject, pods: KubeObject[]) {
    const labels = asObject(
      asObject(asObject(rs.spec).template).metadata,
    ).labels;
    const templateLabels = asObject(labels);
    const fullyLabeled = pods.filter(pod =>
      Object.entries(templateLabels).every(
        ([k, v]) => pod.metadata.labels?.[k] === v,
      ),
    ).length;
    // minReadySeconds is not modelled: ready pods count as available at once.
    const ready = pods.filter(isPodReady).length;
    const previous = asObject(rs.status);
    const status = {
      // The API omits zero counts, except replicas.
      replicas: pods.length,
      ...(fullyLabeled ? { fullyLabeledReplicas: fullyLabeled } : {}),
      ...(ready ? { readyReplicas: ready, availableReplicas: ready } : {}),
      observedGeneration: rs.metadata.generation,
      ...(previous.conditions ? { conditions: previous.conditions } : {}),
    };
    writeStatus(this.state, rs, status, MANAGER);
  }
}
