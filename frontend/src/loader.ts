// loader.ts: one load at a time. A new load cancels the one in flight (AbortController), so a
// superseded answer never paints; schedule() debounces a burst of calls into one load.

export interface LoadSpec<S extends object, T> {
  /** schedule()'s wait in ms when it is given none. */
  delay?: number;
  /** begin reads what a load is for (the view state, say), before the one in flight is
   * cancelled; null means no load now, and the one in flight carries on. */
  begin: () => S | null;
  /** load fetches for s; signal aborts when a newer load starts or the loader is cancelled. */
  load: (s: S, signal: AbortSignal) => Promise<T>;
  /** paint shows a result; never called for a superseded load. */
  paint: (result: T, s: S) => void;
  /** fail shows an error (thrown by load or paint); never called for a superseded load. */
  fail: (err: unknown, s: S) => void;
}

export interface Loader {
  /** run starts a load now, cancelling the one in flight; it settles once painted or failed. */
  run(): Promise<void>;
  /** schedule runs a load after delay ms unless called again first (the last call wins). */
  schedule(delay?: number): void;
  /** cancel aborts the load in flight (a scheduled one still runs). */
  cancel(): void;
}

export function loader<S extends object, T>(spec: LoadSpec<S, T>): Loader {
  let ctl: AbortController | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = async (): Promise<void> => {
    const s = spec.begin();
    if (s === null) return;
    ctl?.abort();
    const c = (ctl = new AbortController());
    try {
      const result = await spec.load(s, c.signal);
      if (!c.signal.aborted) spec.paint(result, s);
    } catch (e) {
      if (!c.signal.aborted) spec.fail(e, s);
    }
  };
  return {
    run,
    schedule(delay = spec.delay ?? 0) {
      clearTimeout(timer);
      timer = setTimeout(() => void run(), delay);
    },
    cancel() {
      ctl?.abort();
      ctl = null;
    },
  };
}
