import { NodeInventory } from '@gpu-fleet/plugin-gpu-fleet-common';
import { Knex } from 'knex';

const NODES = 'gpu_fleet_inventory_nodes';
const REPORTS = 'gpu_fleet_inventory_reports';
const SAMPLES = 'gpu_fleet_capacity_samples';
// Keeps multi-row statements under SQLite's and PostgreSQL's parameter limits.
const BATCH = 200;

export interface StoredInventory {
  reportedAt: Date;
  nodes: NodeInventory[];
}

export interface CapacitySampleRow {
  provider: string;
  gpuType: string;
  cluster: string;
  total: number;
  allocated: number;
  free: number;
}

export interface StoredSample extends CapacitySampleRow {
  sampledAt: Date;
}

/** Persists each cluster's latest inventory and the capacity samples. */
export class InventoryStore {
  constructor(private readonly knex: Knex) {}

  async replace(cluster: string, nodes: NodeInventory[], at: Date) {
    await this.knex.transaction(async trx => {
      await trx(NODES).where({ cluster_name: cluster }).delete();
      await this.insertNodes(trx, cluster, nodes);
      await this.touch(trx, cluster, at);
    });
  }

  async applyDelta(
    cluster: string,
    upserts: NodeInventory[],
    removed: string[],
    at: Date,
  ) {
    await this.knex.transaction(async trx => {
      const names = [...upserts.map(n => n.name), ...removed];
      for (let i = 0; i < names.length; i += BATCH) {
        await trx(NODES)
          .where({ cluster_name: cluster })
          .whereIn('node_name', names.slice(i, i + BATCH))
          .delete();
      }
      await this.insertNodes(trx, cluster, upserts);
      await this.touch(trx, cluster, at);
    });
  }

  async loadAll(): Promise<Map<string, StoredInventory>> {
    const result = new Map<string, StoredInventory>();
    for (const row of await this.knex(REPORTS).select()) {
      result.set(row.cluster_name, {
        reportedAt: new Date(row.reported_at),
        nodes: [],
      });
    }
    for (const row of await this.knex(NODES).select()) {
      result.get(row.cluster_name)?.nodes.push(JSON.parse(row.inventory));
    }
    return result;
  }

  async forget(cluster: string) {
    await this.knex.transaction(async trx => {
      await trx(NODES).where({ cluster_name: cluster }).delete();
      await trx(REPORTS).where({ cluster_name: cluster }).delete();
    });
  }

  async addSamples(rows: CapacitySampleRow[], at: Date) {
    const records = rows.map(r => ({
      sampled_at: at,
      provider: r.provider,
      gpu_type: r.gpuType,
      cluster_name: r.cluster,
      total: r.total,
      allocated: r.allocated,
      free: r.free,
    }));
    for (let i = 0; i < records.length; i += BATCH) {
      await this.knex(SAMPLES).insert(records.slice(i, i + BATCH));
    }
  }

  async samples(
    from: Date,
    to: Date,
    filters: { provider?: string[]; gpuType?: string[]; cluster?: string[] },
  ): Promise<StoredSample[]> {
    const query = this.knex(SAMPLES)
      .where('sampled_at', '>=', from)
      .andWhere('sampled_at', '<=', to)
      .orderBy('sampled_at');
    if (filters.provider) query.whereIn('provider', filters.provider);
    if (filters.gpuType) query.whereIn('gpu_type', filters.gpuType);
    if (filters.cluster) query.whereIn('cluster_name', filters.cluster);
    return (await query.select()).map(r => ({
      sampledAt: new Date(r.sampled_at),
      provider: r.provider,
      gpuType: r.gpu_type,
      cluster: r.cluster_name,
      total: Number(r.total),
      allocated: Number(r.allocated),
      free: Number(r.free),
    }));
  }

  async pruneSamples(before: Date): Promise<number> {
    return this.knex(SAMPLES).where('sampled_at', '<', before).delete();
  }

  private async insertNodes(
    trx: Knex.Transaction,
    cluster: string,
    nodes: NodeInventory[],
  ) {
    const rows = nodes.map(n => ({
      cluster_name: cluster,
      node_name: n.name,
      inventory: JSON.stringify(n),
    }));
    for (let i = 0; i < rows.length; i += BATCH) {
      await trx(NODES).insert(rows.slice(i, i + BATCH));
    }
  }

  private async touch(trx: Knex.Transaction, cluster: string, at: Date) {
    await trx(REPORTS)
      .insert({ cluster_name: cluster, reported_at: at })
      .onConflict('cluster_name')
      .merge();
  }
}
