import { Knex } from 'knex';

/** A backend replica, as the others reach it. */
export interface ReplicaAddress {
  replicaId: string;
  /** Base URL of that replica's gpu-fleet routes. */
  url: string;
}

const TABLE = 'gpu_fleet_agent_sessions';

/**
 * The shared record of which replica holds each cluster's session. The
 * database is the one thing every replica already shares, so no extra
 * coordination service is needed.
 */
export class SessionDirectory {
  constructor(private readonly knex: Knex) {}

  /** Records `self` as the holder; returns the replica that held it before, if another. */
  async claim(
    clusterName: string,
    self: ReplicaAddress,
  ): Promise<ReplicaAddress | undefined> {
    return this.knex.transaction(async trx => {
      const previous = await trx(TABLE)
        .where({ cluster_name: clusterName })
        .first();
      await trx(TABLE)
        .insert({
          cluster_name: clusterName,
          replica_id: self.replicaId,
          replica_url: self.url,
          connected_at: new Date(),
        })
        .onConflict('cluster_name')
        .merge();
      return previous && previous.replica_id !== self.replicaId
        ? { replicaId: previous.replica_id, url: previous.replica_url }
        : undefined;
    });
  }

  /** Forgets the session only if `replicaId` still holds it; true if it did. */
  async release(clusterName: string, replicaId: string): Promise<boolean> {
    const deleted = await this.knex(TABLE)
      .where({ cluster_name: clusterName, replica_id: replicaId })
      .delete();
    return deleted > 0;
  }

  async holder(clusterName: string): Promise<ReplicaAddress | undefined> {
    const row = await this.knex(TABLE)
      .where({ cluster_name: clusterName })
      .first();
    return row
      ? { replicaId: row.replica_id, url: row.replica_url }
      : undefined;
  }

  /** At shutdown: this replica's sessions end with it. */
  async releaseAll(replicaId: string): Promise<string[]> {
    const rows = await this.knex(TABLE)
      .where({ replica_id: replicaId })
      .select('cluster_name');
    await this.knex(TABLE).where({ replica_id: replicaId }).delete();
    return rows.map(r => r.cluster_name);
  }
}
