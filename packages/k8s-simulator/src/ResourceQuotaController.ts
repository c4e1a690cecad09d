/** Keeps ResourceQuota status current, as kube-controller-manager's quota controller does. */

import { ClusterState } from './ClusterState';
import { deepEqual, isPlainObject, JsonObject, KubeObject } from './kubeObject';
import { StoreEvent } from './ObjectStore';

const QUOTAS = '/resourcequotas';
const PODS = '/pods';
const TERMINAL_PHASES = ['Succeeded', 'Failed'];
/** Extended resources (nvidia.com/gpu, amd.com/gpu, ...) are counted only through requests.<name>. */
const EXTENDED_REQUEST = /^requests\.([^/]+\/.+)$/;

const asObject = (value: unknown): JsonObject =>
  isPlainObject(value) ? value : {};

function wholeNumber(value: unknown): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

/** One container's request for a resource; extended resources may give only a limit. */
function containerRequest(container: unknown, resource: string): number {
  const resources = asObject(asObject(container).resources);
  const requests = asObject(resources.requests);
  const limits = asObject(resources.limits);
  return wholeNumber(requests[resource] ?? limits[resource]);
}

/** A pod's request: its containers together, or its largest init container if more. */
export function podRequest(pod: KubeObject, resource: string): number {
  const spec = asObject(pod.spec);
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  const containers = list(spec.containers).reduce(
    (sum: number, c) => sum + containerRequest(c, resource),
    0,
  );
  const init = Math.max(
    0,
    ...list(spec.initContainers).map(c => containerRequest(c, resource)),
  );
  return Math.max(containers, init);
}

const counts = (pod: KubeObject) =>
  !TERMINAL_PHASES.includes(String(asObject(pod.status).phase));

/** What the namespace's pods use of each hard limit the simulator can count. */
export function quotaUsed(
  hard: JsonObject,
  pods: KubeObject[],
): Record<string, string> {
  const active = pods.filter(counts);
  const used: Record<string, string> = {};
  for (const key of Object.keys(hard)) {
    const extended = EXTENDED_REQUEST.exec(key);
    if (extended) {
      used[key] = String(
        active.reduce((sum, pod) => sum + podRequest(pod, extended[1]), 0),
      );
    } else if (key === 'pods' || key === 'count/pods') {
      used[key] = String(active.length);
    }
  }
  return used;
}

export class ResourceQuotaController {
  readonly #unsubscribe: () => void;

  constructor(private readonly state: ClusterState) {
    this.#unsubscribe = state.store.subscribe(event => this.#onEvent(event));
  }

  stop(): void {
    this.#unsubscribe();
  }

  #onEvent(event: StoreEvent) {
    const namespace = event.object.metadata.namespace;
    if (!namespace) return;
    if (event.resource === PODS) {
      for (const quota of this.state.store.list(QUOTAS, namespace)) {
        this.#refresh(quota);
      }
    } else if (event.resource === QUOTAS && event.type !== 'DELETED') {
      const current = this.state.store.get(
        QUOTAS,
        namespace,
        event.object.metadata.name!,
      );
      if (current) this.#refresh(current);
    }
  }

  #refresh(quota: KubeObject) {
    const hard = asObject(asObject(quota.spec).hard);
    const status = {
      hard: { ...hard },
      used: quotaUsed(
        hard,
        this.state.store.list(PODS, quota.metadata.namespace),
      ),
    };
    // Its own write comes back as an event; an unchanged status ends the loop.
    if (deepEqual(quota.status, status)) return;
    this.state.update(
      this.state.resolve('v1', 'ResourceQuota'),
      quota.metadata.namespace,
      quota.metadata.name!,
      { ...quota, status },
      { subresource: 'status', fieldManager: 'kube-controller-manager' },
    );
  }
}
