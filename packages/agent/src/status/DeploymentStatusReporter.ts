import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
} from '@kubernetes/client-node';
import {
  DEPLOYMENT_LABEL,
  describeZodIssues,
  DeploymentObservation,
  DeploymentStatusReport,
  EventObservation,
  isReplicaSetOf,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  MpiJobObservation,
  ObjectRefObservation,
  ObservedDeployment,
  observedDeploymentSchema,
  observeDeployment,
  observeEvent,
  observeMpiJob,
  observeObjectRef,
  observePod,
  PodObservation,
  summariseDeployment,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import type { AgentLogger } from '../AgentConnection';
import {
  ListPage,
  makeSlimInformer,
  SlimObject,
  slimObject,
} from '../inventory/slimInformer';
import { RetryingInformer, RetryPolicy } from './RetryingInformer';
import { splitStatusReport } from './splitStatusReport';

export interface DeploymentStatusReporterOptions {
  /** Changes within this window are merged into one delta (default 500 ms). */
  coalesceMs?: number;
  /** Objects per list page (default 500). */
  pageSize?: number;
  /** Backoff after a failed list or watch (default 1 s doubling to 30 s). */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** How often a kind the cluster does not serve, e.g. MPIJobs without the MPI operator, is looked for again (default 60 s). */
  absentRetryMs?: number;
  /** Largest report JSON per Report frame; bigger reports go out in pieces (default 512 KiB). */
  maxReportBytes?: number;
  logger?: AgentLogger;
}

/** Whether a report reached the control plane; false makes the next one a snapshot. */
export type StatusReportSink = (
  report: DeploymentStatusReport,
) => boolean | void;

type Labelled = { deployment: string };
type Apis = { core: CoreV1Api; apps: AppsV1Api; custom: CustomObjectsApi };
type Page = { limit: number; _continue?: string; labelSelector?: string };

/** What is watched in each managed namespace. */
interface NamespacedKind<T> {
  path: string;
  list(apis: Apis, namespace: string, page: Page): Promise<ListPage<any>>;
  slim(obj: any): T;
  /** Only objects carrying the deployment label (events carry none). */
  labelled: boolean;
  /** A CRD that may not be installed, or a kind the agent may not read. */
  optional?: boolean;
}

const ref =
  (apiVersion: string, kind: string) =>
  (obj: KubernetesObject): ObjectRefObservation =>
    observeObjectRef(obj, { apiVersion, kind });

const customList =
  (group: string, version: string, plural: string) =>
  (apis: Apis, namespace: string, page: Page) =>
    apis.custom.listNamespacedCustomObject({
      group,
      version,
      namespace,
      plural,
      ...page,
    }) as Promise<ListPage<any>>;

// The agent's chart lets it read these in managed namespaces only, so each
// namespace gets its own watches; pods and namespaces are watched cluster-wide.
const KINDS = {
  deployments: {
    path: '/apis/apps/v1/namespaces/{ns}/deployments',
    list: (apis, namespace, page) =>
      apis.apps.listNamespacedDeployment({ namespace, ...page }),
    slim: observeDeployment,
    labelled: true,
  } as NamespacedKind<DeploymentObservation>,
  mpiJobs: {
    path: '/apis/kubeflow.org/v2beta1/namespaces/{ns}/mpijobs',
    list: customList('kubeflow.org', 'v2beta1', 'mpijobs'),
    slim: observeMpiJob,
    labelled: true,
    optional: true,
  } as NamespacedKind<MpiJobObservation>,
  services: {
    path: '/api/v1/namespaces/{ns}/services',
    list: (apis, namespace, page) =>
      apis.core.listNamespacedService({ namespace, ...page }),
    slim: ref('v1', 'Service'),
    labelled: true,
  } as NamespacedKind<ObjectRefObservation>,
  claims: {
    path: '/api/v1/namespaces/{ns}/persistentvolumeclaims',
    list: (apis, namespace, page) =>
      apis.core.listNamespacedPersistentVolumeClaim({ namespace, ...page }),
    slim: ref('v1', 'PersistentVolumeClaim'),
    labelled: true,
  } as NamespacedKind<ObjectRefObservation>,
  scaledObjects: {
    path: '/apis/keda.sh/v1alpha1/namespaces/{ns}/scaledobjects',
    list: customList('keda.sh', 'v1alpha1', 'scaledobjects'),
    slim: ref('keda.sh/v1alpha1', 'ScaledObject'),
    labelled: true,
    optional: true,
  } as NamespacedKind<ObjectRefObservation>,
  // Events carry no labels: all of the namespace's are watched, slimmed to
  // nothing unless about a pod, Deployment, ReplicaSet or MPIJob.
  events: {
    path: '/api/v1/namespaces/{ns}/events',
    list: (apis, namespace, page) =>
      apis.core.listNamespacedEvent({
        namespace,
        limit: page.limit,
        _continue: page._continue,
      }),
    slim: obj => observeEvent(obj) ?? null,
    labelled: false,
  } as NamespacedKind<EventObservation | null>,
} as const;

type KindName = keyof typeof KINDS;
type KindValue<K extends KindName> = (typeof KINDS)[K] extends NamespacedKind<
  infer T
>
  ? T
  : never;
type NamespaceInformers = {
  [K in KindName]: RetryingInformer<KindValue<K>>;
};

const REF_KINDS = ['services', 'claims', 'scaledObjects'] as const;

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;
const namespaceOf = (key: string) => key.slice(0, key.indexOf('/'));

/** The report's form without its time, to tell a real change. */
const comparable = (d: ObservedDeployment) =>
  JSON.stringify({ ...d, observedAt: undefined });

/**
 * Watches the deployments GPU Fleet rendered (every object labelled
 * `gpu-fleet.io/deployment`) in namespaces labelled managed-by gpu-fleet,
 * and reports each one's status: a snapshot first (and after
 * `resnapshot()`), then deltas naming only deployments whose report changed,
 * merged over a short window.
 */
export class DeploymentStatusReporter {
  private readonly apis: Apis;
  private readonly retry: RetryPolicy;
  private readonly namespaces: RetryingInformer<null>;
  private readonly pods: RetryingInformer<PodObservation>;
  private readonly watched = new Map<string, NamespaceInformers>();
  /** The deployment each watched object counted for, so a relabelled or deleted one updates the old. */
  private readonly keyById = new Map<string, string>();
  /** The last reported form of each deployment. */
  private readonly reported = new Map<string, string>();
  private readonly dirty = new Set<string>();
  private flushTimer?: NodeJS.Timeout;
  private snapshotDue = true;
  private stopped = true;

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly onReport: StatusReportSink,
    private readonly options: DeploymentStatusReporterOptions = {},
  ) {
    this.apis = {
      core: kubeConfig.makeApiClient(CoreV1Api),
      apps: kubeConfig.makeApiClient(AppsV1Api),
      custom: kubeConfig.makeApiClient(CustomObjectsApi),
    };
    this.retry = {
      initialMs: options.retryInitialMs ?? 1000,
      maxMs: options.retryMaxMs ?? 30_000,
      absentMs: options.absentRetryMs ?? 60_000,
    };
    const pageSize = options.pageSize ?? 500;
    const namespaceSelector = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
    this.namespaces = new RetryingInformer<null>({
      what: 'managed namespaces',
      create: () =>
        makeSlimInformer({
          kubeConfig,
          path: '/api/v1/namespaces',
          pageSize,
          labelSelector: namespaceSelector,
          listPage: page => this.apis.core.listNamespace(page),
          slim: ns => slimObject(ns, null),
        }),
      onChange: (ns, deleted) =>
        deleted
          ? this.unwatchNamespace(ns.metadata.name)
          : this.watchNamespace(ns.metadata.name),
      onSettled: () => this.settled(),
      retry: this.retry,
      logger: options.logger,
    });
    this.pods = new RetryingInformer<PodObservation>({
      what: 'deployment pods',
      create: () =>
        makeSlimInformer({
          kubeConfig,
          path: '/api/v1/pods',
          pageSize,
          labelSelector: DEPLOYMENT_LABEL,
          listPage: page => this.apis.core.listPodForAllNamespaces(page),
          slim: pod => slimObject(pod, observePod(pod)),
        }),
      onChange: (pod, deleted) =>
        this.changed('Pod', pod, deleted, pod.value.deployment),
      onSettled: () => this.settled(),
      retry: this.retry,
      logger: options.logger,
    });
  }

  /** Lists and starts watching; resolves once the first lists are in (or being retried). */
  async start(): Promise<void> {
    this.stopped = false;
    await Promise.all([this.namespaces.start(), this.pods.start()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const informers: Array<{ stop(): Promise<void> }> = [
      this.namespaces,
      this.pods,
    ];
    for (const watched of this.watched.values()) {
      informers.push(...Object.values(watched));
    }
    await Promise.all(informers.map(i => i.stop()));
  }

  /** The next report is a full snapshot (after a reconnect: the control plane starts afresh). */
  resnapshot(): void {
    this.snapshotDue = true;
    this.scheduleFlush(0);
  }

  private watchNamespace(namespace: string) {
    if (this.watched.has(namespace) || this.stopped) return;
    const pageSize = this.options.pageSize ?? 500;
    const informers = {} as Record<KindName, RetryingInformer<any>>;
    for (const [name, kind] of Object.entries(KINDS) as Array<
      [KindName, NamespacedKind<any>]
    >) {
      const path = kind.path.replace('{ns}', namespace);
      informers[name] = new RetryingInformer<any>({
        what: `${path.split('/').pop()} in ${namespace}`,
        optional: kind.optional,
        create: () =>
          makeSlimInformer({
            kubeConfig: this.kubeConfig,
            path,
            pageSize,
            labelSelector: kind.labelled ? DEPLOYMENT_LABEL : undefined,
            listPage: page => kind.list(this.apis, namespace, page),
            slim: obj => slimObject(obj, kind.slim(obj)),
          }),
        onChange: (obj, deleted) =>
          name === 'events'
            ? this.eventChanged(namespace, obj, deleted)
            : this.changed(name, obj, deleted, obj.value.deployment),
        onSettled: () => this.settled(),
        retry: this.retry,
        logger: this.options.logger,
      });
    }
    this.watched.set(namespace, informers as NamespaceInformers);
    // Its pods were seen already, cluster-wide; now they count.
    for (const pod of this.pods.list(namespace)) {
      if (pod.value.deployment) {
        this.markDirty(keyOf(namespace, pod.value.deployment));
      }
    }
    for (const informer of Object.values(informers)) {
      informer
        .start()
        .catch(error =>
          this.options.logger?.warn(
            `status: watching ${namespace} failed: ${(error as Error).message}`,
          ),
        );
    }
  }

  /** A namespace no longer managed: its deployments are gone from the report. */
  private unwatchNamespace(namespace: string) {
    const informers = this.watched.get(namespace);
    this.watched.delete(namespace);
    for (const informer of Object.values(informers ?? {})) {
      informer.stop().catch(() => undefined);
    }
    for (const [id, key] of this.keyById) {
      if (namespaceOf(key) !== namespace) continue;
      this.markDirty(key);
      // Pods stay watched cluster-wide; the rest is listed afresh if it comes back.
      if (!id.startsWith('Pod|')) this.keyById.delete(id);
    }
    for (const key of this.reported.keys()) {
      if (namespaceOf(key) === namespace) this.markDirty(key);
    }
  }

  private changed(
    kind: string,
    obj: SlimObject<unknown>,
    deleted: boolean,
    deployment: string,
  ) {
    const namespace = obj.metadata.namespace ?? '';
    const id = `${kind}|${namespace}|${obj.metadata.name}`;
    const before = this.keyById.get(id);
    // An empty label value matches the selector and names nothing.
    const after =
      deleted || !deployment ? undefined : keyOf(namespace, deployment);
    if (after) this.keyById.set(id, after);
    else this.keyById.delete(id);
    if (before) this.markDirty(before);
    if (after && after !== before) this.markDirty(after);
  }

  private eventChanged(
    namespace: string,
    obj: SlimObject<EventObservation | null>,
    deleted: boolean,
  ) {
    if (!obj.value) return;
    this.changed(
      'Event',
      obj,
      deleted,
      this.eventDeployment(namespace, obj.value) ?? '',
    );
  }

  /** The deployment an event is about, as far as it is known yet; its pod may come later. */
  private eventDeployment(
    namespace: string,
    event: EventObservation,
  ): string | undefined {
    const { kind, name } = event.involvedObject;
    const watched = this.watched.get(namespace);
    switch (kind) {
      case 'Pod':
        return this.pods.get(name, namespace)?.value.deployment;
      case 'Deployment':
        return watched?.deployments.get(name, namespace)?.value.deployment;
      case 'MPIJob':
        return watched?.mpiJobs.get(name, namespace)?.value.deployment;
      case 'ReplicaSet':
        return (
          watched?.deployments
            .list(namespace)
            .find(d => isReplicaSetOf(name, d.metadata.name))?.value
            .deployment ??
          this.pods.list(namespace).find(p => p.value.owner?.name === name)
            ?.value.deployment
        );
      default:
        return undefined;
    }
  }

  private settled() {
    this.scheduleFlush(this.snapshotDue ? 0 : this.options.coalesceMs ?? 500);
  }

  private markDirty(key: string) {
    this.dirty.add(key);
    this.scheduleFlush(this.options.coalesceMs ?? 500);
  }

  private scheduleFlush(delayMs: number) {
    if (this.stopped) return;
    if (this.flushTimer && delayMs > 0) return;
    clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, delayMs);
  }

  /** Every deployment with an object in the namespace. */
  private keysIn(namespace: string, watched: NamespaceInformers): string[] {
    const names = new Set<string>();
    const collect = (items: readonly SlimObject<Labelled>[]) => {
      for (const item of items) {
        if (item.value.deployment) names.add(item.value.deployment);
      }
    };
    collect(this.pods.list(namespace));
    collect(watched.deployments.list(namespace));
    collect(watched.mpiJobs.list(namespace));
    for (const kind of REF_KINDS) collect(watched[kind].list(namespace));
    return [...names].map(name => keyOf(namespace, name));
  }

  private observe(
    key: string,
    watched: NamespaceInformers,
    observedAt: string,
    eventsByNamespace: Map<string, EventObservation[]>,
  ): ObservedDeployment | undefined {
    const namespace = namespaceOf(key);
    const name = key.slice(namespace.length + 1);
    const mine = <T extends Labelled>(items: readonly SlimObject<T>[]) =>
      items.filter(i => i.value.deployment === name).map(i => i.value);
    const deployments = mine(watched.deployments.list(namespace));
    const mpiJobs = mine(watched.mpiJobs.list(namespace));
    const pods = mine(this.pods.list(namespace));
    const refs = REF_KINDS.flatMap(kind => mine(watched[kind].list(namespace)));
    if (
      !deployments.length &&
      !mpiJobs.length &&
      !pods.length &&
      !refs.length
    ) {
      return undefined;
    }
    let events = eventsByNamespace.get(namespace);
    if (!events) {
      events = watched.events
        .list(namespace)
        .flatMap(e => (e.value ? [e.value] : []));
      eventsByNamespace.set(namespace, events);
    }
    const observed = summariseDeployment({
      namespace,
      name,
      observedAt,
      deployments,
      mpiJobs,
      pods,
      events,
      objects: [
        ...deployments.map(d => ({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: d.name,
          deployment: name,
        })),
        ...mpiJobs.map(j => ({
          apiVersion: 'kubeflow.org/v2beta1',
          kind: 'MPIJob',
          name: j.name,
          deployment: name,
        })),
        ...refs,
      ],
    });
    // A report the control plane refuses would end the session: keep it here.
    const checked = observedDeploymentSchema.safeParse(observed);
    if (!checked.success) {
      this.options.logger?.warn(
        `status: ${key} not reported: ${describeZodIssues(checked.error)[0]}`,
      );
      return undefined;
    }
    return observed;
  }

  private flush() {
    if (this.stopped || !this.namespaces.synced || !this.pods.synced) return;
    const watched = [...this.watched.values()];
    const ready = (w: NamespaceInformers) =>
      Object.values(w).every(i => i.synced);
    const snapshot = this.snapshotDue;
    // A snapshot waits until every namespace has been tried once.
    if (
      snapshot &&
      !watched.every(w => Object.values(w).every(i => i.settled))
    ) {
      return;
    }
    const keys = new Set(this.dirty);
    if (snapshot) {
      this.snapshotDue = false;
      this.reported.clear();
      for (const [namespace, w] of this.watched) {
        if (ready(w))
          for (const key of this.keysIn(namespace, w)) keys.add(key);
      }
    }
    const observedAt = new Date().toISOString();
    const events = new Map<string, EventObservation[]>();
    const deployments: ObservedDeployment[] = [];
    const removed: DeploymentStatusReport['removed'] = [];
    for (const key of [...keys].sort()) {
      const namespace = namespaceOf(key);
      const w = this.watched.get(namespace);
      // Until all of a namespace's objects are known, its deployments wait.
      if (w && !ready(w)) continue;
      this.dirty.delete(key);
      const observed = w && this.observe(key, w, observedAt, events);
      if (!observed) {
        if (this.reported.delete(key)) {
          removed.push({ namespace, name: key.slice(namespace.length + 1) });
        }
        continue;
      }
      const form = comparable(observed);
      if (this.reported.get(key) === form) continue;
      this.reported.set(key, form);
      deployments.push(observed);
    }
    if (snapshot || deployments.length || removed.length) {
      this.send({ snapshot, deployments, removed });
    }
  }

  private send(report: DeploymentStatusReport) {
    const pieces = splitStatusReport(
      report,
      this.options.maxReportBytes ?? 512 * 1024,
    );
    for (const piece of pieces) {
      let delivered: boolean | void;
      try {
        delivered = this.onReport(piece);
      } catch (error) {
        this.options.logger?.warn(
          `status: report handler failed: ${(error as Error).message}`,
        );
        delivered = false;
      }
      if (delivered === false) {
        // What the control plane holds is unknown now: start over.
        this.snapshotDue = true;
        return;
      }
    }
  }
}
