// store.ts: the live view state, in one place, mirrored to the URL (replaceState while the
// map moves; pushState for other changes, so Back undoes a filter or a mode switch).

import { decodeState, encodeState, type ViewState } from './state';

export interface UpdateOptions {
  /** Record the change in place of the current history entry (no new Back step). */
  replace?: boolean;
}

type Listener = (s: ViewState, prev: ViewState, opts: UpdateOptions) => void;

export class Store {
  private state: ViewState;
  private listeners: Listener[] = [];

  constructor(initial: ViewState) {
    this.state = initial;
  }

  get(): ViewState {
    return this.state;
  }

  /** update replaces the state with fn(state) and tells every listener. */
  update(fn: (s: ViewState) => ViewState, opts: UpdateOptions = {}): void {
    const prev = this.state;
    const next = fn(prev);
    if (next === prev) return;
    this.state = next;
    for (const l of this.listeners) l(next, prev, opts);
  }

  set(patch: Partial<ViewState>, opts: UpdateOptions = {}): void {
    this.update((s) => ({ ...s, ...patch }), opts);
  }

  subscribe(l: Listener): () => void {
    this.listeners.push(l);
    return () => { this.listeners = this.listeners.filter((x) => x !== l); };
  }
}

const onlyMapMoved = (a: ViewState, b: ViewState): boolean =>
  encodeState({ ...a, lon: 0, lat: 0, zoom: 0 }) === encodeState({ ...b, lon: 0, lat: 0, zoom: 0 });

/** mirrorToUrl keeps location.search equal to the state, and the state to Back/Forward. */
export function mirrorToUrl(store: Store): void {
  let timer = 0;
  let fromHistory = false;
  store.subscribe((s, prev, opts) => {
    if (fromHistory) return;
    const url = `${location.pathname}?${encodeState(s)}${location.hash}`;
    window.clearTimeout(timer);
    if (opts.replace || onlyMapMoved(s, prev)) {
      timer = window.setTimeout(() => history.replaceState(null, '', url), 250);
    } else {
      history.pushState(null, '', url);
    }
  });
  window.addEventListener('popstate', () => {
    fromHistory = true;
    try {
      store.update(() => decodeState(location.search));
    } finally {
      fromHistory = false;
    }
  });
  history.replaceState(null, '', `${location.pathname}?${encodeState(store.get())}${location.hash}`);
}
