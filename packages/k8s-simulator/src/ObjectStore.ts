/** In-memory object storage with one global resourceVersion and a bounded event history. */

import { deepClone, KubeObject, objectKey } from './kubeObject';

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: StoreEventType;
  /** Storage key (`group/plural`) of the object's resource. */
  resource: string;
  /** The object after the change; for DELETED, the last state with the deletion's resourceVersion. */
  object: KubeObject;
  /** The object before the change (MODIFIED and DELETED). */
  previous?: KubeObject;
  resourceVersion: number;
}

export type StoreListener = (event: StoreEvent) => void;

export interface ObjectStoreOptions {
  /** How many events are kept for watches that resume from a resourceVersion. */
  historySize?: number;
}

export class ObjectStore {
  // Start above zero so resourceVersions look like the opaque numbers real clusters hand out.
  #resourceVersion = 1000;
  readonly #objects = new Map<string, Map<string, KubeObject>>();
  #history: StoreEvent[] = [];
  #evictedThrough = 0;
  readonly #historySize: number;
  readonly #listeners = new Set<StoreListener>();
  readonly #undelivered: StoreEvent[] = [];
  #delivering = false;

  constructor(options: ObjectStoreOptions = {}) {
    this.#historySize = options.historySize ?? 10_000;
  }

  get resourceVersion(): number {
    return this.#resourceVersion;
  }

  /** Returns a copy; mutating it does not change the store. */
  get(
    resource: string,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    return deepClone(
      this.#objects.get(resource)?.get(objectKey(namespace, name)),
    );
  }

  has(resource: string, namespace: string | undefined, name: string): boolean {
    return (
      this.#objects.get(resource)?.has(objectKey(namespace, name)) ?? false
    );
  }

  /** Copies of the stored objects in key order (namespace, then name), like etcd. */
  list(resource: string, namespace?: string): KubeObject[] {
    const bucket = this.#objects.get(resource);
    if (!bucket) {
      return [];
    }
    const keys = [...bucket.keys()].sort();
    const result: KubeObject[] = [];
    for (const key of keys) {
      const obj = bucket.get(key)!;
      if (namespace === undefined || obj.metadata.namespace === namespace) {
        result.push(deepClone(obj));
      }
    }
    return result;
  }

  /** Stores the object under a fresh resourceVersion and returns the stored copy. */
  write(resource: string, object: KubeObject): KubeObject {
    const key = objectKey(object.metadata.namespace, object.metadata.name!);
    let bucket = this.#objects.get(resource);
    if (!bucket) {
      bucket = new Map();
      this.#objects.set(resource, bucket);
    }
    const previous = bucket.get(key);
    const stored = deepClone(object);
    stored.metadata.resourceVersion = String(++this.#resourceVersion);
    bucket.set(key, stored);
    this.#record({
      type: previous ? 'MODIFIED' : 'ADDED',
      resource,
      object: stored,
      previous,
      resourceVersion: this.#resourceVersion,
    });
    return deepClone(stored);
  }

  /** Removes the object; the returned copy carries the deletion's resourceVersion. */
  remove(
    resource: string,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const bucket = this.#objects.get(resource);
    const key = objectKey(namespace, name);
    const previous = bucket?.get(key);
    if (!bucket || !previous) {
      return undefined;
    }
    bucket.delete(key);
    const deleted = deepClone(previous);
    deleted.metadata.resourceVersion = String(++this.#resourceVersion);
    this.#record({
      type: 'DELETED',
      resource,
      object: deleted,
      previous,
      resourceVersion: this.#resourceVersion,
    });
    return deepClone(deleted);
  }

  /**
   * Events after the given resourceVersion, or 'expired' when some of them
   * have already fallen out of the history window.
   */
  eventsSince(resourceVersion: number): StoreEvent[] | 'expired' {
    if (resourceVersion < this.#evictedThrough) {
      return 'expired';
    }
    // History is ordered by resourceVersion, so binary-search the first newer event.
    let lo = 0;
    let hi = this.#history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#history[mid].resourceVersion <= resourceVersion) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return this.#history.slice(lo);
  }

  /** The oldest resourceVersion a watch can still resume from. */
  get oldestResumableVersion(): number {
    return this.#evictedThrough;
  }

  subscribe(listener: StoreListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #record(event: StoreEvent): void {
    this.#history.push(event);
    // Trim in batches (up to 10% over the limit) so eviction stays cheap under steady writes.
    if (this.#history.length > Math.floor(this.#historySize * 1.1)) {
      const excess = this.#history.length - this.#historySize;
      this.#evictedThrough = this.#history[excess - 1].resourceVersion;
      this.#history = this.#history.slice(excess);
    }
    // A listener may write (controllers do): its events wait until every
    // listener has seen this one, so all of them see resourceVersion order.
    this.#undelivered.push(event);
    if (this.#delivering) {
      return;
    }
    this.#delivering = true;
    try {
      for (
        let next = this.#undelivered.shift();
        next;
        next = this.#undelivered.shift()
      ) {
        for (const listener of [...this.#listeners]) {
          try {
            listener(next);
          } catch {
            // A failing watcher must never undo or block a write.
          }
        }
      }
    } finally {
      this.#delivering = false;
    }
  }
}
