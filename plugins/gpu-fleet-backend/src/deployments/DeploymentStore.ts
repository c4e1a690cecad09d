import crypto from 'node:crypto';
import {
  DeliveryState,
  DeploymentManifest,
  DeploymentRecord,
  DeploymentRevision,
  KubeObject,
  RevisionAction,
  RevisionObjectRef,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { Knex } from 'knex';
import { parseJson, toIso } from '../database/columnValues';

const DEPLOYMENTS = 'gpu_fleet_deployments';
const REVISIONS = 'gpu_fleet_deployment_revisions';

type Db = Knex | Knex.Transaction;

export interface DeploymentKey {
  workspace: string;
  name: string;
}

export interface NewRevision {
  action: RevisionAction;
  author: string;
  message: string;
  cluster: string;
  namespace: string;
  path: string;
  objects: RevisionObjectRef[];
  /** What is committed: the rendered objects, or for Argo CD the same objects its Application points at. */
  rendered: KubeObject[];
  manifest: DeploymentManifest;
}

function rowToRecord(row: any): DeploymentRecord {
  return {
    uid: row.uid,
    workspace: row.workspace_name,
    name: row.name,
    kind: row.kind,
    template: row.template,
    cluster: row.cluster_name,
    namespace: row.namespace,
    manifest: parseJson(row.manifest, {} as DeploymentManifest),
    revision: Number(row.revision),
    appliedRevision:
      row.applied_revision === null ? null : Number(row.applied_revision),
    appliedCommit: row.applied_commit ?? null,
    delivery: {
      state: row.state,
      error: row.delivery_error ?? null,
      attempts: Number(row.attempts),
      updatedAt: toIso(row.state_updated_at)!,
    },
    createdBy: row.created_by,
    createdAt: toIso(row.created_at)!,
    updatedBy: row.updated_by,
    updatedAt: toIso(row.updated_at)!,
  };
}

function rowToRevision(row: any): DeploymentRevision {
  return {
    revision: Number(row.revision),
    action: row.action,
    commit: row.commit_sha ?? null,
    author: row.author,
    message: row.message,
    cluster: row.cluster_name,
    namespace: row.namespace,
    path: row.path,
    objects: parseJson(row.objects, []),
    manifest: parseJson(row.manifest, {} as DeploymentManifest),
    createdAt: toIso(row.created_at)!,
  };
}

function keyOf(key: DeploymentKey) {
  return { workspace_name: key.workspace, name: key.name };
}

function revisionKey(key: DeploymentKey, revision: number) {
  return {
    workspace_name: key.workspace,
    deployment_name: key.name,
    revision,
  };
}

/** Rows of deployments and their revisions; the service owns the rules. */
export class DeploymentStore {
  constructor(readonly db: Knex) {}

  transaction<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async get(
    key: DeploymentKey,
    db: Db = this.db,
  ): Promise<DeploymentRecord | undefined> {
    const row = await db(DEPLOYMENTS).where(keyOf(key)).first();
    return row ? rowToRecord(row) : undefined;
  }

  /** Locks the row for the rest of the transaction where the database can. */
  async getForUpdate(
    trx: Knex.Transaction,
    key: DeploymentKey,
  ): Promise<DeploymentRecord | undefined> {
    let query = trx(DEPLOYMENTS).where(keyOf(key));
    if (trx.client.config.client !== 'better-sqlite3')
      query = query.forUpdate();
    const row = await query.first();
    return row ? rowToRecord(row) : undefined;
  }

  async list(filter: {
    workspaces?: string[];
    cluster?: string;
  }): Promise<DeploymentRecord[]> {
    let query = this.db(DEPLOYMENTS).orderBy([
      'workspace_name',
      { column: 'name', order: 'asc' },
    ]);
    if (filter.workspaces)
      query = query.whereIn('workspace_name', filter.workspaces);
    if (filter.cluster) query = query.where('cluster_name', filter.cluster);
    return (await query).map(rowToRecord);
  }

  /** Deployments whose latest step has not finished. */
  async unfinished(): Promise<DeploymentKey[]> {
    const rows = await this.db(DEPLOYMENTS)
      .whereNot('state', 'applied')
      .select('workspace_name', 'name');
    return rows.map(r => ({ workspace: r.workspace_name, name: r.name }));
  }

  async countInWorkspace(workspace: string): Promise<number> {
    const row = await this.db(DEPLOYMENTS)
      .where({ workspace_name: workspace })
      .count({ n: '*' })
      .first();
    return Number(row?.n ?? 0);
  }

  async insert(
    trx: Knex.Transaction,
    key: DeploymentKey,
    revision: NewRevision,
    at: Date,
  ) {
    await trx(DEPLOYMENTS).insert({
      ...keyOf(key),
      uid: crypto.randomUUID(),
      cluster_name: revision.cluster,
      namespace: revision.namespace,
      kind: revision.manifest.kind,
      template: revision.manifest.template,
      manifest: JSON.stringify(revision.manifest),
      revision: 1,
      applied_revision: null,
      applied_commit: null,
      state: 'committing',
      delivery_error: null,
      attempts: 0,
      created_by: revision.author,
      created_at: at,
      updated_by: revision.author,
      updated_at: at,
      state_updated_at: at,
    });
    await this.insertRevision(trx, key, 1, revision, at);
  }

  /** A new latest revision; its delivery starts over from committing (or deleting). */
  async addRevision(
    trx: Knex.Transaction,
    key: DeploymentKey,
    number: number,
    revision: NewRevision,
    at: Date,
  ) {
    await trx(DEPLOYMENTS)
      .where(keyOf(key))
      .update({
        cluster_name: revision.cluster,
        namespace: revision.namespace,
        manifest: JSON.stringify(revision.manifest),
        revision: number,
        state: revision.action === 'delete' ? 'deleting' : 'committing',
        delivery_error: null,
        attempts: 0,
        updated_by: revision.author,
        updated_at: at,
        state_updated_at: at,
      });
    await this.insertRevision(trx, key, number, revision, at);
  }

  async setCommit(
    trx: Knex.Transaction,
    key: DeploymentKey,
    revision: number,
    commit: string,
  ) {
    await trx(REVISIONS)
      .where(revisionKey(key, revision))
      .update({ commit_sha: commit });
  }

  async setState(
    db: Db,
    key: DeploymentKey,
    state: DeliveryState,
    at: Date,
    extra: { appliedRevision?: number; appliedCommit?: string } = {},
  ) {
    await db(DEPLOYMENTS)
      .where(keyOf(key))
      .update({
        state,
        delivery_error: null,
        attempts: 0,
        state_updated_at: at,
        ...(extra.appliedRevision !== undefined
          ? { applied_revision: extra.appliedRevision }
          : {}),
        ...(extra.appliedCommit !== undefined
          ? { applied_commit: extra.appliedCommit }
          : {}),
      });
  }

  async recordFailure(key: DeploymentKey, message: string, at: Date) {
    await this.db(DEPLOYMENTS)
      .where(keyOf(key))
      .update({
        delivery_error: message.slice(0, 4000),
        attempts: this.db.raw('?? + 1', [`${DEPLOYMENTS}.attempts`]),
        state_updated_at: at,
      });
  }

  async remove(trx: Knex.Transaction, key: DeploymentKey) {
    await trx(REVISIONS)
      .where({ workspace_name: key.workspace, deployment_name: key.name })
      .delete();
    await trx(DEPLOYMENTS).where(keyOf(key)).delete();
  }

  async rendered(key: DeploymentKey, number: number): Promise<KubeObject[]> {
    const row = await this.db(REVISIONS)
      .where(revisionKey(key, number))
      .first('rendered');
    return parseJson(row?.rendered, []);
  }

  async revision(
    key: DeploymentKey,
    number: number,
    db: Db = this.db,
  ): Promise<DeploymentRevision | undefined> {
    const row = await db(REVISIONS).where(revisionKey(key, number)).first();
    return row ? rowToRevision(row) : undefined;
  }

  /** Newest first; `from` limits to revisions at or after it. */
  async revisions(
    key: DeploymentKey,
    from = 1,
    db: Db = this.db,
  ): Promise<DeploymentRevision[]> {
    const rows = await db(REVISIONS)
      .where({ workspace_name: key.workspace, deployment_name: key.name })
      .where('revision', '>=', from)
      .orderBy('revision', 'desc');
    return rows.map(rowToRevision);
  }

  private async insertRevision(
    trx: Knex.Transaction,
    key: DeploymentKey,
    number: number,
    revision: NewRevision,
    at: Date,
  ) {
    await trx(REVISIONS).insert({
      ...revisionKey(key, number),
      action: revision.action,
      commit_sha: null,
      author: revision.author,
      message: revision.message,
      cluster_name: revision.cluster,
      namespace: revision.namespace,
      path: revision.path,
      objects: JSON.stringify(revision.objects),
      rendered: JSON.stringify(revision.rendered),
      manifest: JSON.stringify(revision.manifest),
      created_at: at,
    });
  }
}
