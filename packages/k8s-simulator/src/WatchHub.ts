/** Streams watch events to HTTP clients, each with its own bounded, backpressure-aware buffer. */

import { IncomingMessage, ServerResponse } from 'node:http';
import { KubeObject } from './kubeObject';
import { ObjectStore, StoreEvent } from './ObjectStore';
import { badRequest, expired } from './statusErrors';

export type WatchEventType =
  | 'ADDED'
  | 'MODIFIED'
  | 'DELETED'
  | 'BOOKMARK'
  | 'ERROR';

export interface WatchRequest {
  /** Storage key of the watched resource. */
  resource: string;
  /** Only objects in this namespace; all namespaces when undefined. */
  namespace?: string;
  /** Label/field selector (and name) filter. */
  matches(obj: KubeObject): boolean;
  /** The `resourceVersion` query parameter, unparsed. */
  resourceVersion?: string;
  /** The `sendInitialEvents` query parameter (watch-list), when given. */
  sendInitialEvents?: boolean;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
  /** Current objects of the resource in scope, for the initial ADDED events. */
  listCurrent(): KubeObject[];
  /** What the client receives for an object: the right apiVersion, or a Table row. */
  encode(obj: KubeObject): unknown;
  /** A bookmark object of the watched kind carrying only a resourceVersion. */
  bookmark(resourceVersion: string, initialEventsEnd: boolean): unknown;
}

export interface WatchHubOptions {
  /** A watcher with more than this many bytes waiting to be sent is disconnected. */
  bufferLimitBytes?: number;
  /** How often watchers that allow bookmarks get one. */
  bookmarkIntervalMs?: number;
}

class Watcher {
  #pending: string[] = [];
  #pendingBytes = 0;
  #draining = false;
  #closed = false;
  readonly #cleanups: Array<() => void> = [];

  constructor(
    private readonly res: ServerResponse,
    private readonly bufferLimitBytes: number,
    private readonly onClose: () => void,
  ) {
    res.on('close', () => this.#finish());
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Registers teardown work (timers, subscriptions) for when the stream ends. */
  onFinish(cleanup: () => void) {
    this.#cleanups.push(cleanup);
  }

  send(type: WatchEventType, object: unknown) {
    if (this.#closed) {
      return;
    }
    const line = `${JSON.stringify({ type, object })}\n`;
    if (this.#draining) {
      this.#pending.push(line);
      this.#pendingBytes += Buffer.byteLength(line);
      if (
        this.#pendingBytes + this.res.writableLength >
        this.bufferLimitBytes
      ) {
        // The client is not keeping up; cut it loose so it re-lists instead of stalling everyone.
        this.res.destroy();
        this.#finish();
      }
      return;
    }
    if (!this.res.write(line)) {
      this.#draining = true;
      this.res.once('drain', () => this.#flush());
    }
  }

  get draining(): boolean {
    return this.#draining;
  }

  #flush() {
    this.#draining = false;
    while (this.#pending.length > 0 && !this.#closed) {
      const line = this.#pending.shift()!;
      this.#pendingBytes -= Buffer.byteLength(line);
      if (!this.res.write(line)) {
        this.#draining = true;
        this.res.once('drain', () => this.#flush());
        return;
      }
    }
  }

  end() {
    if (!this.#closed) {
      this.res.end();
      this.#finish();
    }
  }

  #finish() {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    this.#pending = [];
    this.#cleanups.forEach(c => c());
    this.onClose();
  }
}

export class WatchHub {
  readonly #store: ObjectStore;
  readonly #watchers = new Set<Watcher>();
  readonly #bufferLimitBytes: number;
  readonly #bookmarkIntervalMs: number;

  constructor(store: ObjectStore, options: WatchHubOptions = {}) {
    this.#store = store;
    this.#bufferLimitBytes = options.bufferLimitBytes ?? 16 * 1024 * 1024;
    this.#bookmarkIntervalMs = options.bookmarkIntervalMs ?? 30_000;
  }

  get activeWatchers(): number {
    return this.#watchers.size;
  }

  /** Serves one watch request until timeout, disconnect, or server shutdown. */
  serve(
    req: IncomingMessage,
    res: ServerResponse,
    request: WatchRequest,
  ): void {
    const rv = request.resourceVersion;
    let initial: KubeObject[] | undefined;
    let replay: StoreEvent[] | 'expired' | undefined;
    if (request.sendInitialEvents || !rv || rv === '0') {
      // No position given: synthesize ADDED for what exists now, then follow.
      initial = request.listCurrent().filter(o => request.matches(o));
    } else {
      if (!/^\d+$/.test(rv)) {
        throw badRequest(`invalid resource version: ${JSON.stringify(rv)}`);
      }
      replay = this.#store.eventsSince(Number(rv));
    }

    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    req.socket.setNoDelay(true);

    const watcher = new Watcher(res, this.#bufferLimitBytes, () =>
      this.#watchers.delete(watcher),
    );
    this.#watchers.add(watcher);

    if (replay === 'expired') {
      const oldest = this.#store.oldestResumableVersion;
      watcher.send(
        'ERROR',
        expired(`too old resource version: ${rv} (${oldest})`).toStatus(),
      );
      watcher.end();
      return;
    }

    const deliver = (event: StoreEvent) => {
      if (
        request.namespace !== undefined &&
        event.object.metadata.namespace !== request.namespace
      ) {
        return;
      }
      const now = request.matches(event.object);
      const before =
        event.previous !== undefined && request.matches(event.previous);
      // Objects moving in or out of the selector look like ADDED/DELETED to this watcher.
      if (event.type === 'ADDED' && now) {
        watcher.send('ADDED', request.encode(event.object));
      } else if (event.type === 'MODIFIED') {
        if (now && before)
          watcher.send('MODIFIED', request.encode(event.object));
        else if (now) watcher.send('ADDED', request.encode(event.object));
        else if (before) watcher.send('DELETED', request.encode(event.object));
      } else if (event.type === 'DELETED' && before) {
        watcher.send('DELETED', request.encode(event.object));
      }
    };

    const unsubscribe = this.#store.subscribe(event => {
      if (event.resource === request.resource) {
        deliver(event);
      }
    });
    watcher.onFinish(unsubscribe);

    if (initial) {
      for (const obj of initial) {
        watcher.send('ADDED', request.encode(obj));
      }
      if (request.sendInitialEvents && request.allowBookmarks) {
        watcher.send(
          'BOOKMARK',
          request.bookmark(String(this.#store.resourceVersion), true),
        );
      }
    } else {
      for (const event of replay as StoreEvent[]) {
        if (event.resource === request.resource) {
          deliver(event);
        }
      }
    }

    if (request.allowBookmarks) {
      const timer = setInterval(() => {
        if (!watcher.draining) {
          watcher.send(
            'BOOKMARK',
            request.bookmark(String(this.#store.resourceVersion), false),
          );
        }
      }, this.#bookmarkIntervalMs);
      timer.unref();
      watcher.onFinish(() => clearInterval(timer));
    }
    if (request.timeoutSeconds !== undefined && request.timeoutSeconds > 0) {
      const timer = setTimeout(
        () => watcher.end(),
        request.timeoutSeconds * 1000,
      );
      timer.unref();
      watcher.onFinish(() => clearTimeout(timer));
    }
  }

  /** Ends every open watch stream (server shutdown). */
  closeAll(): void {
    for (const watcher of [...this.#watchers]) {
      watcher.end();
    }
  }
}
