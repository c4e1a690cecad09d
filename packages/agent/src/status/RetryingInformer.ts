import { ListWatch } from '@kubernetes/client-node';
import type { AgentLogger } from '../AgentConnection';
import { SlimObject } from '../inventory/slimInformer';

export interface RetryPolicy {
  /** Backoff after a failed list or watch: initialMs doubling to maxMs. */
  initialMs: number;
  maxMs: number;
  /** How often a kind the cluster does not serve is looked for again. */
  absentMs: number;
}

/** Answers that say a kind is not there for us: no such CRD, or not ours to read. */
const ABSENT_STATUSES = new Set([403, 404]);

function statusOf(error: unknown): number | undefined {
  const e = error as { code?: unknown; statusCode?: unknown };
  // ApiException (lists) has code; the watch's error has statusCode.
  const status = typeof e?.code === 'number' ? e.code : e?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function describe(error: unknown): string {
  const status = statusOf(error);
  if (status !== undefined) return `HTTP ${status}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * A slim informer that lists and watches again after failures, with
 * backoff. An optional kind (a CRD that may not be installed) answered 404
 * or 403 counts as having no objects, and is looked for again later.
 */
export class RetryingInformer<T> {
  private informer?: ListWatch<SlimObject<T>>;
  private attempts = 0;
  private failedAttempt = false;
  private stopped = true;
  private timer?: NodeJS.Timeout;
  /** Listed at least once, or known to be absent: its objects are known. */
  synced = false;
  /** Tried at least once, however it went. */
  settled = false;
  absent = false;

  constructor(
    private readonly spec: {
      /** For log lines, e.g. "deployments in ml-inference". */
      what: string;
      create: () => ListWatch<SlimObject<T>>;
      optional?: boolean;
      /** Every add, update and delete, and each object dropped when the kind turns out absent. */
      onChange: (obj: SlimObject<T>, deleted: boolean) => void;
      /** The first attempt is over, or the objects became known. */
      onSettled: () => void;
      retry: RetryPolicy;
      logger?: AgentLogger;
    },
  ) {}

  list(namespace?: string): readonly SlimObject<T>[] {
    return this.informer?.list(namespace) ?? [];
  }

  get(name: string, namespace?: string): SlimObject<T> | undefined {
    return this.informer?.get(name, namespace);
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.informer?.stop();
  }

  private async run() {
    if (!this.informer) this.informer = this.wire(this.spec.create());
    const informer = this.informer;
    this.failedAttempt = false;
    try {
      await informer.start();
    } catch (error) {
      // Reading the kubeconfig can throw before the informer does anything.
      this.onError(informer, error);
    }
    if (this.stopped || this.failedAttempt || informer !== this.informer) {
      return;
    }
    this.attempts = 0;
    if (this.absent) {
      this.absent = false;
      this.spec.logger?.info(`status: ${this.spec.what} are served now`);
    }
    this.settle(true);
  }

  private wire(informer: ListWatch<SlimObject<T>>) {
    const changed = (deleted: boolean) => (obj: SlimObject<T>) => {
      if (informer === this.informer) this.spec.onChange(obj, deleted);
    };
    informer.on('add', changed(false));
    informer.on('update', changed(false));
    informer.on('delete', changed(true));
    informer.on('error', error => this.onError(informer, error));
    return informer;
  }

  private onError(informer: ListWatch<SlimObject<T>>, error: unknown) {
    // Stopping aborts the watch, which the informer reports as an error.
    if (this.stopped || informer !== this.informer) return;
    this.failedAttempt = true;
    const status = statusOf(error);
    if (
      this.spec.optional &&
      status !== undefined &&
      ABSENT_STATUSES.has(status)
    ) {
      // A fresh informer later: this one's cache would hide objects that come back unchanged.
      const gone = informer.list();
      this.informer = undefined;
      void informer.stop();
      if (!this.absent) {
        this.spec.logger?.info(
          `status: ${this.spec.what} are not served (HTTP ${status}); taken as none, looked for again every ${this.spec.retry.absentMs} ms`,
        );
      }
      this.absent = true;
      for (const obj of gone) this.spec.onChange(obj, true);
      this.settle(true);
      this.schedule(this.spec.retry.absentMs);
      return;
    }
    const { initialMs, maxMs } = this.spec.retry;
    const delay = Math.min(maxMs, initialMs * 2 ** this.attempts);
    this.attempts += 1;
    this.spec.logger?.warn(
      `status: ${this.spec.what} list/watch failed (${describe(
        error,
      )}); retrying in ${delay} ms`,
    );
    this.settle(false);
    this.schedule(delay);
  }

  private settle(synced: boolean) {
    const news = !this.settled || (synced && !this.synced);
    this.settled = true;
    if (synced) this.synced = true;
    if (news) this.spec.onSettled();
  }

  private schedule(delayMs: number) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) void this.run();
    }, delayMs);
  }
}
