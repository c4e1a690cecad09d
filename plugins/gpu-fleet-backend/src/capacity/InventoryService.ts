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
  CapacityFilters,
  capacityFigures,
  FleetNode,
  GpuPrice,
} from './capacityFigures';
import { InventoryStore } from './InventoryStore';

/** A report the session cannot apply; the gateway closes the session so the agent starts afresh. */
export class InventoryReportError extends InputError {}

interface ClusterInventory {
  reportedAt: Date;
  nodes: Map<string, NodeInventory>;
}

export interface CapacitySettings {
  prices: GpuPrice[];
  currency: string;
}

// Queries see clusters attached or detached within this long.
const CLUSTER_CACHE_MS = 2000;

/**
 * The latest inventory of every cluster, in memory for queries and in the
 * database so it survives a restart. Each cluster's reports apply one at a
 * time, in the order they arrived.
 */
export class InventoryService {
  private readonly inventories = new Map<string, ClusterInventory>();
  private readonly lastSeq = new Map<string, number>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private clusters?: { at: number; byName: Map<string, Cluster> };

  constructor(
    private readonly store: InventoryStore,
    private readonly registry: ClusterRegistry,
    private readonly settings: CapacitySettings,
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
      this.inventories.set(cluster, {
        reportedAt: stored.reportedAt,
        nodes: new Map(stored.nodes.map(n => [n.name, n])),
      });
    }
  }

  /** A new session must begin with a snapshot. */
  sessionStarted(cluster: string) {
    this.lastSeq.delete(cluster);
  }

  applyReport(cluster: string, body: unknown): Promise<void> {
    const previous = this.queues.get(cluster) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => this.apply(cluster, body));
    this.queues.set(cluster, next);
    return next;
  }

  async capacity(
    groupBy: CapacityGroupKey[],
    filters: CapacityFilters,
  ): Promise<CapacityResponse> {
    const { rows, totals } = capacityFigures(
      await this.fleetNodes(),
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

  /** Every reported node of every attached cluster. */
  async fleetNodes(): Promise<FleetNode[]> {
    const clusters = await this.liveClusters();
    const result: FleetNode[] = [];
    for (const [name, inventory] of this.inventories) {
      const cluster = clusters.get(name);
      if (!cluster) continue;
      for (const node of inventory.nodes.values()) {
        result.push({ cluster: name, provider: cluster.provider, node });
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
      await this.store.replace(cluster, report.nodes, at);
      this.inventories.set(cluster, {
        reportedAt: at,
        nodes: new Map(report.nodes.map(n => [n.name, n])),
      });
    } else {
      const last = this.lastSeq.get(cluster);
      if (last === undefined || report.seq !== last + 1) {
        throw new InventoryReportError(
          last === undefined
            ? 'seq: a delta arrived before the session snapshot'
            : `seq: expected ${last + 1}, got ${report.seq}; a report was lost`,
        );
      }
      await this.store.applyDelta(cluster, report.upserts, report.removed, at);
      const inventory = this.inventories.get(cluster) ?? {
        reportedAt: at,
        nodes: new Map<string, NodeInventory>(),
      };
      inventory.reportedAt = at;
      for (const node of report.upserts) inventory.nodes.set(node.name, node);
      for (const name of report.removed) inventory.nodes.delete(name);
      this.inventories.set(cluster, inventory);
    }
    this.lastSeq.set(cluster, report.seq);
  }

  private async liveClusters(): Promise<Map<string, Cluster>> {
    const at = Date.now();
    if (!this.clusters || at - this.clusters.at > CLUSTER_CACHE_MS) {
      const byName = new Map<string, Cluster>();
      for (let offset = 0; ; offset += 1000) {
        const page = await this.registry.list({ limit: 1000, offset });
        for (const c of page.items) if (!c.detachedAt) byName.set(c.name, c);
        if (page.items.length < 1000) break;
      }
      this.clusters = { at, byName };
    }
    return this.clusters.byName;
  }

  private async forgetIfDetached(name: string) {
    const cluster = await this.registry.get(name);
    if (cluster.detachedAt) {
      this.inventories.delete(name);
      this.lastSeq.delete(name);
      await this.store.forget(name);
    }
  }
}
