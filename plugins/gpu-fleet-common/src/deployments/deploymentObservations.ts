import {
  DEPLOYMENT_STATUS_LIMITS,
  ObservedCondition,
  ObservedObjectRef,
  ObservedPod,
} from './deploymentStatus';
import { DEPLOYMENT_LABEL } from './renderContext';

/** The MPI operator's own role label, for pods not rendered by GPU Fleet. */
export const MPI_OPERATOR_ROLE_LABEL = 'training.kubeflow.org/job-role';

/**
 * Container states that do not clear without a change: the pod will not
 * become ready by waiting.
 */
export const FAILING_CONTAINER_REASONS = [
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
] as const;

// Only the fields read here; client-node's typed lists carry Date objects
// where JSON has timestamps, so times are read as either.
type Time = string | Date;
interface Meta {
  name?: string;
  labels?: Record<string, string>;
  generation?: number;
  deletionTimestamp?: Time;
  creationTimestamp?: Time;
  ownerReferences?: Array<{
    kind?: string;
    name?: string;
    controller?: boolean;
  }>;
}
interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: Time;
}
interface ContainerState {
  waiting?: { reason?: string; message?: string };
  terminated?: { reason?: string; message?: string; exitCode?: number };
}
interface ContainerStatus {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}
export interface PodLike {
  metadata?: Meta;
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}
export interface DeploymentLike {
  metadata?: Meta;
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    conditions?: Condition[];
  };
}
export interface MpiJobLike {
  metadata?: Meta;
  spec?: {
    mpiReplicaSpecs?: Record<string, { replicas?: number } | undefined>;
  };
  status?: { conditions?: Condition[] };
}
export interface EventLike {
  metadata?: Meta;
  involvedObject?: { kind?: string; name?: string };
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: Time;
  eventTime?: Time;
  firstTimestamp?: Time;
  series?: { count?: number; lastObservedTime?: Time };
}
export interface TopLevelObjectLike {
  apiVersion?: string;
  kind?: string;
  metadata?: Meta;
}

/** A pod as a deployment's status needs it: a few hundred bytes, however large the pod. */
export interface PodObservation extends ObservedPod {
  /** Its `gpu-fleet.io/deployment` label. */
  deployment: string;
  /** The controller that made it, e.g. its ReplicaSet. */
  owner?: { kind: string; name: string };
  /** The scheduler found no node for it. */
  unschedulable: boolean;
  /** A container is stuck in one of FAILING_CONTAINER_REASONS. */
  failing: boolean;
}

/** An apps/v1 Deployment's replica counts and conditions. */
export interface DeploymentObservation {
  name: string;
  deployment: string;
  generation: number;
  observedGeneration: number;
  desired: number;
  /** Pods of every revision. */
  total: number;
  ready: number;
  updated: number;
  available: number;
  conditions: ObservedCondition[];
}

export interface MpiJobObservation {
  name: string;
  deployment: string;
  launchers: number;
  workers: number;
  conditions: ObservedCondition[];
}

/** The kinds whose events belong to a deployment. */
export const DEPLOYMENT_EVENT_KINDS = [
  'Pod',
  'Deployment',
  'ReplicaSet',
  'MPIJob',
] as const;

export interface EventObservation {
  involvedObject: { kind: string; name: string };
  type: string;
  reason: string;
  message: string;
  count: number;
  lastTimestamp?: string;
}

export interface ObjectRefObservation extends ObservedObjectRef {
  deployment: string;
}

/** Cuts text to a bound, marking the cut. */
export function clipText(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

/** An ISO time from a JSON string or a Date; undefined for anything unreadable. */
export function isoTime(value: Time | undefined | null): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function optional<K extends string, V>(key: K, value: V | undefined) {
  return (value === undefined || value === '' ? {} : { [key]: value }) as {
    [P in K]?: V;
  };
}

export function observeConditions(
  conditions: Condition[] | undefined,
): ObservedCondition[] {
  return (conditions ?? [])
    .slice(0, DEPLOYMENT_STATUS_LIMITS.conditions)
    .map(c => ({
      type: clipText(String(c.type ?? ''), 128) || 'Unknown',
      status: clipText(String(c.status ?? 'Unknown'), 16),
      ...optional(
        'reason',
        c.reason && clipText(c.reason, DEPLOYMENT_STATUS_LIMITS.reasonChars),
      ),
      ...optional(
        'message',
        c.message && clipText(c.message, DEPLOYMENT_STATUS_LIMITS.messageChars),
      ),
      ...optional('lastTransitionTime', isoTime(c.lastTransitionTime)),
    }));
}

export function deploymentLabelOf(obj: { metadata?: Meta }): string {
  return obj.metadata?.labels?.[DEPLOYMENT_LABEL] ?? '';
}

// What a person asks first about a pod that is not ready.
function podProblem(pod: PodLike): {
  reason?: string;
  message?: string;
  failing: boolean;
  unschedulable: boolean;
} {
  const status = pod.status ?? {};
  const containers = [
    ...(status.initContainerStatuses ?? []),
    ...(status.containerStatuses ?? []),
  ];
  const failing = containers.find(c =>
    (FAILING_CONTAINER_REASONS as readonly string[]).includes(
      c.state?.waiting?.reason ?? '',
    ),
  );
  if (failing) {
    const last = failing.lastState?.terminated;
    const lastExit = last
      ? `last exit: ${last.reason ?? 'terminated'}${
          last.exitCode !== undefined ? ` (${last.exitCode})` : ''
        }`
      : undefined;
    return {
      reason: failing.state!.waiting!.reason,
      message: [failing.state!.waiting!.message, lastExit]
        .filter(Boolean)
        .join('; '),
      failing: true,
      unschedulable: false,
    };
  }
  const scheduled = status.conditions?.find(c => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') {
    return {
      reason: scheduled.reason ?? 'Unschedulable',
      message: scheduled.message,
      failing: false,
      unschedulable: scheduled.reason === 'Unschedulable',
    };
  }
  if (pod.metadata?.deletionTimestamp) {
    return { reason: 'Terminating', failing: false, unschedulable: false };
  }
  const waiting = containers.find(c => c.state?.waiting?.reason);
  if (waiting) {
    return {
      reason: waiting.state!.waiting!.reason,
      message: waiting.state!.waiting!.message,
      failing: false,
      unschedulable: false,
    };
  }
  const terminated = containers.find(
    c => c.state?.terminated && c.state.terminated.exitCode !== 0,
  );
  if (terminated) {
    const t = terminated.state!.terminated!;
    return {
      reason: t.reason ?? 'Error',
      message:
        t.message ??
        (t.exitCode !== undefined ? `exit code ${t.exitCode}` : undefined),
      failing: false,
      unschedulable: false,
    };
  }
  if (status.reason || status.message) {
    return {
      reason: status.reason,
      message: status.message,
      failing: false,
      unschedulable: false,
    };
  }
  const ready = status.conditions?.find(c => c.type === 'Ready');
  if (ready?.status === 'False' && status.phase === 'Running') {
    return {
      reason: ready.reason,
      message: ready.message,
      failing: false,
      unschedulable: false,
    };
  }
  return { failing: false, unschedulable: false };
}

export function observePod(pod: PodLike): PodObservation {
  const status = pod.status ?? {};
  const labels = pod.metadata?.labels ?? {};
  const containers = [
    ...(status.initContainerStatuses ?? []),
    ...(status.containerStatuses ?? []),
  ];
  const problem = podProblem(pod);
  const owner = pod.metadata?.ownerReferences?.find(o => o.controller);
  const role =
    labels['gpu-fleet.io/mpi-role'] ?? labels[MPI_OPERATOR_ROLE_LABEL];
  return {
    name: pod.metadata?.name ?? '',
    phase: clipText(status.phase ?? 'Unknown', 32),
    ready:
      status.conditions?.some(c => c.type === 'Ready' && c.status === 'True') ??
      false,
    restarts: containers.reduce((sum, c) => sum + (c.restartCount ?? 0), 0),
    ...optional('node', pod.spec?.nodeName),
    ...optional('role', role && clipText(role, 63)),
    ...optional(
      'reason',
      problem.reason &&
        clipText(problem.reason, DEPLOYMENT_STATUS_LIMITS.reasonChars),
    ),
    ...optional(
      'message',
      problem.message &&
        clipText(problem.message, DEPLOYMENT_STATUS_LIMITS.podMessageChars),
    ),
    deployment: deploymentLabelOf(pod),
    ...(owner?.kind && owner.name
      ? { owner: { kind: owner.kind, name: owner.name } }
      : {}),
    unschedulable: problem.unschedulable,
    failing: problem.failing,
  };
}

export function observeDeployment(
  deployment: DeploymentLike,
): DeploymentObservation {
  const status = deployment.status ?? {};
  return {
    name: deployment.metadata?.name ?? '',
    deployment: deploymentLabelOf(deployment),
    generation: deployment.metadata?.generation ?? 0,
    observedGeneration: status.observedGeneration ?? 0,
    desired: deployment.spec?.replicas ?? 1,
    total: status.replicas ?? 0,
    ready: status.readyReplicas ?? 0,
    updated: status.updatedReplicas ?? 0,
    available: status.availableReplicas ?? 0,
    conditions: observeConditions(status.conditions),
  };
}

export function observeMpiJob(job: MpiJobLike): MpiJobObservation {
  const specs = job.spec?.mpiReplicaSpecs ?? {};
  return {
    name: job.metadata?.name ?? '',
    deployment: deploymentLabelOf(job),
    launchers: specs.Launcher ? specs.Launcher.replicas ?? 1 : 0,
    workers: specs.Worker?.replicas ?? 0,
    conditions: observeConditions(job.status?.conditions),
  };
}

/** An event about a Pod, Deployment, ReplicaSet or MPIJob; undefined for any other. */
export function observeEvent(event: EventLike): EventObservation | undefined {
  const kind = event.involvedObject?.kind ?? '';
  const name = event.involvedObject?.name ?? '';
  if (!name || !(DEPLOYMENT_EVENT_KINDS as readonly string[]).includes(kind)) {
    return undefined;
  }
  const limits = DEPLOYMENT_STATUS_LIMITS;
  return {
    involvedObject: { kind, name },
    type: clipText(event.type ?? 'Normal', 32),
    reason: clipText(event.reason ?? '', limits.reasonChars),
    message: clipText(event.message ?? '', limits.messageChars),
    count: Math.max(event.count ?? event.series?.count ?? 1, 0),
    ...optional(
      'lastTimestamp',
      isoTime(
        event.lastTimestamp ??
          event.series?.lastObservedTime ??
          event.eventTime ??
          event.firstTimestamp ??
          event.metadata?.creationTimestamp,
      ),
    ),
  };
}

/** Any labelled top-level object (a Service, a PVC, a ScaledObject), as the kind it was listed as. */
export function observeObjectRef(
  obj: TopLevelObjectLike,
  type: { apiVersion: string; kind: string },
): ObjectRefObservation {
  // Items of a list carry no apiVersion and kind; watch events do.
  return {
    apiVersion: type.apiVersion,
    kind: type.kind,
    name: obj.metadata?.name ?? '',
    deployment: deploymentLabelOf(obj),
  };
}

/** Whether a ReplicaSet's name is a Deployment's name and a pod-template hash. */
export function isReplicaSetOf(
  replicaSet: string,
  deployment: string,
): boolean {
  return (
    replicaSet.startsWith(`${deployment}-`) &&
    /^[a-z0-9]+$/.test(replicaSet.slice(deployment.length + 1))
  );
}
