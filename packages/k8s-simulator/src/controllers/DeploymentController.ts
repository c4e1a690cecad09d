/**
 * Rolls each Deployment out through ReplicaSets named by their pod template's
 * hash and reports its status, like the deployment controller. A rollout is
 * immediate: the new ReplicaSet gets every replica and the old ones none.
 */

import { ClusterState } from '../ClusterState';
import { asObject, JsonObject, KubeObject } from '../kubeObject';
import { StoreEvent } from '../ObjectStore';
import { EventRecorder } from './events';
import {
  controllerOf,
  controllerReference,
  isControlledBy,
} from './ownerReferences';
import { conditionOf, withCondition } from './podConditions';
import { podTemplateHash } from './podTemplateHash';
import { writeStatus } from './statusWrites';
import { WorkQueue } from './WorkQueue';

const DEPLOYMENTS = 'apps/deployments';
const REPLICASETS = 'apps/replicasets';
const MANAGER = 'kube-controller-manager';
const SOURCE = { component: 'deployment-controller' };
const HASH_LABEL = 'pod-template-hash';
const REVISION = 'deployment.kubernetes.io/revision';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX = 'deployment.kubernetes.io/max-replicas';

const revisionOf = (obj: KubeObject) =>
  Number(obj.metadata.annotations?.[REVISION] ?? 0) || 0;
const replicasOf = (obj: KubeObject) =>
  Number(asObject(obj.spec).replicas ?? 0);
const statusCount = (obj: KubeObject, field: string) =>
  Number(asObject(obj.status)[field] ?? 0);
const sum = (sets: KubeObject[], field: string) =>
  sets.reduce((n, rs) => n + statusCount(rs, field), 0);

/** maxSurge rounds up and maxUnavailable down; both zero would block, so unavailable becomes one. */
function rollingBounds(deployment: KubeObject, replicas: number) {
  const strategy = asObject(asObject(deployment.spec).strategy);
  if (strategy.type !== 'RollingUpdate') return { surge: 0, unavailable: 0 };
  const rolling = asObject(strategy.rollingUpdate);
  const resolve = (value: unknown, roundUp: boolean) => {
    const text = String(value ?? '25%');
    if (!text.endsWith('%')) return Number(text) || 0;
    const exact = (Number(text.slice(0, -1)) * replicas) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  };
  const surge = resolve(rolling.maxSurge, true);
  const unavailable = resolve(rolling.maxUnavailable, false);
  return {
    surge,
    unavailable: surge === 0 && unavailable === 0 ? 1 : unavailable,
  };
}

export class DeploymentController {
  readonly #queue = new WorkQueue(key => this.#sync(key));

  constructor(
    private readonly state: ClusterState,
    private readonly events: EventRecorder,
  ) {}

  onEvent(event: StoreEvent): void {
    const { object } = event;
    if (event.resource === DEPLOYMENTS && event.type !== 'DELETED') {
      this.#queue.add(`${object.metadata.namespace}/${object.metadata.name}`);
    } else if (event.resource === REPLICASETS) {
      const owner = controllerOf(object);
      if (owner?.kind === 'Deployment') {
        this.#queue.add(`${object.metadata.namespace}/${owner.name}`);
      }
    }
  }

  resync(): void {
    for (const d of this.state.store.list(DEPLOYMENTS)) {
      this.#queue.add(`${d.metadata.namespace}/${d.metadata.name}`);
    }
  }

  stop(): void {
    this.#queue.stop();
  }

  #sync(key: string) {
    const [namespace, name] = key.split('/');
    const deployment = this.state.store.get(DEPLOYMENTS, namespace, name);
    if (!deployment || deployment.metadata.deletionTimestamp) return;
    const spec = asObject(deployment.spec);
    const template = asObject(spec.template);
    const hash = podTemplateHash(template);
    const owned = this.state.store
      .list(REPLICASETS, namespace)
      .filter(rs => isControlledBy(rs, deployment));
    let newRs = owned.find(rs => rs.metadata.labels?.[HASH_LABEL] === hash);
    let olds = owned.filter(rs => rs !== newRs);
    const replicas = replicasOf(deployment);
    const bounds = rollingBounds(deployment, replicas);
    let created = false;

    if (spec.paused !== true) {
      const maxRevision = Math.max(0, ...owned.map(revisionOf));
      if (!newRs) {
        newRs = this.#createReplicaSet(
          deployment,
          hash,
          maxRevision + 1,
          replicas + bounds.surge,
        );
        created = true;
      } else {
        newRs = this.#scale(deployment, newRs, replicas, {
          // A template that comes back (a rollback) makes its ReplicaSet the newest revision.
          ...(revisionOf(newRs) < maxRevision
            ? { [REVISION]: String(maxRevision + 1) }
            : {}),
          [DESIRED]: String(replicas),
          [MAX]: String(replicas + bounds.surge),
        });
      }
      olds = olds.map(old => this.#scale(deployment, old, 0, {}));
      olds = this.#cleanUp(deployment, olds);
      this.#setRevision(deployment, revisionOf(newRs));
    }
    this.#updateStatus(deployment, newRs, olds, { created, replicas, bounds });
  }

  #createReplicaSet(
    deployment: KubeObject,
    hash: string,
    revision: number,
    maxReplicas: number,
  ): KubeObject {
    const spec = asObject(deployment.spec);
    const template = structuredClone(asObject(spec.template));
    const templateMeta = asObject(template.metadata);
    const labels = {
      ...asObject(templateMeta.labels),
      [HASH_LABEL]: hash,
    } as Record<string, string>;
    template.metadata = { ...templateMeta, labels };
    const selector = asObject(spec.selector);
    const name = `${deployment.metadata.name}-${hash}`;
    const rs = this.state.createObject(
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name,
          namespace: deployment.metadata.namespace,
          labels,
          annotations: {
            [DESIRED]: String(replicasOf(deployment)),
            [MAX]: String(maxReplicas),
            [REVISION]: String(revision),
          },
          ownerReferences: [{ ...controllerReference(deployment) }],
        },
        spec: {
          replicas: replicasOf(deployment),
          ...(spec.minReadySeconds !== undefined
            ? { minReadySeconds: spec.minReadySeconds }
            : {}),
          selector: {
            ...selector,
            matchLabels: {
              ...asObject(selector.matchLabels),
              [HASH_LABEL]: hash,
            },
          },
          template,
        },
      },
      { fieldManager: MANAGER },
    );
    this.events.record(deployment, SOURCE, {
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: `Scaled up replica set ${name} from 0 to ${replicasOf(
        deployment,
      )}`,
    });
    return rs;
  }

  /** Sets the ReplicaSet's replicas (and annotations), with the event the real controller records. */
  #scale(
    deployment: KubeObject,
    rs: KubeObject,
    replicas: number,
    annotations: Record<string, string>,
  ): KubeObject {
    const current = replicasOf(rs);
    const merged = { ...(rs.metadata.annotations ?? {}), ...annotations };
    const annotationsChanged = Object.entries(annotations).some(
      ([k, v]) => rs.metadata.annotations?.[k] !== v,
    );
    if (current === replicas && !annotationsChanged) return rs;
    const updated = this.state.update(
      this.state.resolve('apps/v1', 'ReplicaSet'),
      rs.metadata.namespace,
      rs.metadata.name!,
      {
        ...rs,
        metadata: { ...rs.metadata, annotations: merged },
        spec: { ...asObject(rs.spec), replicas },
      },
      { fieldManager: MANAGER },
    );
    if (current !== replicas) {
      this.events.record(deployment, SOURCE, {
        type: 'Normal',
        reason: 'ScalingReplicaSet',
        message: `Scaled ${replicas > current ? 'up' : 'down'} replica set ${
          rs.metadata.name
        } from ${current} to ${replicas}`,
      });
    }
    return updated;
  }

  /** Deletes old ReplicaSets beyond revisionHistoryLimit, oldest first; returns those kept. */
  #cleanUp(deployment: KubeObject, olds: KubeObject[]): KubeObject[] {
    const limit = Number(asObject(deployment.spec).revisionHistoryLimit ?? 10);
    const idle = olds
      .filter(rs => replicasOf(rs) === 0 && statusCount(rs, 'replicas') === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    const doomed = idle.slice(0, Math.max(0, idle.length - limit));
    for (const rs of doomed) {
      this.state.delete(
        this.state.resolve('apps/v1', 'ReplicaSet'),
        rs.metadata.namespace,
        rs.metadata.name!,
      );
    }
    return olds.filter(rs => !doomed.includes(rs));
  }

  #setRevision(deployment: KubeObject, revision: number) {
    if (revisionOf(deployment) === revision) return;
    this.state.update(
      this.state.resolve('apps/v1', 'Deployment'),
      deployment.metadata.namespace,
      deployment.metadata.name!,
      {
        ...deployment,
        metadata: {
          ...deployment.metadata,
          annotations: {
            ...(deployment.metadata.annotations ?? {}),
            [REVISION]: String(revision),
          },
        },
      },
      { fieldManager: MANAGER },
    );
  }

  #updateStatus(
    deployment: KubeObject,
    newRs: KubeObject | undefined,
    olds: KubeObject[],
    rollout: {
      created: boolean;
      replicas: number;
      bounds: { unavailable: number };
    },
  ) {
    // Counts come from the ReplicaSets' own status, which their controller keeps.
    const fresh = (rs: KubeObject) =>
      this.state.store.get(
        REPLICASETS,
        rs.metadata.namespace,
        rs.metadata.name!,
      ) ?? rs;
    const all = [...(newRs ? [fresh(newRs)] : []), ...olds.map(fresh)];
    const updated = newRs ? statusCount(fresh(newRs), 'replicas') : 0;
    const total = sum(all, 'replicas');
    const ready = sum(all, 'readyReplicas');
    const available = sum(all, 'availableReplicas');
    const desiredTotal = all.reduce((n, rs) => n + replicasOf(rs), 0);
    const unavailable = Math.max(0, desiredTotal - available);
    const previous = asObject(deployment.status);
    let conditions = withCondition(
      previous.conditions,
      available >= rollout.replicas - rollout.bounds.unavailable
        ? {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment has minimum availability.',
          }
        : {
            type: 'Available',
            status: 'False',
            reason: 'MinimumReplicasUnavailable',
            message: 'Deployment does not have minimum availability.',
          },
      { lastUpdateTime: 'onChange' },
    );
    const rsName = newRs?.metadata.name;
    const complete =
      newRs !== undefined &&
      updated === rollout.replicas &&
      total === rollout.replicas &&
      available === rollout.replicas;
    const progressed =
      updated > statusCount(deployment, 'updatedReplicas') ||
      ready > statusCount(deployment, 'readyReplicas') ||
      available > statusCount(deployment, 'availableReplicas') ||
      total < statusCount(deployment, 'replicas');
    if (asObject(deployment.spec).paused === true) {
      conditions = withCondition(
        conditions,
        {
          type: 'Progressing',
          status: 'Unknown',
          reason: 'DeploymentPaused',
          message: 'Deployment is paused',
        },
        { lastUpdateTime: 'onChange' },
      );
    } else if (complete) {
      conditions = withCondition(
        conditions,
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${rsName}" has successfully progressed.`,
        },
        { lastUpdateTime: 'onChange' },
      );
    } else if (rollout.created) {
      conditions = withCondition(
        conditions,
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetCreated',
          message: `Created new replica set "${rsName}"`,
        },
        { lastUpdateTime: 'always' },
      );
    } else if (progressed || !conditionOf(deployment, 'Progressing')) {
      conditions = withCondition(
        conditions,
        {
          type: 'Progressing',
          status: 'True',
          reason: 'ReplicaSetUpdated',
          message: `ReplicaSet "${rsName}" is progressing.`,
        },
        { lastUpdateTime: 'always' },
      );
    }
    conditions = this.#checkDeadline(deployment, conditions, rsName);
    const status: JsonObject = {
      observedGeneration: deployment.metadata.generation,
      // The API omits zero counts.
      ...(total ? { replicas: total } : {}),
      ...(updated ? { updatedReplicas: updated } : {}),
      ...(ready ? { readyReplicas: ready } : {}),
      ...(available ? { availableReplicas: available } : {}),
      ...(unavailable ? { unavailableReplicas: unavailable } : {}),
      conditions,
    };
    writeStatus(this.state, deployment, status, MANAGER);
  }

  /**
   * A rollout that makes no progress for progressDeadlineSeconds is reported
   * as failed (Progressing=False, ProgressDeadlineExceeded); until then the
   * controller looks again when the deadline passes.
   */
  #checkDeadline(
    deployment: KubeObject,
    conditions: JsonObject[],
    rsName: string | undefined,
  ): JsonObject[] {
    const progressing = conditions.find(c => c.type === 'Progressing');
    if (
      progressing?.status !== 'True' ||
      progressing.reason === 'NewReplicaSetAvailable'
    ) {
      return conditions;
    }
    const seconds = Number(
      asObject(deployment.spec).progressDeadlineSeconds ?? 600,
    );
    const since = Date.parse(String(progressing.lastUpdateTime));
    const remainingMs = since + seconds * 1000 - Date.now();
    const key = `${deployment.metadata.namespace}/${deployment.metadata.name}`;
    if (Number.isNaN(remainingMs) || remainingMs > 0) {
      this.#queue.addAfter(
        key,
        Number.isNaN(remainingMs) ? seconds * 1000 : remainingMs,
      );
      return conditions;
    }
    return withCondition(
      conditions,
      {
        type: 'Progressing',
        status: 'False',
        reason: 'ProgressDeadlineExceeded',
        message: `ReplicaSet "${rsName}" has timed out progressing.`,
      },
      { lastUpdateTime: 'onChange' },
    );
  }
}
