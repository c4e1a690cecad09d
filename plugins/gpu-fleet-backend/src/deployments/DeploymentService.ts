import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  Cluster,
  DeploymentManifest,
  DeploymentPreview,
  DeploymentRecord,
  DeploymentRevision,
  KubeObject,
  renderDeployment,
  RenderError,
  renderWorkspaceObjects,
  RetargetCheck,
  RevisionAction,
  RevisionDiff,
  unmetRequirements,
  UnmetRequirement,
  Workspace,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  IGNORED_CHANGES,
  RegistryChanges,
} from '../events/RegistryEventPublisher';
import { ClusterRegistry } from '../registry/ClusterRegistry';
import { InventoryService } from '../capacity/InventoryService';
import { WorkspaceKube, pathOf } from '../workspaces/workspaceKube';
import { WorkspaceService } from '../workspaces/WorkspaceService';
import { argoApplication } from './argoApplication';
import {
  deploymentPath,
  filesToObjects,
  objectRef,
  objectsToFiles,
  sameRef,
} from './deploymentFiles';
import { DeploymentKey, DeploymentStore, NewRevision } from './DeploymentStore';
import { GitOpsRepository } from './GitOpsRepository';
import { storageClassNames, targetFacts } from './placementFacts';
import { RequirementsError } from './RequirementsError';

export interface DeploymentServiceOptions {
  store: DeploymentStore;
  repo: GitOpsRepository;
  workspaces: Pick<WorkspaceService, 'find'>;
  registry: Pick<ClusterRegistry, 'get' | 'prerequisites'>;
  inventory: Pick<InventoryService, 'inventory'>;
  kube: WorkspaceKube;
  logger: LoggerService;
  /** Told of each deployment created, changed, retargeted or removed. */
  changes?: RegistryChanges;
  /** The repository URL Argo CD on the clusters reads; defaults to the one committed to. */
  argoRepoUrl?: string;
  /** How long a request waits for its delivery before answering with where it got. */
  requestWaitMs?: number;
  now?: () => Date;
}

/** Why a change cannot run on its target; a capacity shortfall only matters when moving. */
const BLOCKING_ON_CHANGE = (u: UnmetRequirement) =>
  u.requirement !== 'gpu-capacity';

function keyString(key: DeploymentKey) {
  return `${key.workspace}/${key.name}`;
}

function authorOf(actor: string) {
  const name = actor.split('/').pop() || 'unknown';
  return { name: actor, email: `${name}@users.gpu-fleet` };
}

/**
 * Deployments: each create or change is a revision, committed to the
 * GitOps repository and then delivered. Every step is recorded before the
 * next starts, so a backend that stops anywhere finishes on restart: a
 * commit is found again by its change id, server-side apply converges, and
 * pruning covers every revision that may have reached the cluster.
 */
export class DeploymentService {
  private readonly running = new Map<string, Promise<void>>();
  private readonly rerun = new Set<string>();
  private readonly now: () => Date;
  private readonly changes: RegistryChanges;

  constructor(private readonly options: DeploymentServiceOptions) {
    this.now = options.now ?? (() => new Date());
    this.changes = options.changes ?? IGNORED_CHANGES;
  }

  get(key: DeploymentKey): Promise<DeploymentRecord> {
    return this.load(key);
  }

  list(filter: { workspaces?: string[]; cluster?: string }) {
    return this.options.store.list(filter);
  }

  async revisions(key: DeploymentKey): Promise<DeploymentRevision[]> {
    await this.load(key);
    return this.options.store.revisions(key);
  }

  async diff(key: DeploymentKey, number: number): Promise<RevisionDiff> {
    await this.load(key);
    const revision = await this.options.store.revision(key, number);
    if (!revision) {
      throw new NotFoundError(`revision ${number} of '${key.name}' not found`);
    }
    if (!revision.commit) {
      throw new ConflictError(`revision ${number} is not committed yet`);
    }
    const paths = (await this.options.store.revisions(key)).map(r => r.path);
    const { previousCommit, diff } = await this.options.repo.diff(
      revision.commit,
      [...new Set(paths)],
    );
    return { revision: number, commit: revision.commit, previousCommit, diff };
  }

  /** The objects and files a manifest becomes, and what keeps it from running; nothing is written. */
  async preview(manifest: DeploymentManifest): Promise<DeploymentPreview> {
    const target = await this.target(manifest);
    const objects = this.render(manifest, target);
    return {
      cluster: target.cluster.name,
      namespace: target.workspace.namespace,
      path: deploymentPath(
        target.cluster.name,
        target.workspace.namespace,
        manifest.name,
      ),
      objects,
      files: objectsToFiles(objects),
      unmet: target.unmet,
    };
  }

  async requirements(
    key: DeploymentKey,
    cluster: string,
  ): Promise<RetargetCheck> {
    const record = await this.load(key);
    const target = await this.target({ ...record.manifest, cluster });
    return { cluster, unmet: target.unmet };
  }

  async create(
    manifest: DeploymentManifest,
    actor: string,
  ): Promise<DeploymentRecord> {
    const key = { workspace: manifest.workspace, name: manifest.name };
    if (await this.options.store.get(key)) {
      throw new ConflictError(
        `name: deployment '${manifest.name}' already exists in workspace '${manifest.workspace}'`,
      );
    }
    const revision = await this.prepare(manifest, 'create', actor, 1, false);
    try {
      await this.options.store.transaction(trx =>
        this.options.store.insert(trx, key, revision, this.now()),
      );
    } catch (error) {
      if (await this.options.store.get(key)) {
        throw new ConflictError(
          `name: deployment '${manifest.name}' already exists in workspace '${manifest.workspace}'`,
        );
      }
      throw error;
    }
    this.changed(key, 'created');
    return this.deliverAndAnswer(key);
  }

  /** A new revision from a whole manifest; moving cluster this way is a retarget. */
  async update(
    key: DeploymentKey,
    manifest: DeploymentManifest,
    actor: string,
  ): Promise<DeploymentRecord> {
    if (manifest.workspace !== key.workspace) {
      throw new InputError(
        `workspace: a deployment stays in its workspace ('${key.workspace}'); create it anew in '${manifest.workspace}'`,
      );
    }
    if (manifest.name !== key.name) {
      throw new InputError(
        `name: must be '${key.name}' to change this deployment`,
      );
    }
    const current = await this.load(key);
    this.refuseWhileDeleting(current);
    const target =
      manifest.cluster ?? (await this.workspace(key.workspace)).cluster;
    const moving = target !== current.cluster;
    return this.change(
      key,
      manifest,
      moving ? 'retarget' : 'update',
      actor,
      moving,
    );
  }

  async retarget(
    key: DeploymentKey,
    cluster: string,
    actor: string,
  ): Promise<DeploymentRecord> {
    const current = await this.load(key);
    this.refuseWhileDeleting(current);
    const workspace = await this.workspace(key.workspace);
    const manifest: DeploymentManifest = { ...current.manifest, cluster };
    if (cluster === workspace.cluster) delete manifest.cluster;
    return this.change(key, manifest, 'retarget', actor, true);
  }

  async delete(
    key: DeploymentKey,
    actor: string,
  ): Promise<DeploymentRecord | undefined> {
    const current = await this.load(key);
    if (current.delivery.state !== 'deleting') {
      await this.options.store.transaction(async trx => {
        const locked = await this.options.store.getForUpdate(trx, key);
        if (!locked)
          throw new NotFoundError(`deployment '${key.name}' not found`);
        const number = locked.revision + 1;
        await this.options.store.addRevision(
          trx,
          key,
          number,
          {
            action: 'delete',
            author: actor,
            message: `Delete ${key.name} from ${key.workspace} (revision ${number}) by ${actor}`,
            cluster: locked.cluster,
            namespace: locked.namespace,
            path: deploymentPath(locked.cluster, locked.namespace, key.name),
            objects: [],
            rendered: [],
            manifest: locked.manifest,
          },
          this.now(),
        );
      });
    }
    await this.settle(key);
    return this.options.store.get(key);
  }

  /** Picks up every delivery that has not finished: at start, and now and then after failures. */
  async resumeUnfinished(): Promise<void> {
    const keys = await this.options.store.unfinished();
    for (const key of keys) this.kick(key);
    await Promise.all(keys.map(key => this.running.get(keyString(key))));
  }

  /** Resolves once no delivery is running in this process. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running.values()]);
  }

  private changed(
    key: DeploymentKey,
    action: 'created' | 'updated' | 'retargeted' | 'deleted',
  ) {
    this.changes.changed({
      kind: 'deployment',
      workspace: key.workspace,
      name: key.name,
      action,
    });
  }

  private refuseWhileDeleting(record: DeploymentRecord) {
    if (record.delivery.state === 'deleting') {
      throw new ConflictError(`deployment '${record.name}' is being deleted`);
    }
  }

  private async change(
    key: DeploymentKey,
    manifest: DeploymentManifest,
    action: RevisionAction,
    actor: string,
    strict: boolean,
  ): Promise<DeploymentRecord> {
    // Rendering and checks come first: a refused change writes nothing.
    const prepared = await this.prepare(manifest, action, actor, 0, strict);
    await this.options.store.transaction(async trx => {
      const locked = await this.options.store.getForUpdate(trx, key);
      if (!locked)
        throw new NotFoundError(`deployment '${key.name}' not found`);
      this.refuseWhileDeleting(locked);
      const number = locked.revision + 1;
      await this.options.store.addRevision(
        trx,
        key,
        number,
        {
          ...prepared,
          message: prepared.message.replace('{revision}', String(number)),
        },
        this.now(),
      );
    });
    this.changed(key, action === 'retarget' ? 'retargeted' : 'updated');
    return this.deliverAndAnswer(key);
  }

  private async prepare(
    manifest: DeploymentManifest,
    action: RevisionAction,
    actor: string,
    number: number,
    strict: boolean,
  ): Promise<NewRevision> {
    const target = await this.target(manifest);
    const blocking = strict
      ? target.unmet
      : target.unmet.filter(BLOCKING_ON_CHANGE);
    if (blocking.length) {
      throw new RequirementsError(target.cluster.name, blocking);
    }
    const objects = this.render(manifest, target);
    const namespace = target.workspace.namespace;
    const path = deploymentPath(target.cluster.name, namespace, manifest.name);
    const delivered = target.cluster.addons.includes('argocd')
      ? [
          argoApplication({
            repoUrl: this.options.argoRepoUrl ?? this.options.repo.url,
            commit: '0'.repeat(40),
            path,
            namespace,
            name: manifest.name,
          }),
        ]
      : objects;
    const verb = {
      create: 'Create',
      update: 'Update',
      retarget: `Move to ${target.cluster.name}:`,
      delete: 'Delete',
    }[action];
    return {
      action,
      author: actor,
      message: `${verb} ${manifest.name} in ${manifest.workspace} (revision ${
        number || '{revision}'
      }) by ${actor}`,
      cluster: target.cluster.name,
      namespace,
      path,
      objects: delivered.map(objectRef),
      rendered: objects,
      manifest,
    };
  }

  private render(
    manifest: DeploymentManifest,
    target: Awaited<ReturnType<DeploymentService['target']>>,
  ): KubeObject[] {
    try {
      return renderDeployment(manifest, {
        workspace: target.workspace,
        cluster: target.cluster,
        gpuNodeSelector:
          target.gpuNodeSelectors[manifest.resources.gpu.type] ?? {},
      });
    } catch (error) {
      if (error instanceof RenderError) throw new InputError(error.message);
      throw error;
    }
  }

  private async workspace(name: string): Promise<Workspace> {
    const workspace = await this.options.workspaces.find(name);
    if (!workspace) {
      throw new InputError(`workspace: workspace '${name}' not found`);
    }
    return workspace;
  }

  /** The target cluster's facts and what the manifest needs there that it lacks. */
  private async target(manifest: DeploymentManifest) {
    const workspace = await this.workspace(manifest.workspace);
    const name = manifest.cluster ?? workspace.cluster;
    let cluster: Cluster;
    try {
      cluster = await this.options.registry.get(name);
    } catch (error) {
      if ((error as Error).name === 'NotFoundError') {
        throw new InputError(`cluster: cluster '${name}' is not attached`);
      }
      throw error;
    }
    const [inventory, prerequisites] = await Promise.all([
      this.options.inventory.inventory(name),
      this.options.registry.prerequisites(name),
    ]);
    const storage = prerequisites.find(p => p.id === 'storage-classes');
    const facts = targetFacts(
      cluster,
      workspace,
      inventory.nodes,
      storageClassNames(storage?.details),
    );
    const unmet = unmetRequirements(manifest, facts);
    if (cluster.name !== workspace.cluster) {
      unmet.push(...(await this.namespaceRequirement(cluster.name, workspace)));
    }
    return { ...facts, workspace, unmet };
  }

  /** On another cluster the workspace's namespace must be free or GPU Fleet's own. */
  private async namespaceRequirement(
    cluster: string,
    workspace: Workspace,
  ): Promise<UnmetRequirement[]> {
    try {
      await this.options.kube.managedNamespace(cluster, workspace.namespace);
      return [];
    } catch (error) {
      const unmet = (message: string): UnmetRequirement[] => [
        { requirement: 'namespace', field: 'cluster', message },
      ];
      if (error instanceof ConflictError) {
        return unmet(
          `namespace '${workspace.namespace}' already exists on cluster '${cluster}' and is not managed by GPU Fleet`,
        );
      }
      if (error instanceof ServiceUnavailableError) {
        return unmet(
          `cluster '${cluster}' is not connected, so namespace '${workspace.namespace}' there cannot be checked`,
        );
      }
      throw error;
    }
  }

  private async load(key: DeploymentKey): Promise<DeploymentRecord> {
    const record = await this.options.store.get(key);
    if (!record) {
      throw new NotFoundError(
        `deployment '${key.name}' not found in workspace '${key.workspace}'`,
      );
    }
    return record;
  }

  /** Delivers, waiting a while, and answers with where the deployment got. */
  private async deliverAndAnswer(
    key: DeploymentKey,
  ): Promise<DeploymentRecord> {
    await this.settle(key);
    return this.load(key);
  }

  private async settle(key: DeploymentKey) {
    const run = this.kick(key);
    const wait = this.options.requestWaitMs ?? 20_000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      run,
      new Promise(resolve => {
        timer = setTimeout(resolve, wait);
      }),
    ]);
    clearTimeout(timer);
  }

  /** One delivery loop per deployment at a time; a change during a run runs it again. */
  private kick(key: DeploymentKey): Promise<void> {
    const id = keyString(key);
    const current = this.running.get(id);
    if (current) {
      this.rerun.add(id);
      return current;
    }
    const run = (async () => {
      try {
        do {
          this.rerun.delete(id);
          await this.advance(key);
        } while (this.rerun.has(id));
      } finally {
        this.running.delete(id);
      }
    })();
    this.running.set(id, run);
    return run;
  }

  private async advance(key: DeploymentKey) {
    const { store, logger } = this.options;
    // Each pass finishes one step; a few passes reach 'applied'.
    for (let pass = 0; pass < 8; pass++) {
      const record = await store.get(key);
      if (!record || record.delivery.state === 'applied') return;
      try {
        if (record.delivery.state === 'committing') {
          await this.commitPending(key, record);
        } else if (record.delivery.state === 'delivering') {
          await this.applyLatest(key, record);
        } else if (record.delivery.state === 'deleting') {
          await this.removeAll(key, record);
          return;
        }
      } catch (error) {
        const message = (error as Error).message;
        logger.warn(
          `delivery of deployment ${keyString(key)} revision ${
            record.revision
          } stopped at ${record.delivery.state}: ${message}`,
        );
        await store.recordFailure(key, message, this.now());
        return;
      }
    }
  }

  private changeId(record: DeploymentRecord, revision: number) {
    return `${record.workspace}/${record.name}/${record.uid}/${revision}`;
  }

  /** Commits, in order, every revision since the applied one that has no commit yet. */
  private async commitPending(key: DeploymentKey, record: DeploymentRecord) {
    const { store, repo } = this.options;
    const revisions = (
      await store.revisions(key, (record.appliedRevision ?? 0) + 1)
    ).reverse();
    const paths = new Set((await store.revisions(key)).map(r => r.path));
    for (const revision of revisions) {
      if (revision.commit) continue;
      const rendered = await store.rendered(key, revision.revision);
      const commit = await repo.commit({
        path: revision.path,
        files: objectsToFiles(rendered),
        removePaths: [...paths].filter(p => p !== revision.path),
        message: revision.message,
        author: authorOf(revision.author),
        changeId: this.changeId(record, revision.revision),
      });
      await store.transaction(trx =>
        store.setCommit(trx, key, revision.revision, commit),
      );
    }
    await store.transaction(async trx => {
      const locked = await store.getForUpdate(trx, key);
      if (
        locked?.revision === record.revision &&
        locked.delivery.state === 'committing'
      ) {
        await store.setState(trx, key, 'delivering', this.now());
      }
    });
  }

  private async applyLatest(key: DeploymentKey, record: DeploymentRecord) {
    const { store, repo, kube, registry } = this.options;
    const latest = await store.revision(key, record.revision);
    if (!latest?.commit) {
      await store.setState(store.db, key, 'committing', this.now());
      return;
    }
    const cluster = await registry.get(latest.cluster);
    const workspace = await this.workspace(key.workspace);
    // Exactly what the commit holds.
    const objects = filesToObjects(
      await repo.readFiles(latest.commit, latest.path),
    );
    if (cluster.name !== workspace.cluster) {
      // Moved off the workspace's cluster: its namespace is made there too.
      await kube.managedNamespace(cluster.name, workspace.namespace);
      for (const object of renderWorkspaceObjects(
        workspace,
        cluster.provider,
      )) {
        await kube.apply(cluster.name, object);
      }
    }
    const delivered = cluster.addons.includes('argocd')
      ? [
          argoApplication({
            repoUrl: this.options.argoRepoUrl ?? repo.url,
            commit: latest.commit,
            path: latest.path,
            namespace: latest.namespace,
            name: key.name,
          }),
        ]
      : objects;
    for (const object of delivered) await kube.apply(cluster.name, object);

    // Anything an earlier revision may have put there that this one has not.
    const earlier = (
      await store.revisions(key, record.appliedRevision ?? 1)
    ).filter(r => r.revision < latest.revision);
    const kept = delivered.map(objectRef);
    for (const revision of earlier) {
      for (const ref of revision.objects) {
        if (
          revision.cluster === latest.cluster &&
          kept.some(k => sameRef(k, ref))
        ) {
          continue;
        }
        await this.removeObject(revision.cluster, ref);
      }
    }
    await store.transaction(async trx => {
      const locked = await store.getForUpdate(trx, key);
      if (locked?.revision !== latest.revision) return; // a newer one follows
      await store.setState(trx, key, 'applied', this.now(), {
        appliedRevision: latest.revision,
        appliedCommit: latest.commit!,
      });
    });
  }

  private async removeAll(key: DeploymentKey, record: DeploymentRecord) {
    const { store, repo } = this.options;
    const latest = await store.revision(key, record.revision);
    if (!latest) return;
    const all = await store.revisions(key);
    if (!latest.commit) {
      const commit = await repo.commit({
        path: latest.path,
        files: {},
        removePaths: [...new Set(all.map(r => r.path))],
        message: latest.message,
        author: authorOf(latest.author),
        changeId: this.changeId(record, latest.revision),
      });
      await store.transaction(trx =>
        store.setCommit(trx, key, latest.revision, commit),
      );
    }
    const maybeApplied = all.filter(
      r => r.revision >= (record.appliedRevision ?? 1) && r.action !== 'delete',
    );
    for (const revision of maybeApplied) {
      // What refers to others goes first: the reverse of apply order.
      for (const ref of [...revision.objects].reverse()) {
        await this.removeObject(revision.cluster, ref);
      }
    }
    await store.transaction(trx => store.remove(trx, key));
    this.changed(key, 'deleted');
  }

  private async removeObject(
    cluster: string,
    ref: { apiVersion: string; kind: string; name: string; namespace?: string },
  ) {
    await this.options.kube.delete(
      cluster,
      pathOf({
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        metadata: { name: ref.name, namespace: ref.namespace },
      }),
    );
  }
}
