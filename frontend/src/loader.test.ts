import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loader } from './loader';

/** deferred is a promise settled from outside, as a request that answers when told. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

/** fakeApi records each request and answers it only when the test says so. */
function fakeApi() {
  const requests: { q: string; signal: AbortSignal; answer: ReturnType<typeof deferred<string>> }[] = [];
  const fetch = (q: string, signal: AbortSignal): Promise<string> => {
    const answer = deferred<string>();
    signal.addEventListener('abort', () => answer.reject(new DOMException('aborted', 'AbortError')));
    requests.push({ q, signal, answer });
    return answer.promise;
  };
  return { requests, fetch };
}

describe('loader: cancel', () => {
  it('a superseded load never paints, even if its answer comes last', async () => {
    const api = fakeApi();
    let q = 'first';
    const painted: string[] = [];
    const failed: unknown[] = [];
    const l = loader({
      begin: () => ({ q }),
      // an answer that ignores the signal, as a response already on its way
      load: ({ q }, signal) => api.fetch(q, signal).catch(() => `late ${q}`),
      paint: (r) => painted.push(r),
      fail: (e) => failed.push(e),
    });
    const first = l.run();
    q = 'second';
    const second = l.run();
    expect(api.requests.map((r) => r.q)).toEqual(['first', 'second']);
    expect(api.requests[0]?.signal.aborted).toBe(true);
    expect(api.requests[1]?.signal.aborted).toBe(false);
    api.requests[1]?.answer.resolve('second answer');
    await second;
    await first;
    expect(painted).toEqual(['second answer']);
    expect(failed).toEqual([]);
  });

  it('a superseded load that fails shows no error; the current one does', async () => {
    const api = fakeApi();
    const painted: string[] = [];
    const failed: string[] = [];
    const l = loader({
      begin: () => ({}),
      load: (_s, signal) => api.fetch('q', signal),
      paint: (r) => painted.push(r),
      fail: (e) => failed.push(String(e)),
    });
    const first = l.run();
    const second = l.run();
    api.requests[1]?.answer.reject('boom');
    await Promise.all([first, second]);
    expect(painted).toEqual([]);
    expect(failed).toEqual(['boom']);
  });

  it('cancel aborts the load in flight without painting or failing', async () => {
    const api = fakeApi();
    const seen: string[] = [];
    const l = loader({
      begin: () => ({}),
      load: (_s, signal) => api.fetch('q', signal),
      paint: (r) => seen.push(`paint ${r}`),
      fail: (e) => seen.push(`fail ${String(e)}`),
    });
    const p = l.run();
    l.cancel();
    await p;
    expect(api.requests[0]?.signal.aborted).toBe(true);
    expect(seen).toEqual([]);
  });

  it('paints with the state the load began with; begin null leaves the load in flight alone', async () => {
    const api = fakeApi();
    let ready = true;
    let n = 1;
    const painted: string[] = [];
    const l = loader({
      begin: () => (ready ? { n } : null),
      load: (s, signal) => api.fetch(String(s.n), signal),
      paint: (r, s) => painted.push(`${r} for ${s.n}`),
      fail: () => painted.push('fail'),
    });
    const p = l.run();
    ready = false;
    n = 2;
    await l.run();
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]?.signal.aborted).toBe(false);
    api.requests[0]?.answer.resolve('answer');
    await p;
    expect(painted).toEqual(['answer for 1']);
  });

  it('an error thrown while painting is shown by fail', async () => {
    const failed: string[] = [];
    const l = loader({
      begin: () => ({}),
      load: () => Promise.resolve('x'),
      paint: () => { throw new Error('paint broke'); },
      fail: (e) => failed.push((e as Error).message),
    });
    await l.run();
    expect(failed).toEqual(['paint broke']);
  });
});

describe('loader: debounce', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('rapid calls make one request, for the state at the end of the wait', async () => {
    const api = fakeApi();
    let q = 0;
    const painted: string[] = [];
    const l = loader({
      delay: 120,
      begin: () => ({ q }),
      load: ({ q }, signal) => api.fetch(String(q), signal),
      paint: (r) => painted.push(r),
      fail: () => painted.push('fail'),
    });
    for (let i = 1; i <= 10; i++) {
      q = i;
      l.schedule();
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(api.requests).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(70);
    expect(api.requests.map((r) => r.q)).toEqual(['10']);
    api.requests[0]?.answer.resolve('ten');
    await vi.advanceTimersByTimeAsync(0);
    expect(painted).toEqual(['ten']);
  });

  it('schedule takes a delay of its own; 0 runs on the next turn', async () => {
    const api = fakeApi();
    const l = loader({
      delay: 300,
      begin: () => ({}),
      load: (_s, signal) => api.fetch('q', signal),
      paint: () => undefined,
      fail: () => undefined,
    });
    l.schedule();
    l.schedule(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(api.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(api.requests).toHaveLength(1);
  });
});
