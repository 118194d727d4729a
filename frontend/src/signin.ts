// signin.ts: the sign-in dialog (an API key opens a session kept in an HttpOnly cookie) and
// the header's account control. The API module calls askForKey() when it gets a 401.

import { ApiError, getSession, type Session, signIn, signOut } from './api';
import { byId, h } from './dom';
import { errorText } from './format';

let dialog: HTMLDialogElement | null = null;

function build(onDone: () => void): HTMLDialogElement {
  const input = h('input', { type: 'password', id: 'signin-key', name: 'key', autocomplete: 'off', required: true, spellcheck: 'false' });
  const error = h('p', { class: 'signin-error', role: 'alert' });
  const form = h('form', { method: 'dialog' },
    h('h2', {}, 'Sign in to routewatch'),
    h('p', { class: 'muted' }, 'Paste the API key you were given. It opens a session in this browser for 8 hours; the key is not stored by the page.'),
    h('label', { for: 'signin-key' }, 'API key'), input, error,
    h('div', { class: 'signin-actions' }, h('button', { type: 'submit', id: 'signin-submit' }, 'Sign in')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    error.textContent = '';
    signIn(input.value.trim()).then((s) => {
      input.value = '';
      d.close();
      showSession(s);
      onDone();
    }).catch((err: unknown) => {
      error.textContent = err instanceof ApiError && err.status === 401 ? 'That key is unknown or revoked.' : errorText(err, 'Could not sign in');
      input.select();
    });
  });
  const d = h('dialog', { id: 'signin', 'aria-labelledby': 'signin-title' }, form);
  d.addEventListener('cancel', (e) => e.preventDefault()); // nothing to see without a key
  document.body.append(d);
  return d;
}

/** askForKey shows the sign-in dialog and resolves once a session is open. */
export function askForKey(): Promise<void> {
  return new Promise((resolve) => {
    dialog?.remove();
    dialog = build(resolve);
    dialog.showModal();
    byId('signin-key').focus();
  });
}

let current: Session | null = null;

/** currentSession is the signed-in session, or null before sign-in. */
export function currentSession(): Session | null {
  return current;
}

function showSession(s: Session): void {
  current = s;
  document.dispatchEvent(new CustomEvent('routewatch:session'));
  const el = byId('account');
  el.replaceChildren(
    h('span', { class: 'muted', title: `key ${s.key}` }, `${s.role} · ${s.clearance}`),
    h('button', { type: 'button', id: 'signout', onclick: () => { void signOut().then(() => location.reload()); } }, 'Sign out'));
}

/**
 * keyFromLink takes a key handed over in the URL fragment (`#key=…`, as scripts/run.sh
 * prints it: fragments never reach a server) and removes it from the address bar at once.
 */
function keyFromLink(): string {
  const m = /(?:^#|&)key=([^&]+)/.exec(location.hash);
  if (!m) return '';
  history.replaceState(null, '', `${location.pathname}${location.search}`);
  return decodeURIComponent(m[1] ?? '');
}

/** signInFromLink opens a session with a key from the link, if there is one; the page's
 * first requests wait for it so they do not ask for a key meanwhile. */
export async function signInFromLink(): Promise<void> {
  const key = keyFromLink();
  if (!key) return;
  try {
    await signIn(key);
  } catch {
    // an old or revoked link: the sign-in dialog will ask
  }
}

/** initAccount shows who is signed in (asking for a key first when nobody is). */
export async function initAccount(): Promise<Session> {
  const s = await getSession();
  showSession(s);
  return s;
}
