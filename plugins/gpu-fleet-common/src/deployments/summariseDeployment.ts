import {
  clipText,
  DeploymentObservation,
  EventObservation,
  isReplicaSetOf,
  MpiJobObservation,
  ObjectRefObservation,
  PodObservation,
} from './deploymentObservations';
import {
  DEPLOYMENT_STATUS_LIMITS,
  DeploymentPhase,
  ObservedCondition,
  ObservedDeployment,
  ObservedEvent,
  ObservedPod,
} from './deploymentStatus';

/** Everything watched that carries one deployment's label, in its namespace. */
export interface DeploymentObservations {
  namespace: string;
  name: string;
  observedAt: string;
  deployments: DeploymentObservation[];
  mpiJobs: MpiJobObservation[];
  pods: PodObservation[];
  /** Events of the namespace; those about this deployment's objects are kept. */
  events: EventObservation[];
  /** Every labelled top-level object, Deployments and MPIJobs included. */
  objects: ObjectRefObservation[];
}

const LIMITS = DEPLOYMENT_STATUS_LIMITS;
// Code-unit order, the same on every agent whatever its locale.
const compare = (a: string, b: string) => Number(a > b) - Number(a < b);
const byName = <T extends { name: string }>(a: T, b: T) =>
  compare(a.name, b.name);

const isTrue = (conditions: ObservedCondition[], type: string) =>
  conditions.find(c => c.type === type)?.status === 'True';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const explain = (reason?: string, message?: string) =>
  [reason, message].filter(Boolean).join(': ');

/** The events about a deployment's own objects: its pods, Deployments, their ReplicaSets and MPIJobs. */
export function eventsOfDeployment(
  events: EventObservation[],
  objects: Pick<DeploymentObservations, 'deployments' | 'mpiJobs' | 'pods'>,
): EventObservation[] {
  const pods = new Set(objects.pods.map(p => p.name));
  const replicaSets = new Set(
    objects.pods
      .filter(p => p.owner?.kind === 'ReplicaSet')
      .map(p => p.owner!.name),
  );
  const deployments = objects.deployments.map(d => d.name);
  const mpiJobs = new Set(objects.mpiJobs.map(j => j.name));
  return events.filter(({ involvedObject: { kind, name } }) => {
    switch (kind) {
      case 'Pod':
        return pods.has(name);
      case 'Deployment':
        return deployments.includes(name);
      case 'ReplicaSet':
        // A ReplicaSet that could create no pod (quota, admission) is known by name only.
        return (
          replicaSets.has(name) ||
          deployments.some(d => isReplicaSetOf(name, d))
        );
      case 'MPIJob':
        return mpiJobs.has(name);
      default:
        return false;
    }
  });
}

function observedEvents(events: EventObservation[]): ObservedEvent[] {
  return events
    .map(e => ({
      type: e.type,
      reason: e.reason,
      message: e.message,
      object: `${e.involvedObject.kind}/${e.involvedObject.name}`,
      count: e.count,
      ...(e.lastTimestamp ? { lastTimestamp: e.lastTimestamp } : {}),
    }))
    .sort((a, b) => {
      const warning =
        Number(b.type === 'Warning') - Number(a.type === 'Warning');
      if (warning) return warning;
      return (
        compare(b.lastTimestamp ?? '', a.lastTimestamp ?? '') ||
        compare(a.object, b.object) ||
        compare(a.reason, b.reason)
      );
    })
    .slice(0, LIMITS.events);
}

// Pods that are not ready are kept first when there are too many to report.
function observedPods(pods: PodObservation[]): ObservedPod[] {
  const kept = [...pods]
    .sort((a, b) => Number(a.ready) - Number(b.ready) || byName(a, b))
    .slice(0, LIMITS.pods)
    .sort(byName);
  return kept.map(p => ({
    name: p.name,
    phase: p.phase,
    ready: p.ready,
    restarts: p.restarts,
    ...(p.node !== undefined && { node: p.node }),
    ...(p.role !== undefined && { role: p.role }),
    ...(p.reason !== undefined && { reason: p.reason }),
    ...(p.message !== undefined && { message: p.message }),
  }));
}

// As `kubectl rollout status` decides it.
function rolloutOf(deployments: DeploymentObservation[]) {
  const complete = deployments.every(
    d =>
      d.observedGeneration >= d.generation &&
      d.updated >= d.desired &&
      d.total <= d.updated &&
      d.available >= d.updated,
  );
  // Its reason says where the rollout stands, e.g. ProgressDeadlineExceeded.
  const progressing = deployments
    .map(d => d.conditions.find(c => c.type === 'Progressing'))
    .find(c => c !== undefined);
  return {
    complete,
    ...(progressing?.reason && { reason: progressing.reason }),
    ...(progressing?.message && { message: progressing.message }),
  };
}

interface Decision {
  phase: DeploymentPhase;
  summary: string;
}

function decide(
  o: DeploymentObservations,
  events: ObservedEvent[],
  rollout?: ReturnType<typeof rolloutOf>,
): Decision {
  const job = [...o.mpiJobs].sort(byName)[0];
  const pods = [...o.pods].sort(byName);
  const ready = pods.filter(p => p.ready);
  const running = pods.filter(p => p.phase === 'Running');
  const failing = pods.filter(p => p.failing);
  const pending = pods.filter(p => p.phase === 'Pending' || p.unschedulable);
  const replicas = o.deployments.reduce(
    (sum, d) => ({
      desired: sum.desired + d.desired,
      ready: sum.ready + d.ready,
    }),
    { desired: 0, ready: 0 },
  );
  let desired = pods.length;
  if (o.deployments.length > 0) desired = replicas.desired;
  else if (job) desired = job.launchers + job.workers;
  const readyCount = o.deployments.length > 0 ? replicas.ready : ready.length;
  const counted =
    o.deployments.length > 0 || !job
      ? `${readyCount}/${desired} replicas ready`
      : `${readyCount}/${desired} pods ready`;
  const warning = events.find(e => e.type === 'Warning');
  const notReady = pods.find(
    p => !p.ready && p.phase !== 'Succeeded' && (p.reason || p.message),
  );
  const detail =
    (notReady && explain(notReady.reason, notReady.message)) ||
    (warning && explain(warning.reason, warning.message)) ||
    (rollout && !rollout.complete && explain(rollout.reason, rollout.message));

  if (job) {
    const condition = (type: string) =>
      job.conditions.find(c => c.type === type && c.status === 'True');
    const succeeded = condition('Succeeded');
    if (succeeded) {
      return {
        phase: 'Succeeded',
        summary: `MPIJob Succeeded${
          succeeded.message ? `: ${succeeded.message}` : ''
        }`,
      };
    }
    const failed = condition('Failed');
    if (failed) {
      const why = explain(failed.reason, failed.message);
      return {
        phase: 'Failed',
        summary: `MPIJob Failed${why ? `: ${why}` : ''}`,
      };
    }
    if (condition('Running')) {
      const launcher = running.some(p => p.role === 'launcher');
      const workers = running.filter(p => p.role === 'worker').length;
      const parts = [
        ...(launcher ? ['launcher'] : []),
        ...(workers ? [plural(workers, 'worker')] : []),
      ];
      return {
        phase: 'Running',
        summary: `MPIJob Running${
          parts.length ? `: ${parts.join(' and ')} running` : ''
        }`,
      };
    }
  }
  if (failing.length > 0 && readyCount === 0) {
    const first = failing[0];
    return {
      phase: 'Failed',
      summary: `${failing.length} of ${plural(
        pods.length,
        'pod',
      )} failing: ${explain(first.reason, first.message)}`,
    };
  }
  // An MPIJob starts only with all its workers: one waiting holds all.
  if (pending.length > 0 && (running.length === 0 || job)) {
    const first = pending.find(p => p.unschedulable) ?? pending[0];
    const why =
      first.reason === 'Unschedulable' && first.message
        ? first.message
        : explain(first.reason, first.message);
    return {
      phase: 'Pending',
      summary: `${pending.length} of ${plural(pods.length, 'pod')} Pending${
        why ? `: ${why}` : ''
      }`,
    };
  }
  if (
    o.deployments.length > 0 &&
    o.deployments.every(d => isTrue(d.conditions, 'Available')) &&
    replicas.ready >= replicas.desired
  ) {
    return {
      phase: 'Running',
      summary:
        replicas.desired === 0
          ? 'scaled to zero (0/0 replicas ready)'
          : `${replicas.ready}/${replicas.desired} replicas ready`,
    };
  }
  if (readyCount > 0 && readyCount < desired) {
    return {
      phase: 'Degraded',
      summary: `${counted}${detail ? `; ${detail}` : ''}`,
    };
  }
  if (o.deployments.length === 0 && !job) {
    const kinds = [...new Set(o.objects.map(r => r.kind))].sort();
    return {
      phase: 'Progressing',
      summary: `no Deployment or MPIJob${
        kinds.length ? ` yet; seen: ${kinds.join(', ')}` : ''
      }`,
    };
  }
  const stage = job
    ? [...job.conditions].reverse().find(c => c.status === 'True')?.type
    : undefined;
  return {
    phase: 'Progressing',
    summary: `${stage ? `MPIJob ${stage}: ` : ''}${counted}${
      detail ? `; ${detail}` : ''
    }`,
  };
}

/**
 * One deployment's status from what the agent watches: a phase by the rules
 * below, the sentence a person wants, and the bounded details behind it.
 *
 * Succeeded/Failed/Running follow an MPIJob's conditions; otherwise Failed
 * when pods are stuck failing and none is ready, Pending when pods wait and
 * none runs (for an MPIJob, when any waits), Running when every Deployment is available with all desired
 * replicas ready, Degraded when some but not all are ready, else Progressing.
 */
export function summariseDeployment(
  o: DeploymentObservations,
): ObservedDeployment {
  const deployments = [...o.deployments].sort(byName);
  const events = observedEvents(eventsOfDeployment(o.events, o));
  const rollout = deployments.length > 0 ? rolloutOf(deployments) : undefined;
  const { phase, summary } = decide(o, events, rollout);
  const conditions = (
    o.mpiJobs.length > 0
      ? [...o.mpiJobs].sort(byName).flatMap(j => j.conditions)
      : deployments.flatMap(d => d.conditions)
  ).slice(0, LIMITS.conditions);
  const objects = o.objects
    .map(r => ({ apiVersion: r.apiVersion, kind: r.kind, name: r.name }))
    .sort((a, b) => compare(a.kind, b.kind) || byName(a, b))
    .slice(0, LIMITS.objects);
  return {
    namespace: o.namespace,
    name: o.name,
    phase,
    summary: clipText(summary, LIMITS.summaryChars),
    observedAt: o.observedAt,
    ...(deployments.length > 0 && {
      replicas: deployments.reduce(
        (sum, d) => ({
          desired: sum.desired + d.desired,
          ready: sum.ready + d.ready,
          updated: sum.updated + d.updated,
          available: sum.available + d.available,
        }),
        { desired: 0, ready: 0, updated: 0, available: 0 },
      ),
    }),
    ...(rollout && { rollout }),
    conditions,
    pods: observedPods(o.pods),
    events,
    objects,
  };
}
