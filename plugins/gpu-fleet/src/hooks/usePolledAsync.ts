import {
  DependencyList,
  useCallback,
  useEffect,
  useRef,
  useState,
} from 'react';

export interface PolledState<T> {
  /** The latest successful result; kept while a refresh is in flight or fails. */
  value?: T;
  /** The latest failure; cleared by the next success. */
  error?: Error;
  /** True until the first result or failure for the current `deps`. */
  loading: boolean;
  /** When `value` was fetched. */
  updatedAt?: Date;
  refresh(): void;
}

type State<T> = Omit<PolledState<T>, 'refresh'>;

/**
 * Runs `fn` now, again whenever `deps` change, and every `intervalMs` while
 * mounted. A tick is skipped while the previous call is still out, an older
 * answer never overwrites a newer one, and a failed refresh keeps the last
 * good value beside the error.
 */
export function usePolledAsync<T>(
  fn: () => Promise<T>,
  deps: DependencyList,
  intervalMs?: number,
): PolledState<T> {
  const [state, setState] = useState<State<T>>({ loading: true });
  // One object for the life of the component, so cleanups may hold it.
  const calls = useRef({ latest: 0, inFlight: false });
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(fn, deps);

  const load = useCallback(() => {
    const counter = calls.current;
    const call = ++counter.latest;
    counter.inFlight = true;
    run().then(
      value => {
        if (call !== counter.latest) return;
        counter.inFlight = false;
        setState({ value, loading: false, updatedAt: new Date() });
      },
      error => {
        if (call !== counter.latest) return;
        counter.inFlight = false;
        setState(previous => ({ ...previous, error, loading: false }));
      },
    );
  }, [run]);

  useEffect(() => {
    // New inputs: figures for the old ones would mislead.
    const counter = calls.current;
    setState({ loading: true });
    load();
    const timer = intervalMs
      ? setInterval(() => {
          if (!counter.inFlight) load();
        }, intervalMs)
      : undefined;
    return () => {
      if (timer) clearInterval(timer);
      counter.latest++;
      counter.inFlight = false;
    };
  }, [load, intervalMs]);

  return { ...state, refresh: load };
}
