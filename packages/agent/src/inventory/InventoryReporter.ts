import {
  CoreV1Api,
  KubeConfig,
  ListWatch,
  V1Node,
  V1Pod,
} from '@kubernetes/client-node';
import {
  InventoryReport,
  NodeInventory,
  nodeInventoryFromNode,
  podGpuAllocation,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { GpuAllocationLedger } from './GpuAllocationLedger';
import { makeSlimInformer, SlimObject, slimObject } from './slimInformer';

type NodeBase = Omit<NodeInventory, 'gpuAllocated'>;
type PodAllocation = ReturnType<typeof podGpuAllocation>;
type Kind = 'nodes' | 'pods';

// What the scheduler watches too: pods that are bound and not finished.
const HOLDING_PODS =
  'spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed';

export interface InventoryReporterOptions {
  /** Reports within this window are merged into one delta (default 300 ms). */
  coalesceMs?: number;
  /** Objects per list page (default 500). */
  pageSize?: number;
  /** Backoff after a failed list or watch (default 1 s doubling to 30 s). */
  retryInitialMs?: number;
  retryMaxMs?: number;
  logger?: { info(message: string): void; warn(message: string): void };
}

/**
 * Watches the cluster's nodes and pods and reports the GPU inventory: a
 * snapshot first (and after `resnapshot()`), then deltas naming only the
 * nodes whose report changed, merged over a short window.
 */
export class InventoryReporter {
  private readonly nodes = new Map<string, NodeBase>();
  private readonly ledger = new GpuAllocationLedger();
  /** The last reported form of each node, to drop changes nobody would see. */
  private readonly reported = new Map<string, string>();
  private readonly dirty = new Set<string>();
  private readonly informers: Record<Kind, ListWatch<SlimObject<any>>>;
  private readonly synced: Record<Kind, boolean> = {
    nodes: false,
    pods: false,
  };
  private readonly failed: Record<Kind, boolean> = {
    nodes: false,
    pods: false,
  };
  private readonly attempts: Record<Kind, number> = { nodes: 0, pods: 0 };
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private flushTimer?: NodeJS.Timeout;
  private snapshotDue = true;
  private seq = 0;
  private stopped = true;

  constructor(
    kubeConfig: KubeConfig,
    private readonly onReport: (report: InventoryReport) => void,
    private readonly options: InventoryReporterOptions = {},
  ) {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const pageSize = options.pageSize ?? 500;
    const nodes = makeSlimInformer<V1Node, NodeBase>({
      kubeConfig,
      path: '/api/v1/nodes',
      pageSize,
      listPage: page => core.listNode(page),
      slim: node => {
        const { gpuAllocated: _, ...base } = nodeInventoryFromNode(node);
        return slimObject(node, base);
      },
    });
    const pods = makeSlimInformer<V1Pod, PodAllocation>({
      kubeConfig,
      path: '/api/v1/pods',
      pageSize,
      fieldSelector: HOLDING_PODS,
      listPage: page => core.listPodForAllNamespaces(page),
      slim: pod => slimObject(pod, podGpuAllocation(pod)),
    });
    this.informers = { nodes, pods };

    const nodeChanged = (obj: SlimObject<NodeBase>) => {
      this.nodes.set(obj.metadata.name, obj.value);
      this.markDirty([obj.metadata.name]);
    };
    nodes.on('add', nodeChanged);
    nodes.on('update', nodeChanged);
    nodes.on('delete', obj => {
      this.nodes.delete(obj.metadata.name);
      this.markDirty([obj.metadata.name]);
    });
    const podKey = (obj: SlimObject<unknown>) =>
      `${obj.metadata.namespace}/${obj.metadata.name}`;
    const podChanged = (obj: SlimObject<PodAllocation>) =>
      this.markDirty(this.ledger.set(podKey(obj), obj.value));
    pods.on('add', podChanged);
    pods.on('update', podChanged);
    // Pods that finish leave the field selection and arrive here too.
    pods.on('delete', obj =>
      this.markDirty(this.ledger.set(podKey(obj), undefined)),
    );
    for (const kind of ['nodes', 'pods'] as const) {
      this.informers[kind].on('error', error => this.onError(kind, error));
    }
  }

  /** Lists and starts watching; resolves once both lists are in (or being retried). */
  async start(): Promise<void> {
    this.stopped = false;
    await Promise.all([this.run('nodes'), this.run('pods')]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    await Promise.all([
      this.informers.nodes.stop(),
      this.informers.pods.stop(),
    ]);
  }

  /** The next report is a full snapshot (after a reconnect: the control plane starts afresh). */
  resnapshot(): void {
    this.snapshotDue = true;
    this.scheduleFlush(0);
  }

  private async run(kind: Kind) {
    this.failed[kind] = false;
    await this.informers[kind].start();
    if (this.stopped || this.failed[kind]) return;
    this.attempts[kind] = 0;
    if (!this.synced[kind]) {
      this.synced[kind] = true;
      this.scheduleFlush(0);
    }
  }

  private onError(kind: Kind, error: unknown) {
    // Stopping aborts the watch, which the informer reports as an error.
    if (this.stopped) return;
    this.failed[kind] = true;
    const initial = this.options.retryInitialMs ?? 1000;
    const delay = Math.min(
      this.options.retryMaxMs ?? 30_000,
      initial * 2 ** this.attempts[kind],
    );
    this.attempts[kind] += 1;
    this.options.logger?.warn(
      `inventory: ${kind} list/watch failed (${describe(
        error,
      )}); retrying in ${delay} ms`,
    );
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      if (!this.stopped) void this.run(kind);
    }, delay);
    this.retryTimers.add(timer);
  }

  private markDirty(names: string[]) {
    if (names.length === 0) return;
    for (const name of names) this.dirty.add(name);
    this.scheduleFlush(this.options.coalesceMs ?? 300);
  }

  private scheduleFlush(delayMs: number) {
    if (this.stopped) return;
    if (this.flushTimer && delayMs > 0) return;
    clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, delayMs);
  }

  private current(name: string): NodeInventory | undefined {
    const base = this.nodes.get(name);
    return base && { ...base, gpuAllocated: this.ledger.allocated(name) };
  }

  private flush() {
    if (this.stopped || !this.synced.nodes || !this.synced.pods) return;
    let report: InventoryReport | undefined;
    if (this.snapshotDue) {
      this.snapshotDue = false;
      this.dirty.clear();
      this.reported.clear();
      const nodes = [...this.nodes.keys()].sort().map(n => this.current(n)!);
      for (const node of nodes)
        this.reported.set(node.name, JSON.stringify(node));
      report = { type: 'snapshot', seq: ++this.seq, nodes };
    } else {
      const upserts: NodeInventory[] = [];
      const removed: string[] = [];
      for (const name of [...this.dirty].sort()) {
        const node = this.current(name);
        if (!node) {
          if (this.reported.delete(name)) removed.push(name);
          continue;
        }
        const json = JSON.stringify(node);
        if (this.reported.get(name) !== json) {
          this.reported.set(name, json);
          upserts.push(node);
        }
      }
      this.dirty.clear();
      if (upserts.length || removed.length) {
        report = { type: 'delta', seq: ++this.seq, upserts, removed };
      }
    }
    if (!report) return;
    try {
      this.onReport(report);
    } catch (error) {
      this.options.logger?.warn(
        `inventory: report handler failed: ${describe(error)}`,
      );
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
