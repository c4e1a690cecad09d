import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  CapacityGroupKey,
  CapacityResponse,
  Cluster,
  ClusterInventoryResponse,
  describeZodIssues,
  inventoryReportSchema,
  NodeInventory,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { ClusterRegistry } from '../registry/ClusterRegistry';
import {
  CapacityCell,
  capacityCells,
  CapacityFilters,
  capacityFigures,
  FleetCell,
  GpuPrice,
} from './capacityFigures';
import { InventoryStore, StoredInventory } from './InventoryStore';

/** A report the session cannot apply; the gateway closes the session so the agent starts afresh. */
export class InventoryReportError extends InputError {}

interface ClusterInventory {
  reportedAt: Date;
  /** The stored version this copy matches. */
  version: number;
  nodes: Map<string, NodeInventory>;
  /** Summed on every report, so a query costs per cell, not per node. */
  cells: CapacityCell[];
}

function clusterInventory(
  reportedAt: Date,
  version: number,
  nodes: Map<string, NodeInventory>,
): ClusterInventory {
  return { reportedAt, version, nodes, cells: capacityCells(nodes.values()) };
}

const storedInventory = (stored: StoredInventory) =>
  clusterInventory(
    stored.reportedAt,
    stored.version,
    new Map(stored.nodes.map(n => [n.name, n])),
  );

export interface CapacitySettings {
  prices: GpuPrice[];
  currency: string;
}

// Queries see clusters attached or detached, and reports that reached
// another replica, within this long.
const REFRESH_MS = 2000;
// Clusters read from the database at once while catching up.
const CATCH_UP_BATCH = 200;

/**
 * The latest inventory of every cluster, in memory for queries and in the
 * database so it survives a restart and reaches the other replicas. Each
 * cluster's reports apply one at a time, in the order they arrived.
 */
export class InventoryService {
  private readonly inventories = new Map<string, ClusterInventory>();
  private readonly lastSeq = new Map<string, number>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private clusters?: { at: number; byName: Map<string, Cluster> };

  constructor(
    private readonly store: InventoryStore,
    private readonly registry: ClusterRegistry,
    /** Prices and currency, for figures other routes price too. */
    readonly settings: CapacitySettings,
    private readonly logger: LoggerService,
    private readonly now: () => Date = () => new Date(),
  ) {
    registry.onTokenInvalidated(name => {
      this.clusters = undefined;
      this.forgetIfDetached(name).catch(error =>
        this.logger.error(`could not drop ${name}'s inventory: ${error}`),
      );
    });
  }

  async load(): Promise<void> {
    for (const [cluster, stored] of await this.store.loadAll()) {
      this.inventories.set(cluster, storedInventory(stored));
    }
  }

  /** A new session must begin with a snapshot. */
  sessionStarted(cluster: string) {
    this.lastSeq.delete(cluster);
  }

  applyReport(cluster: string, body: unknown): Promise<void> {
    return this.enqueue(cluster, () => this.apply(cluster, body));
  }

  async capacity(
    groupBy: CapacityGroupKey[],
    filters: CapacityFilters,
  ): Promise<CapacityResponse> {
    const { rows, totals } = capacityFigures(
      await this.fleetCells(),
      groupBy,
      filters,
      this.settings.prices,
    );
    return {
      groupBy,
      rows,
      totals,
      currency: this.settings.currency,
      generatedAt: this.now().toISOString(),
    };
  }

  /** 404 for a cluster never attached; an empty list before its first report. */
  async inventory(cluster: string): Promise<ClusterInventoryResponse> {
    await this.registry.get(cluster);
    await this.refresh();
    const inventory = this.inventories.get(cluster);
    return {
      cluster,
      reportedAt: inventory?.reportedAt.toISOString() ?? null,
      nodes: inventory
        ? [...inventory.nodes.values()].sort((a, b) =>
            a.name.localeCompare(b.name),
          )
        : [],
    };
  }

  /** The GPU capacity of every attached cluster, in cells. */
  async fleetCells(): Promise<FleetCell[]> {
    const clusters = await this.refresh();
    const result: FleetCell[] = [];
    for (const [name, inventory] of this.inventories) {
      const cluster = clusters.get(name);
      if (!cluster) continue;
      for (const cell of inventory.cells) {
        result.push({ cluster: name, provider: cluster.provider, cell });
      }
    }
    return result;
  }

  private async apply(cluster: string, body: unknown) {
    const parsed = inventoryReportSchema.safeParse(body);
    if (!parsed.success) {
      throw new InventoryReportError(describeZodIssues(parsed.error)[0]);
    }
    const report = parsed.data;
    const at = this.now();
    if (report.type === 'snapshot') {
      // A newly attached cluster should not wait for the cache to expire.
      if (!this.clusters?.byName.has(cluster)) this.clusters = undefined;
      const version = await this.store.replace(cluster, report.nodes, at);
      this.inventories.set(
        cluster,
        clusterInventory(
          at,
          version,
          new Map(report.nodes.map(n => [n.name, n])),
        ),
      );
    } else {
      const last = this.lastSeq.get(cluster);
      if (last === undefined || report.seq !== last + 1) {
        throw new InventoryReportError(
          last === undefined
            ? 'seq: a delta arrived before the session snapshot'
            : `seq: expected ${last + 1}, got ${report.seq}; a report was lost`,
        );
      }
      const version = await this.store.applyDelta(
        cluster,
        report.upserts,
        report.removed,
        at,
      );
      const nodes =
        this.inventories.get(cluster)?.nodes ??
        new Map<string, NodeInventory>();
      for (const node of report.upserts) nodes.set(node.name, node);
      for (const name of report.removed) nodes.delete(name);
      this.inventories.set(cluster, clusterInventory(at, version, nodes));
    }
    this.lastSeq.set(cluster, report.seq);
  }

  /** Whatever was queued for the cluster before runs first, failed or not. */
  private enqueue(cluster: string, task: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(cluster) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(task);
    this.queues.set(cluster, next);
    next
      .finally(() => {
        if (this.queues.get(cluster) === next) this.queues.delete(cluster);
      })
      .catch(() => undefined);
    return next;
  }

  /** The attached clusters, read again, with other replicas' reports, when older than REFRESH_MS. */
  private async refresh(): Promise<Map<string, Cluster>> {
    const at = Date.now();
    if (!this.clusters || at - this.clusters.at > REFRESH_MS) {
      const byName = new Map<string, Cluster>();
      for (let offset = 0; ; offset += 1000) {
        const page = await this.registry.list({ limit: 1000, offset });
        for (const c of page.items) if (!c.detachedAt) byName.set(c.name, c);
        if (page.items.length < 1000) break;
      }
      await this.catchUp();
      this.clusters = { at, byName };
    }
    return this.clusters.byName;
  }

  /**
   * An agent reports to the replica holding its session; every other replica
   * reloads a cluster whose stored version differs from its own copy's.
   */
  private async catchUp() {
    const stored = await this.store.versions();
    // What this replica held when it looked: a report applied here meanwhile wins.
    const stale = new Map<string, ClusterInventory | undefined>();
    for (const [name, version] of stored) {
      const mine = this.inventories.get(name);
      if (mine?.version !== version) {
        stale.set(name, mine);
      }
    }
    for (const [name, mine] of this.inventories) {
      if (!stored.has(name)) stale.set(name, mine);
    }
    const names = [...stale.keys()];
    const loaded = new Map<string, StoredInventory>();
    for (let i = 0; i < names.length; i += CATCH_UP_BATCH) {
      const batch = names.slice(i, i + CATCH_UP_BATCH);
      for (const [name, inv] of await this.store.loadAll(batch)) {
        loaded.set(name, inv);
      }
    }
    for (const [name, before] of stale) {
      if (this.inventories.get(name) !== before) continue;
      const inv = loaded.get(name);
      if (inv) {
        this.inventories.set(name, storedInventory(inv));
      } else {
        this.inventories.delete(name);
      }
    }
  }

  private async forgetIfDetached(name: string) {
    const cluster = await this.registry.get(name);
    if (cluster.detachedAt) {
      await this.enqueue(name, async () => {
        this.inventories.delete(name);
        this.lastSeq.delete(name);
        await this.store.forget(name);
      });
    }
  }
}
