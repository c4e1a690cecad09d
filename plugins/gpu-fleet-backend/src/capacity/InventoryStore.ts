import { NodeInventory } from '@gpu-fleet/plugin-gpu-fleet-common';
import { Knex } from 'knex';

const NODES = 'gpu_fleet_inventory_nodes';
const REPORTS = 'gpu_fleet_inventory_reports';
const SAMPLES = 'gpu_fleet_capacity_samples';
// Keeps multi-row statements under SQLite's and PostgreSQL's parameter limits.
const BATCH = 200;

export interface StoredInventory {
  reportedAt: Date;
  /** Rises by one with every stored report of the cluster. */
  version: number;
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

/** Samples of one instant summed over the fields left out of the grouping. */
export interface StoredSample
  extends Partial<Pick<CapacitySampleRow, 'provider' | 'gpuType' | 'cluster'>> {
  sampledAt: Date;
  total: number;
  allocated: number;
  free: number;
}

const SAMPLE_COLUMNS = {
  provider: 'provider',
  gpuType: 'gpu_type',
  cluster: 'cluster_name',
} as const;
type SampleGroupKey = keyof typeof SAMPLE_COLUMNS;

/** Persists each cluster's latest inventory and the capacity samples. */
export class InventoryStore {
  constructor(private readonly knex: Knex) {}

  /** Returns the cluster's new version. */
  async replace(
    cluster: string,
    nodes: NodeInventory[],
    at: Date,
  ): Promise<number> {
    return this.knex.transaction(async trx => {
      await trx(NODES).where({ cluster_name: cluster }).delete();
      await this.insertNodes(trx, cluster, nodes);
      return this.touch(trx, cluster, at);
    });
  }

  async applyDelta(
    cluster: string,
    upserts: NodeInventory[],
    removed: string[],
    at: Date,
  ): Promise<number> {
    return this.knex.transaction(async trx => {
      const names = [...upserts.map(n => n.name), ...removed];
      for (let i = 0; i < names.length; i += BATCH) {
        await trx(NODES)
          .where({ cluster_name: cluster })
          .whereIn('node_name', names.slice(i, i + BATCH))
          .delete();
      }
      await this.insertNodes(trx, cluster, upserts);
      return this.touch(trx, cluster, at);
    });
  }

  /** Every cluster's inventory, or only the named clusters'. */
  async loadAll(clusters?: string[]): Promise<Map<string, StoredInventory>> {
    const result = new Map<string, StoredInventory>();
    const reports = this.knex(REPORTS).select();
    const nodes = this.knex(NODES).select();
    if (clusters) {
      reports.whereIn('cluster_name', clusters);
      nodes.whereIn('cluster_name', clusters);
    }
    for (const row of await reports) {
      result.set(row.cluster_name, {
        reportedAt: new Date(row.reported_at),
        version: Number(row.version),
        nodes: [],
      });
    }
    for (const row of await nodes) {
      result.get(row.cluster_name)?.nodes.push(JSON.parse(row.inventory));
    }
    return result;
  }

  /** Each cluster's version: cheap enough to poll. */
  async versions(): Promise<Map<string, number>> {
    const rows = await this.knex(REPORTS).select('cluster_name', 'version');
    return new Map(
      rows.map(r => [r.cluster_name as string, Number(r.version)]),
    );
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

  /**
   * Samples between two instants, summed per instant and group in the
   * database: a fleet of a thousand clusters records thousands of rows a run.
   */
  async samples(
    from: Date,
    to: Date,
    filters: { provider?: string[]; gpuType?: string[]; cluster?: string[] },
    groupBy: SampleGroupKey[] = ['provider', 'gpuType', 'cluster'],
  ): Promise<StoredSample[]> {
    const columns = groupBy.map(g => SAMPLE_COLUMNS[g]);
    const query = this.knex(SAMPLES)
      .select('sampled_at', ...columns)
      .sum({ total: 'total', allocated: 'allocated', free: 'free' })
      .where('sampled_at', '>=', from)
      .andWhere('sampled_at', '<=', to)
      .groupBy('sampled_at', ...columns)
      .orderBy(['sampled_at', ...columns]);
    if (filters.provider) query.whereIn('provider', filters.provider);
    if (filters.gpuType) query.whereIn('gpu_type', filters.gpuType);
    if (filters.cluster) query.whereIn('cluster_name', filters.cluster);
    const rows: Array<Record<string, unknown>> = await query;
    return rows.map(r => {
      const sample: StoredSample = {
        sampledAt: new Date(r.sampled_at as Date | number | string),
        // PostgreSQL sums integers into bigint, which pg hands over as text.
        total: Number(r.total),
        allocated: Number(r.allocated),
        free: Number(r.free),
      };
      for (const g of groupBy) sample[g] = r[SAMPLE_COLUMNS[g]] as string;
      return sample;
    });
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

  private async touch(
    trx: Knex.Transaction,
    cluster: string,
    at: Date,
  ): Promise<number> {
    await trx(REPORTS)
      .insert({ cluster_name: cluster, reported_at: at, version: 1 })
      .onConflict('cluster_name')
      .merge({
        reported_at: at,
        version: trx.raw('?? + 1', [`${REPORTS}.version`]),
      });
    const row = await trx(REPORTS)
      .where({ cluster_name: cluster })
      .first('version');
    return Number(row.version);
  }
}
