/**
 * Runs argoproj.io/v1alpha1 Applications in `argocd` the way Argo CD's
 * application controller runs an automated sync of a directory source:
 * fetch the revision, server-side apply its manifests into the destination
 * namespace, track and prune what it applied, report sync and health, and
 * delete everything it applied when the resources finalizer is honoured.
 */

import { ClusterState } from '../ClusterState';
import {
  asObject,
  deepClone,
  deepEqual,
  isPlainObject,
  JsonObject,
  KubeObject,
} from '../kubeObject';
import { StoreEvent } from '../ObjectStore';
import { ResourceType, storageKey } from '../resourceTypes';
import { Health, resourceHealth, worstHealth } from './argoHealth';
import { ArgoRepoServer, isCommitSha, RenderedSource } from './ArgoRepoServer';
import { EventRecorder } from './events';
import { nowTimestamp } from './timestamps';
import { WorkQueue } from './WorkQueue';

const APPLICATIONS = 'argoproj.io/applications';
/** Argo CD reconciles the Applications in its own namespace only. */
const ARGO_CD_NAMESPACE = 'argocd';
const MANAGER = 'argocd-controller';
const SOURCE = { component: 'argocd-application-controller' };
const TRACKING_ID = 'argocd.argoproj.io/tracking-id';
const REFRESH = 'argocd.argoproj.io/refresh';
const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
const IN_CLUSTER = 'https://kubernetes.default.svc';

/** @public */
export interface ArgoCdOptions {
  /** First wait before a failed fetch or sync is tried again (Argo CD's retry backoff: 5 s). */
  retryInitialMs?: number;
  /** Longest wait between tries; the wait doubles up to it (3 min). */
  retryMaxMs?: number;
  /** How often a branch, tag or HEAD is resolved again (Argo CD's reconciliation timeout: 180 s). */
  pollIntervalMs?: number;
  /** Least time between self-heal syncs of the same revision (Argo CD's self-heal timeout: 5 s). */
  selfHealTimeoutMs?: number;
}

interface AppSpec {
  repoUrl: string;
  targetRevision: string;
  path: string;
  namespace: string;
  automated: boolean;
  prune: boolean;
  selfHeal: boolean;
  /** spec.source and spec.destination as written, for status.sync.comparedTo. */
  comparedTo: JsonObject;
}

/** An object the tracking annotation ties to an Application. */
interface TrackedRef {
  app: string;
  resource: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** The fetched manifests of one Application's source, or why they could not be fetched. */
interface SourceState {
  key: string;
  fetching: boolean;
  rendered?: RenderedSource & { at: number };
  error?: string;
  attempts: number;
  retryAt: number;
}

/** The last sync of an Application: of which revision, whether it worked, when to try again. */
interface LastSync {
  key: string;
  ok: boolean;
  at: number;
  attempts: number;
  retryAt: number;
}

/** A manifest compared with the cluster. */
interface Compared {
  ref: JsonObject;
  type?: ResourceType;
  namespace?: string;
  object?: KubeObject;
  live?: KubeObject;
  /** Missing, or applying it would change the live object. */
  drift: boolean;
  error?: string;
}

const groupOf = (apiVersion: string) =>
  apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
const versionOf = (apiVersion: string) => apiVersion.split('/').pop()!;
const indexKey = (
  resource: string,
  namespace: string | undefined,
  name: string,
) => `${resource}|${namespace ?? ''}|${name}`;
const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

/** Argo CD's annotation tracking id: `<app>:<group>/<kind>:<namespace>/<name>`. */
function trackingId(app: string, obj: KubeObject): string {
  return `${app}:${groupOf(obj.apiVersion)}/${obj.kind}:${
    obj.metadata.namespace ?? ''
  }/${obj.metadata.name}`;
}

/** The Application tracking the object; an id copied onto another object (by a controller) counts for none. */
function trackingApp(obj: KubeObject | undefined): string | undefined {
  const id = obj?.metadata.annotations?.[TRACKING_ID];
  if (!obj || typeof id !== 'string') return undefined;
  const app = id.slice(0, id.indexOf(':'));
  return app && id === trackingId(app, obj) ? app : undefined;
}

/** The Application's spec as far as the simulator models it, or why it cannot be run. */
function readSpec(app: KubeObject): AppSpec | string {
  const spec = asObject(app.spec);
  if (spec.sources !== undefined) {
    return 'spec.sources: multi-source Applications are not modelled; use spec.source';
  }
  const source = asObject(spec.source);
  const destination = asObject(spec.destination);
  if (typeof source.repoURL !== 'string' || !source.repoURL) {
    return 'spec.source.repoURL is required';
  }
  if (source.chart !== undefined || typeof source.path !== 'string') {
    return 'spec.source.path is required: only directory sources are modelled';
  }
  const server = destination.server ?? IN_CLUSTER;
  if (server !== IN_CLUSTER && destination.name !== 'in-cluster') {
    return `spec.destination: cluster '${String(
      destination.server ?? destination.name,
    )}' has not been configured; only the in-cluster destination (${IN_CLUSTER}) is`;
  }
  const automated = asObject(spec.syncPolicy).automated;
  return {
    repoUrl: source.repoURL,
    targetRevision:
      typeof source.targetRevision === 'string' && source.targetRevision
        ? source.targetRevision
        : 'HEAD',
    path: source.path,
    namespace:
      typeof destination.namespace === 'string' ? destination.namespace : '',
    automated: isPlainObject(automated),
    prune: asObject(automated).prune === true,
    selfHeal: asObject(automated).selfHeal === true,
    comparedTo: { source: spec.source, destination: spec.destination },
  };
}

export class ArgoApplicationController {
  readonly #queue = new WorkQueue(name => this.#reconcile(name));
  readonly #repo = new ArgoRepoServer();
  /** Tracked objects by resource, namespace and name, as Argo CD's cluster cache holds them. */
  readonly #tracked = new Map<string, TrackedRef>();
  readonly #sources = new Map<string, SourceState>();
  readonly #syncs = new Map<string, LastSync>();
  readonly #options: Required<ArgoCdOptions>;

  constructor(
    private readonly state: ClusterState,
    private readonly events: EventRecorder,
    options: ArgoCdOptions = {},
  ) {
    this.#options = {
      retryInitialMs: options.retryInitialMs ?? 5_000,
      retryMaxMs: options.retryMaxMs ?? 180_000,
      pollIntervalMs: options.pollIntervalMs ?? 180_000,
      selfHealTimeoutMs: options.selfHealTimeoutMs ?? 5_000,
    };
  }

  onEvent(event: StoreEvent): void {
    const { object } = event;
    if (event.resource === APPLICATIONS) {
      if (object.metadata.namespace === ARGO_CD_NAMESPACE) {
        this.#queue.add(object.metadata.name!);
      }
      return;
    }
    const before = trackingApp(event.previous);
    const after = event.type === 'DELETED' ? undefined : trackingApp(object);
    if (!before && !after) return;
    this.#index(event.resource, object, after);
    for (const app of new Set([before, after])) {
      if (app) this.#queue.add(app);
    }
  }

  resync(): void {
    const resources = new Set(this.state.registry.all().map(storageKey));
    resources.delete(APPLICATIONS);
    for (const resource of resources) {
      for (const obj of this.state.store.list(resource)) {
        const app = trackingApp(obj);
        if (app) this.#index(resource, obj, app);
      }
    }
    for (const app of this.state.store.list(APPLICATIONS, ARGO_CD_NAMESPACE)) {
      this.#queue.add(app.metadata.name!);
    }
  }

  stop(): void {
    this.#queue.stop();
    this.#repo.close();
  }

  #index(resource: string, obj: KubeObject, app: string | undefined) {
    const { namespace, name } = obj.metadata;
    const key = indexKey(resource, namespace, name!);
    if (!app) {
      this.#tracked.delete(key);
      return;
    }
    this.#tracked.set(key, {
      app,
      resource,
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      ...(namespace ? { namespace } : {}),
      name: name!,
    });
  }

  #trackedBy(app: string): Array<[string, TrackedRef]> {
    return [...this.#tracked].filter(([, ref]) => ref.app === app);
  }

  #reconcile(name: string) {
    const app = this.state.store.get(APPLICATIONS, ARGO_CD_NAMESPACE, name);
    if (!app) {
      this.#sources.delete(name);
      this.#syncs.delete(name);
      return;
    }
    if (app.metadata.deletionTimestamp) {
      this.#finalize(app);
      return;
    }
    if (app.metadata.annotations?.[REFRESH] !== undefined) {
      this.#refresh(app);
      return;
    }
    const spec = readSpec(app);
    if (typeof spec === 'string') {
      this.#reportFailure(app, 'InvalidSpecError', spec, 0, undefined);
      return;
    }
    const source = this.#source(name, spec);
    const now = Date.now();
    if (source.error !== undefined) {
      this.#reportFailure(
        app,
        'ComparisonError',
        `Failed to load target state: ${source.error}`,
        source.attempts - 1,
        spec,
      );
      this.#queue.addAfter(name, Math.max(0, source.retryAt - now));
      return;
    }
    // Nothing to compare with until the first fetch ends; its end wakes us.
    if (!source.rendered) return;
    const wake = [this.#compareAndSync(app, spec, source.rendered)];
    if (!isCommitSha(spec.targetRevision)) {
      wake.push(source.rendered.at + this.#options.pollIntervalMs);
    }
    const next = Math.min(...wake.filter((t): t is number => t !== undefined));
    if (Number.isFinite(next)) {
      this.#queue.addAfter(name, Math.max(0, next - now));
    }
  }

  /** The source's manifests as last fetched; starts a fetch when there are none, or they are due again. */
  #source(name: string, spec: AppSpec): SourceState {
    const key = JSON.stringify([spec.repoUrl, spec.targetRevision, spec.path]);
    let source = this.#sources.get(name);
    if (source?.key !== key) {
      source = { key, fetching: false, attempts: 0, retryAt: 0 };
      this.#sources.set(name, source);
    }
    const now = Date.now();
    const due =
      (!source.rendered && source.error === undefined) ||
      (source.error !== undefined && now >= source.retryAt) ||
      (source.rendered !== undefined &&
        !isCommitSha(spec.targetRevision) &&
        now - source.rendered.at >= this.#options.pollIntervalMs);
    if (due && !source.fetching) this.#fetch(name, source, spec);
    return source;
  }

  #fetch(name: string, source: SourceState, spec: AppSpec) {
    source.fetching = true;
    const current = () => this.#sources.get(name) === source;
    this.#repo.render(spec.repoUrl, spec.targetRevision, spec.path).then(
      rendered => {
        if (!current()) return;
        Object.assign(source, {
          fetching: false,
          rendered: { ...rendered, at: Date.now() },
          error: undefined,
          attempts: 0,
        });
        this.#queue.add(name);
      },
      error => {
        if (!current()) return;
        source.fetching = false;
        source.rendered = undefined;
        source.error = messageOf(error);
        source.attempts += 1;
        source.retryAt = Date.now() + this.#delay(source.attempts);
        this.#queue.add(name);
      },
    );
  }

  #delay(attempts: number): number {
    const { retryInitialMs, retryMaxMs } = this.#options;
    return Math.min(retryInitialMs * 2 ** (attempts - 1), retryMaxMs);
  }

  /** Compares, syncs when automated sync calls for it, and reports; answers when to look again. */
  #compareAndSync(
    app: KubeObject,
    spec: AppSpec,
    rendered: RenderedSource & { at: number },
  ): number | undefined {
    const name = app.metadata.name!;
    let compared = this.#compare(name, spec, rendered.objects);
    let prunable = this.#prunable(name, compared);
    let operationState = asObject(app.status).operationState as
      | JsonObject
      | undefined;
    const now = Date.now();
    let wake: number | undefined;
    const drifted = compared.some(c => c.drift);
    if (spec.automated && (drifted || (spec.prune && prunable.length > 0))) {
      const key = JSON.stringify([
        rendered.revision,
        spec.path,
        spec.namespace,
      ]);
      const last = this.#syncs.get(name);
      const same = last && last.key === key ? last : undefined;
      if (same && !same.ok && now < same.retryAt) {
        wake = same.retryAt;
      } else if (same?.ok && !spec.selfHeal) {
        // Without self-heal, automated sync leaves drift at a synced revision alone.
      } else if (same?.ok && now < same.at + this.#options.selfHealTimeoutMs) {
        wake = same.at + this.#options.selfHealTimeoutMs;
      } else {
        const attempts = same && !same.ok ? same.attempts + 1 : 1;
        operationState = this.#sync(
          app,
          spec,
          rendered.revision,
          compared,
          prunable,
          attempts - 1,
        );
        const ok = operationState.phase === 'Succeeded';
        const retryAt = now + this.#delay(attempts);
        this.#syncs.set(name, {
          key,
          ok,
          at: now,
          attempts: ok ? 0 : attempts,
          retryAt,
        });
        if (!ok) wake = retryAt;
        compared = this.#compare(name, spec, rendered.objects);
        prunable = this.#prunable(name, compared);
      }
    }
    const resources: JsonObject[] = [
      ...compared.map(c => {
        const health: Health | undefined = c.live
          ? resourceHealth(c.live)
          : { status: 'Missing' };
        return {
          ...c.ref,
          status: c.drift ? 'OutOfSync' : 'Synced',
          ...(health ? { health } : {}),
        };
      }),
      ...prunable.map(ref => ({
        ...this.#refOf(ref.apiVersion, ref.kind, ref.namespace, ref.name),
        status: 'OutOfSync',
        requiresPruning: true,
      })),
    ];
    const health = worstHealth(
      compared.map(c =>
        c.live ? resourceHealth(c.live) : { status: 'Missing' as const },
      ),
    );
    this.#writeStatus(app, {
      sync: {
        status: resources.some(r => r.status !== 'Synced')
          ? 'OutOfSync'
          : 'Synced',
        revision: rendered.revision,
        comparedTo: spec.comparedTo,
      },
      health: { status: health.status },
      resources,
      sourceType: 'Directory',
      reconciledAt: new Date(rendered.at).toISOString().replace(/\.\d+Z$/, 'Z'),
      ...(operationState ? { operationState } : {}),
    });
    return wake;
  }

  #refOf(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): JsonObject {
    const group = groupOf(apiVersion);
    return {
      ...(group ? { group } : {}),
      version: versionOf(apiVersion),
      kind,
      ...(namespace ? { namespace } : {}),
      name,
    };
  }

  /** Each manifest as it would be applied, next to what the cluster has. */
  #compare(app: string, spec: AppSpec, objects: KubeObject[]): Compared[] {
    return objects.map(manifest => {
      const { apiVersion, kind } = manifest;
      const name = manifest.metadata.name!;
      const type = this.state.registry.findByKind(apiVersion, kind);
      const namespace =
        type && !type.namespaced
          ? undefined
          : manifest.metadata.namespace || spec.namespace || undefined;
      const ref = this.#refOf(apiVersion, kind, namespace, name);
      if (!type) {
        return {
          ref,
          drift: true,
          error: `The Kubernetes API could not find ${groupOf(
            apiVersion,
          )}/${kind} for requested resource ${
            namespace ?? ''
          }/${name}. Make sure the "${kind}" CRD is installed on the destination cluster.`,
        };
      }
      if (type.namespaced && !namespace) {
        return {
          ref,
          type,
          drift: true,
          error: `${kind}/${name}: namespace is required (set spec.destination.namespace)`,
        };
      }
      const object = deepClone(manifest);
      object.metadata = { ...object.metadata, name };
      if (namespace) object.metadata.namespace = namespace;
      else delete object.metadata.namespace;
      object.metadata.annotations = {
        ...object.metadata.annotations,
        [TRACKING_ID]: trackingId(app, object),
      };
      let live: KubeObject | undefined;
      try {
        live = this.state.get(type, namespace, name);
      } catch {
        return { ref, type, namespace, object, drift: true };
      }
      try {
        // Server-side apply as a dry run: what would change is the diff.
        const result = this.state.apply(type, namespace, name, object, {
          fieldManager: MANAGER,
          force: true,
          dryRun: true,
        });
        return {
          ref,
          type,
          namespace,
          object,
          live,
          drift: !deepEqual(result, live),
        };
      } catch (error) {
        return {
          ref,
          type,
          namespace,
          object,
          live,
          drift: true,
          error: messageOf(error),
        };
      }
    });
  }

  /** What the Application applied before and its manifests no longer hold. */
  #prunable(app: string, compared: Compared[]): TrackedRef[] {
    const wanted = new Set(
      compared
        .filter(c => c.type && c.object)
        .map(c =>
          indexKey(storageKey(c.type!), c.namespace, c.object!.metadata.name!),
        ),
    );
    return this.#trackedBy(app)
      .filter(([key]) => !wanted.has(key))
      .map(([, ref]) => ref);
  }

  /** One sync operation: apply every manifest, then prune; the operation's state for the status. */
  #sync(
    app: KubeObject,
    spec: AppSpec,
    revision: string,
    compared: Compared[],
    prunable: TrackedRef[],
    retryCount: number,
  ): JsonObject {
    const startedAt = nowTimestamp();
    this.events.record(app, SOURCE, {
      type: 'Normal',
      reason: 'OperationStarted',
      message: `Initiated automated sync to '${revision}'`,
    });
    const results: JsonObject[] = [];
    let failure: string | undefined;
    for (const c of compared) {
      const step = { ...c.ref, syncPhase: 'Sync', hookPhase: 'Running' };
      if (!c.type || !c.object) {
        failure ??= c.error;
        results.push({ ...step, status: 'SyncFailed', message: c.error });
        continue;
      }
      try {
        this.state.apply(
          c.type,
          c.namespace,
          c.object.metadata.name!,
          c.object,
          {
            fieldManager: MANAGER,
            force: true,
          },
        );
        const group = c.type.group ? `.${c.type.group}` : '';
        results.push({
          ...step,
          status: 'Synced',
          message: `${c.type.kind.toLowerCase()}${group}/${
            c.object.metadata.name
          } serverside-applied`,
        });
      } catch (error) {
        const message = messageOf(error);
        failure ??= message;
        results.push({ ...step, status: 'SyncFailed', message });
      }
    }
    // Pruning follows a clean apply only, as Argo CD prunes last.
    if (!failure && spec.prune) {
      for (const ref of prunable) {
        const type = this.state.registry.findByKind(ref.apiVersion, ref.kind);
        try {
          if (type) this.state.delete(type, ref.namespace, ref.name);
        } catch {
          // Gone already.
        }
        results.push({
          ...this.#refOf(ref.apiVersion, ref.kind, ref.namespace, ref.name),
          syncPhase: 'Sync',
          status: 'Pruned',
          message: 'pruned',
        });
      }
    }
    const message = failure
      ? `one or more objects failed to apply, reason: ${failure}`
      : 'successfully synced (all tasks run)';
    this.events.record(app, SOURCE, {
      type: failure ? 'Warning' : 'Normal',
      reason: 'OperationCompleted',
      message: failure
        ? `Sync operation to ${revision} failed: ${message}`
        : `Sync operation to ${revision} succeeded`,
    });
    return {
      operation: {
        sync: {
          revision,
          prune: spec.prune,
          ...(asObject(asObject(app.spec).syncPolicy).syncOptions
            ? {
                syncOptions: asObject(asObject(app.spec).syncPolicy)
                  .syncOptions,
              }
            : {}),
        },
        initiatedBy: { automated: true },
      },
      phase: failure ? 'Failed' : 'Succeeded',
      message,
      startedAt,
      finishedAt: nowTimestamp(),
      ...(retryCount > 0 ? { retryCount } : {}),
      syncResult: {
        revision,
        source: asObject(app.spec).source,
        resources: results,
      },
    };
  }

  /** A source that cannot be fetched or read, or a spec that cannot run: Failed, with the message. */
  #reportFailure(
    app: KubeObject,
    type: 'ComparisonError' | 'InvalidSpecError',
    message: string,
    retryCount: number,
    spec: AppSpec | undefined,
  ) {
    const previous = asObject(app.status);
    const before = asObject(previous.operationState);
    // The same failure again keeps its times, so reporting it again writes nothing.
    const same = before.phase === 'Failed' && before.message === message;
    const at = nowTimestamp();
    const startedAt = same ? before.startedAt : at;
    const tracked = this.#trackedBy(app.metadata.name!).map(([, ref]) =>
      this.state.store.get(ref.resource, ref.namespace, ref.name),
    );
    const health = tracked.length
      ? worstHealth(tracked.map(obj => (obj ? resourceHealth(obj) : undefined)))
      : { status: 'Unknown' };
    const written = asObject(app.spec);
    this.#writeStatus(app, {
      ...previous,
      sync: {
        status: 'Unknown',
        comparedTo: spec?.comparedTo ?? {
          source: written.source,
          destination: written.destination,
        },
      },
      health: { status: health.status },
      conditions: [
        {
          type,
          message,
          lastTransitionTime: same ? before.finishedAt : at,
        },
      ],
      operationState: {
        operation: {
          sync: { revision: asObject(written.source).targetRevision ?? 'HEAD' },
          initiatedBy: { automated: true },
        },
        phase: 'Failed',
        message,
        startedAt,
        finishedAt: same ? before.finishedAt : at,
        ...(retryCount > 0 ? { retryCount } : {}),
      },
    });
  }

  /** The resources finalizer: everything the Application tracks goes before the Application does. */
  #finalize(app: KubeObject) {
    const finalizers = app.metadata.finalizers ?? [];
    const ours = (f: string) =>
      f === RESOURCES_FINALIZER || f.startsWith(`${RESOURCES_FINALIZER}/`);
    if (!finalizers.some(ours)) return;
    let remaining = 0;
    for (const [, ref] of this.#trackedBy(app.metadata.name!)) {
      const type = this.state.registry.findByKind(ref.apiVersion, ref.kind);
      const live = this.state.store.get(ref.resource, ref.namespace, ref.name);
      if (!type || !live) continue;
      if (!live.metadata.deletionTimestamp) {
        try {
          this.state.delete(type, ref.namespace, ref.name);
        } catch {
          // Gone already.
        }
      }
      if (this.state.store.has(ref.resource, ref.namespace, ref.name)) {
        remaining += 1;
      }
    }
    // Objects held by finalizers of their own wake us when they go.
    if (remaining > 0) return;
    this.#writeApplication(app, {
      metadata: { finalizers: finalizers.filter(f => !ours(f)) },
    });
  }

  /** A refresh asked for through the annotation: fetch again, and take the annotation away as Argo CD does. */
  #refresh(app: KubeObject) {
    const name = app.metadata.name!;
    this.#sources.delete(name);
    const annotations = { ...app.metadata.annotations };
    delete annotations[REFRESH];
    this.#writeApplication(app, { metadata: { annotations } });
  }

  #writeStatus(app: KubeObject, status: JsonObject) {
    this.#writeApplication(app, { status });
  }

  /** Writes through the main resource, as Argo CD does (the CRD has no status subresource). */
  #writeApplication(
    app: KubeObject,
    change: { status?: JsonObject; metadata?: Partial<KubeObject['metadata']> },
  ) {
    const { namespace, name, uid } = app.metadata;
    const current = this.state.store.get(APPLICATIONS, namespace, name!);
    if (!current || current.metadata.uid !== uid) return;
    const next: KubeObject = {
      ...current,
      metadata: { ...current.metadata, ...change.metadata },
      ...(change.status ? { status: change.status } : {}),
    };
    if (deepEqual(next, current)) return;
    this.state.update(
      this.state.resolve(current.apiVersion, current.kind),
      namespace,
      name!,
      next,
      { fieldManager: MANAGER },
    );
  }
}
