import { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  Workspace,
  WorkspaceMember,
  WorkspaceRole,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { ClusterQuery, WorkspaceQuery } from '@gpu-fleet/plugin-gpu-fleet-node';
import { EventEmitter } from 'node:events';
import { Knex } from 'knex';
import { parseJson, toIso } from '../database/columnValues';
import { whereCriteria } from '../permissions/criteriaQuery';

const WORKSPACES = 'gpu_fleet_workspaces';
const MEMBERS = 'gpu_fleet_workspace_members';

type Db = Knex | Knex.Transaction;

function rowToWorkspace(row: any, members: WorkspaceMember[]): Workspace {
  return {
    name: row.name,
    cluster: row.cluster_name,
    namespace: row.namespace,
    displayName: row.display_name,
    description: row.description ?? null,
    allowPrivileged: Boolean(row.allow_privileged),
    gpuQuota: parseJson(row.gpu_quota, []),
    defaults: parseJson(row.defaults, {
      tolerations: [],
      nodeSelector: {},
      priorityClassName: null,
      capacityType: null,
    }),
    workloadIdentity: parseJson(row.workload_identity, {}),
    members,
    createdBy: row.created_by,
    createdAt: toIso(row.created_at)!,
    updatedAt: toIso(row.updated_at)!,
  };
}

/** Workspace names where one of the claims holds one of the roles. */
function memberWorkspaces(db: Db, claims: string[], roles: WorkspaceRole[]) {
  return db(MEMBERS)
    .select('workspace_name')
    .whereIn('member_ref', claims)
    .whereIn('role', roles);
}

/** Rows of the workspace tables; callers own transactions and rules. */
export class WorkspaceStore {
  private readonly changed = new EventEmitter();

  constructor(readonly db: Knex) {}

  /** Called after each committed transaction of this store. */
  onChange(listener: () => void) {
    this.changed.on('change', listener);
  }

  /** Writes go through here; listeners hear of them once committed. */
  async transaction<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    const result = await this.db.transaction(fn);
    this.changed.emit('change');
    return result;
  }

  private async withMembers(db: Db, rows: any[]): Promise<Workspace[]> {
    if (rows.length === 0) return [];
    const members = await db(MEMBERS)
      .whereIn(
        'workspace_name',
        rows.map(r => r.name),
      )
      .orderBy(['workspace_name', 'member_ref']);
    const byWorkspace = new Map<string, WorkspaceMember[]>();
    for (const m of members) {
      const list = byWorkspace.get(m.workspace_name) ?? [];
      list.push({ ref: m.member_ref, role: m.role });
      byWorkspace.set(m.workspace_name, list);
    }
    return rows.map(row =>
      rowToWorkspace(row, byWorkspace.get(row.name) ?? []),
    );
  }

  async get(name: string, db: Db = this.db): Promise<Workspace | undefined> {
    const row = await db(WORKSPACES).where({ name }).first();
    return row ? (await this.withMembers(db, [row]))[0] : undefined;
  }

  async getByNamespace(
    cluster: string,
    namespace: string,
  ): Promise<Workspace | undefined> {
    const row = await this.db(WORKSPACES)
      .where({ cluster_name: cluster, namespace })
      .first();
    return row ? (await this.withMembers(this.db, [row]))[0] : undefined;
  }

  /** The workspaces a conditional decision allows, filtered in the database. */
  async list(options: {
    cluster?: string;
    filter?: PermissionCriteria<WorkspaceQuery>;
    limit: number;
    offset: number;
  }): Promise<{ items: Workspace[]; totalCount: number }> {
    const filtered = () => {
      const query = this.db(WORKSPACES);
      if (options.cluster) query.where('cluster_name', options.cluster);
      if (options.filter) {
        whereCriteria(query, options.filter, (b, leaf) =>
          this.whereWorkspace(b, leaf),
        );
      }
      return query;
    };
    const [{ count }] = await filtered().count({ count: '*' });
    const rows = await filtered()
      .orderBy('name')
      .limit(options.limit)
      .offset(options.offset);
    return {
      items: await this.withMembers(this.db, rows),
      totalCount: Number(count),
    };
  }

  private whereWorkspace(builder: Knex.QueryBuilder, leaf: WorkspaceQuery) {
    if (leaf.kind === 'has-role') {
      builder.whereIn(
        `${WORKSPACES}.name`,
        memberWorkspaces(this.db, leaf.claims, leaf.roles),
      );
    } else {
      builder.whereIn(`${WORKSPACES}.cluster_name`, leaf.clusters);
    }
  }

  /** Adds a cluster decision's filter to a query over the clusters table. */
  whereCluster(
    builder: Knex.QueryBuilder,
    clusterColumn: string,
    leaf: ClusterQuery,
  ) {
    if (leaf.kind === 'has-workspace-role') {
      builder.whereIn(
        clusterColumn,
        this.db(WORKSPACES)
          .select('cluster_name')
          .whereIn('name', memberWorkspaces(this.db, leaf.claims, leaf.roles)),
      );
    } else {
      builder.whereIn(clusterColumn, leaf.names);
    }
  }

  async listOnCluster(cluster: string): Promise<Workspace[]> {
    const rows = await this.db(WORKSPACES)
      .where({ cluster_name: cluster })
      .orderBy('name');
    return this.withMembers(this.db, rows);
  }

  async insert(
    trx: Knex.Transaction,
    workspace: Omit<Workspace, 'createdAt' | 'updatedAt'>,
    at: Date,
  ): Promise<void> {
    await trx(WORKSPACES).insert({
      name: workspace.name,
      cluster_name: workspace.cluster,
      namespace: workspace.namespace,
      display_name: workspace.displayName,
      description: workspace.description,
      allow_privileged: workspace.allowPrivileged,
      gpu_quota: JSON.stringify(workspace.gpuQuota),
      defaults: JSON.stringify(workspace.defaults),
      workload_identity: JSON.stringify(workspace.workloadIdentity),
      created_by: workspace.createdBy,
      created_at: at,
      updated_at: at,
    });
    await this.replaceMembers(trx, workspace.name, workspace.members);
  }

  async update(
    trx: Knex.Transaction,
    workspace: Workspace,
    at: Date,
  ): Promise<void> {
    await trx(WORKSPACES)
      .where({ name: workspace.name })
      .update({
        display_name: workspace.displayName,
        description: workspace.description,
        allow_privileged: workspace.allowPrivileged,
        gpu_quota: JSON.stringify(workspace.gpuQuota),
        defaults: JSON.stringify(workspace.defaults),
        workload_identity: JSON.stringify(workspace.workloadIdentity),
        updated_at: at,
      });
    await this.replaceMembers(trx, workspace.name, workspace.members);
  }

  async delete(trx: Knex.Transaction, name: string): Promise<void> {
    await trx(MEMBERS).where({ workspace_name: name }).delete();
    await trx(WORKSPACES).where({ name }).delete();
  }

  private async replaceMembers(
    trx: Knex.Transaction,
    name: string,
    members: WorkspaceMember[],
  ) {
    await trx(MEMBERS).where({ workspace_name: name }).delete();
    if (members.length === 0) return;
    await trx(MEMBERS).insert(
      members.map(m => ({
        workspace_name: name,
        member_ref: m.ref.toLowerCase(),
        role: m.role,
      })),
    );
  }
}
