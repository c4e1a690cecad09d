/** A controller's queue of object keys: each key once, handled after the write that queued it. */

const RETRY_DELAY_MS = 100;
const MAX_ATTEMPTS = 5;

export class WorkQueue {
  readonly #pending = new Set<string>();
  readonly #attempts = new Map<string, number>();
  readonly #delayed = new Map<string, NodeJS.Timeout>();
  readonly #retries = new Set<NodeJS.Timeout>();
  #scheduled: NodeJS.Immediate | undefined;
  #stopped = false;

  constructor(private readonly handle: (key: string) => void) {}

  /** Queues the key; a key already waiting is handled once. */
  add(key: string): void {
    if (this.#stopped) return;
    this.#pending.add(key);
    // After the current request has answered, as a controller watching the API would.
    this.#scheduled ??= setImmediate(() => this.#drain());
  }

  /** Queues the key after `delayMs` (e.g. when a deadline passes), replacing an earlier delay for it. */
  addAfter(key: string, delayMs: number): void {
    if (this.#stopped) return;
    clearTimeout(this.#delayed.get(key));
    this.#delayed.set(
      key,
      setTimeout(() => {
        this.#delayed.delete(key);
        this.add(key);
      }, delayMs).unref(),
    );
  }

  stop(): void {
    this.#stopped = true;
    if (this.#scheduled) clearImmediate(this.#scheduled);
    for (const timer of [...this.#delayed.values(), ...this.#retries]) {
      clearTimeout(timer);
    }
    this.#delayed.clear();
    this.#retries.clear();
    this.#pending.clear();
  }

  #drain() {
    this.#scheduled = undefined;
    const keys = [...this.#pending];
    this.#pending.clear();
    for (const key of keys) {
      if (this.#stopped) return;
      try {
        this.handle(key);
        this.#attempts.delete(key);
      } catch {
        // A write may fail (say, its namespace is being deleted): retry a little, then wait for the next event.
        const attempts = (this.#attempts.get(key) ?? 0) + 1;
        if (attempts < MAX_ATTEMPTS) {
          this.#attempts.set(key, attempts);
          const timer = setTimeout(() => {
            this.#retries.delete(timer);
            this.add(key);
          }, RETRY_DELAY_MS * attempts);
          this.#retries.add(timer);
        } else {
          this.#attempts.delete(key);
        }
      }
    }
  }
}
