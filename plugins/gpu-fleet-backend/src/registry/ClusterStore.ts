import { Knex } from 'knex';
import { parseJson, toIso } from '../database/columnValues';
import {
  AddonId,
  AuditEntry,
  Cluster,
  ClusterStatus,
  PrerequisiteResult,
  ProviderId,
} from '@gpu-fleet/plugin-gpu-fleet-common';

const CLUSTERS = 'gpu_fleet_clusters';
const TOKENS = 'gpu_fleet_cluster_tokens';
const PREREQUISITES = 'gpu_fleet_prerequisite_results';
const AUDIT = 'gpu_fleet_audit_log';

type Db = Knex | Knex.Transaction;

function rowToCluster(row: any): Cluster {
  return {
    name: row.name,
    displayName: row.display_name,
    provider: row.provider as ProviderId,
    region: row.region ?? null,
    description: row.description ?? null,
    labels: parseJson(row.labels, {}),
    addons: parseJson<AddonId[]>(row.addons, []),
    status: row.status as ClusterStatus,
    agentVersion: row.agent_version ?? null,
    kubernetesVersion: row.kubernetes_version ?? null,
    lastSeenAt: toIso(row.last_seen_at),
    createdBy: row.created_by,
    createdAt: toIso(row.created_at)!,
    updatedAt: toIso(row.updated_at)!,
    detachedAt: toIso(row.detached_at),
  };
}

export interface ClusterTokenRow {
  id: number;
  tokenHash: string;
  createdAt: string;
  expiresAt: string | null;
}

/** Rows of the registry's tables; callers own transactions and rules. */
export class ClusterStore {
  constructor(readonly db: Knex) {}

  transaction<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  async getCluster(
    name: string,
    db: Db = this.db,
  ): Promise<Cluster | undefined> {
    const row = await db(CLUSTERS).where({ name }).first();
    return row ? rowToCluster(row) : undefined;
  }

  async listClusters(options: {
    provider?: ProviderId;
    status?: ClusterStatus;
    limit: number;
    offset: number;
    /** A permission decision's filter over the clusters table. */
    where?: (query: Knex.QueryBuilder, nameColumn: string) => void;
  }): Promise<{ items: Cluster[]; totalCount: number }> {
    const filtered = () => {
      const query = this.db(CLUSTERS);
      if (options.provider) query.where('provider', options.provider);
      if (options.status) query.where('status', options.status);
      if (options.where) options.where(query, `${CLUSTERS}.name`);
      return query;
    };
    const [{ count }] = await filtered().count({ count: '*' });
    const rows = await filtered()
      .orderBy('name')
      .limit(options.limit)
      .offset(options.offset);
    return { items: rows.map(rowToCluster), totalCount: Number(count) };
  }

  async insertCluster(
    trx: Knex.Transaction,
    cluster: Omit<Cluster, 'createdAt' | 'updatedAt'>,
    at: Date,
  ): Promise<void> {
    await trx(CLUSTERS).insert({
      name: cluster.name,
      display_name: cluster.displayName,
      provider: cluster.provider,
      region: cluster.region,
      description: cluster.description,
      labels: JSON.stringify(cluster.labels),
      addons: JSON.stringify(cluster.addons),
      status: cluster.status,
      agent_version: cluster.agentVersion,
      kubernetes_version: cluster.kubernetesVersion,
      last_seen_at: cluster.lastSeenAt ? new Date(cluster.lastSeenAt) : null,
      created_by: cluster.createdBy,
      created_at: at,
      updated_at: at,
      detached_at: null,
    });
  }

  /** Re-attaching a detached name starts it afresh; its history stays. */
  async deleteDetachedCluster(trx: Knex.Transaction, name: string) {
    await trx(PREREQUISITES).where({ cluster_name: name }).delete();
    await trx(TOKENS).where({ cluster_name: name }).delete();
    await trx(CLUSTERS).where({ name }).whereNotNull('detached_at').delete();
  }

  async updateCluster(
    db: Db,
    name: string,
    patch: Partial<{
      displayName: string;
      description: string | null;
      labels: Record<string, string>;
      addons: AddonId[];
      status: ClusterStatus;
      agentVersion: string | null;
      kubernetesVersion: string | null;
      lastSeenAt: Date;
      detachedAt: Date;
    }>,
    at: Date,
  ): Promise<void> {
    const columns: Record<string, unknown> = { updated_at: at };
    if (patch.displayName !== undefined)
      columns.display_name = patch.displayName;
    if (patch.description !== undefined)
      columns.description = patch.description;
    if (patch.labels !== undefined)
      columns.labels = JSON.stringify(patch.labels);
    if (patch.addons !== undefined)
      columns.addons = JSON.stringify(patch.addons);
    if (patch.status !== undefined) columns.status = patch.status;
    if (patch.agentVersion !== undefined)
      columns.agent_version = patch.agentVersion;
    if (patch.kubernetesVersion !== undefined) {
      columns.kubernetes_version = patch.kubernetesVersion;
    }
    if (patch.lastSeenAt !== undefined) columns.last_seen_at = patch.lastSeenAt;
    if (patch.detachedAt !== undefined) columns.detached_at = patch.detachedAt;
    await db(CLUSTERS).where({ name }).update(columns);
  }

  async insertToken(
    trx: Knex.Transaction,
    token: {
      clusterName: string;
      tokenHash: string;
      createdBy: string;
      expiresAt: Date | null;
    },
    at: Date,
  ): Promise<void> {
    await trx(TOKENS).insert({
      cluster_name: token.clusterName,
      token_hash: token.tokenHash,
      created_by: token.createdBy,
      created_at: at,
      expires_at: token.expiresAt,
    });
  }

  /** Ends every live token of a cluster, as rotated or as revoked. */
  async endTokens(
    trx: Knex.Transaction,
    clusterName: string,
    how: { rotatedAt: Date } | { revokedAt: Date; revokedBy: string },
  ): Promise<number> {
    const live = trx(TOKENS)
      .where({ cluster_name: clusterName })
      .whereNull('rotated_at')
      .whereNull('revoked_at');
    return 'rotatedAt' in how
      ? live.update({ rotated_at: how.rotatedAt })
      : live.update({ revoked_at: how.revokedAt, revoked_by: how.revokedBy });
  }

  async liveToken(clusterName: string): Promise<ClusterTokenRow | undefined> {
    const row = await this.db(TOKENS)
      .where({ cluster_name: clusterName })
      .whereNull('rotated_at')
      .whereNull('revoked_at')
      .orderBy('id', 'desc')
      .first();
    return row
      ? {
          id: row.id,
          tokenHash: row.token_hash,
          createdAt: toIso(row.created_at)!,
          expiresAt: toIso(row.expires_at),
        }
      : undefined;
  }

  async replacePrerequisites(
    trx: Knex.Transaction,
    clusterName: string,
    results: PrerequisiteResult[],
    at: Date,
  ): Promise<void> {
    for (const result of results) {
      await trx(PREREQUISITES)
        .insert({
          cluster_name: clusterName,
          check_id: result.id,
          status: result.status,
          message: result.message,
          details: result.details ? JSON.stringify(result.details) : null,
          checked_at: at,
        })
        .onConflict(['cluster_name', 'check_id'])
        .merge();
    }
  }

  async prerequisites(
    clusterName: string,
  ): Promise<Array<PrerequisiteResult & { checkedAt: string }>> {
    const rows = await this.db(PREREQUISITES).where({
      cluster_name: clusterName,
    });
    return rows.map(row => ({
      id: row.check_id,
      status: row.status,
      message: row.message,
      ...(row.details ? { details: parseJson(row.details, {}) } : {}),
      checkedAt: toIso(row.checked_at)!,
    }));
  }

  async appendAudit(
    db: Db,
    entry: Omit<AuditEntry, 'id' | 'at'>,
    at: Date,
  ): Promise<void> {
    await db(AUDIT).insert({
      cluster_name: entry.cluster,
      actor: entry.actor,
      action: entry.action,
      details: JSON.stringify(entry.details),
      at,
    });
  }

  async audit(
    clusterName: string,
    options: { limit: number; beforeId?: number },
  ): Promise<AuditEntry[]> {
    const query = this.db(AUDIT)
      .where({ cluster_name: clusterName })
      .orderBy('id', 'desc')
      .limit(options.limit);
    if (options.beforeId) query.where('id', '<', options.beforeId);
    const rows = await query;
    return rows.map(row => ({
      id: Number(row.id),
      cluster: row.cluster_name,
      actor: row.actor,
      action: row.action,
      details: parseJson(row.details, {}),
      at: toIso(row.at)!,
    }));
  }
}
