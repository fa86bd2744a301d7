// @ts-check
/**
 * Rendering: the coordinator state into the page. Pure DOM updates, no IPC.
 * Page hooks (`data-testid`, `data-window-label`, `data-lock-name`) are part
 * of the contract.
 */

/** @typedef {import('../bindings/Snapshot').Snapshot} Snapshot */
/** @typedef {import('../bindings/WindowState').WindowState} WindowState */
/** @typedef {import('../bindings/LockSummary').LockSummary} LockSummary */

import { canSignOut, statusText } from './session.js';

/**
 * @param {string} selector
 * @returns {HTMLElement}
 */
function element(selector) {
  const found = document.querySelector(selector);
  if (!(found instanceof HTMLElement)) {
    throw new Error(`missing element ${selector}`);
  }
  return found;
}

/**
 * Sets an element's text only when it differs, so an event that changes
 * nothing visible costs no layout or paint.
 * @param {string} selector
 * @param {string} text
 */
function setText(selector, text) {
  const target = element(selector);
  if (target.textContent !== text) {
    target.textContent = text;
  }
}

/** @param {string} label */
export function windowNumber(label) {
  return label.replace(/^crm-/, '');
}

/** @type {Record<WindowState, string>} */
const STATE_TEXT = {
  loading: 'starting',
  ready: 'ready',
  unresponsive: 'not responding',
};

/** @param {Snapshot} state */
export function render(state) {
  const self = state.self;
  const isPrimary = self.role === 'primary';
  document.documentElement.dataset.role = self.role;

  setText('[data-testid=window-role]', self.role);
  setText('[data-testid=window-number]', windowNumber(self.label));
  setText(
    '[data-testid=role-explainer]',
    isPrimary
      ? 'This window is the primary: it presents sign-in and agency prompts for every window.'
      : state.primary
        ? `Window ${windowNumber(state.primary.label)} is the primary: it presents prompts for every window.`
        : 'No window is primary right now.',
  );
  const focusPrimary = element('[data-action=focus-primary]');
  const hideFocus = isPrimary || !state.primary;
  if (focusPrimary.hidden !== hideFocus) focusPrimary.hidden = hideFocus;

  renderWindowList(state);
  renderSession(state);
  setText(
    '[data-testid=current-agency]',
    state.agency.selected ? state.agency.selected.name : 'No agency selected',
  );
  setText('[data-testid=agency-name]', state.agency.selected ? state.agency.selected.name : 'Choose an agency');
  // The event number goes in the tooltip: text that changed on every event
  // would repaint every window for every event.
  setText('[data-testid=sync-status]', 'In sync');
  const sync = element('[data-testid=sync-status]');
  sync.dataset.state = 'ok';
  sync.title = `Up to date with coordinator event ${state.seq}`;
  setText('[data-testid=primary-epoch]', state.primary ? `epoch ${state.primary.epoch}` : '');
  renderLocks(state);
}

/** @param {Snapshot} state */
function renderSession(state) {
  const session = state.session;
  setText('[data-testid=session-status]', statusText(session));
  // The raw status, for tests and styles; the text is for people.
  const status = element('[data-testid=session-status]');
  if (status.dataset.status !== session.status) status.dataset.status = session.status;
  const title =
    session.status === 'signed-in' && session.remembered === false
      ? 'Not remembered: you will be asked to sign in again next time.'
      : '';
  if (status.title !== title) status.title = title;
  const signOut = element('[data-testid=sign-out]');
  const hideSignOut = !canSignOut(session);
  if (signOut.hidden !== hideSignOut) signOut.hidden = hideSignOut;
}

/** What the window list shows, as one comparable string. */
let renderedListKey = '';

/** @param {Snapshot} state */
function renderWindowList(state) {
  const key = JSON.stringify([state.self.label, state.primary?.label, state.windows]);
  if (key === renderedListKey) {
    return;
  }
  renderedListKey = key;
  const list = element('[data-testid=window-list]');
  const items = state.windows.map((window) => {
    const item = document.createElement('li');
    item.dataset.windowLabel = window.label;
    item.dataset.state = window.state;
    const isPrimary = state.primary?.label === window.label;
    if (isPrimary) item.dataset.primary = 'true';

    const name = document.createElement('span');
    name.className = 'window-name';
    name.textContent = `Window ${windowNumber(window.label)}`;
    item.append(name);

    if (window.label === state.self.label) {
      item.append(badge('this window', 'self'));
    }
    if (isPrimary) {
      item.append(badge('primary', 'primary'));
    }
    if (window.state !== 'ready') {
      item.append(badge(STATE_TEXT[window.state], window.state));
    }
    return item;
  });
  list.replaceChildren(...items);
  element('[data-testid=window-count]').textContent = String(state.windows.length);
}

/**
 * The rendered lock items by lock name, each with the summary it shows (and
 * that summary as one comparable string). A lock event touches one lock, so
 * only that item is rebuilt; the others keep their nodes and cost no layout.
 * The store replaces a summary rather than editing it, so an unchanged
 * object is an unchanged lock; after a resync (all objects new) the string
 * decides. The window's own label is fixed for the page, so it is no part
 * of the key.
 * @type {Map<string, { lock: LockSummary, key: string, item: HTMLLIElement }>}
 */
const renderedLocks = new Map();

/** @param {Snapshot} state */
function renderLocks(state) {
  const self = state.self.label;
  const list = element('[data-testid=lock-list]');
  const items = state.locks.map((lock) => {
    const known = renderedLocks.get(lock.name);
    if (known && known.lock === lock) return known.item;
    const key = JSON.stringify(lock);
    if (known && known.key === key) {
      known.lock = lock;
      return known.item;
    }
    const item = lockItem(lock, self);
    renderedLocks.set(lock.name, { lock, key, item });
    return item;
  });
  if (renderedLocks.size > items.length) {
    const names = new Set(state.locks.map((lock) => lock.name));
    for (const name of renderedLocks.keys()) {
      if (!names.has(name)) renderedLocks.delete(name);
    }
  }
  const children = list.children;
  if (children.length !== items.length || items.some((item, i) => children[i] !== item)) {
    list.replaceChildren(...items);
  }

  const empty = element('[data-testid=lock-empty]');
  const hideEmpty = items.length > 0;
  if (empty.hidden !== hideEmpty) empty.hidden = hideEmpty;

  setText('[data-testid=lock-count] > strong', String(state.locks.length));
  const own = state.locks.filter((lock) => lock.holders.includes(self) || lock.waiting.includes(self)).length;
  const count = element('[data-testid=lock-count]');
  const title = `${state.locks.length} held or awaited; ${own} by this window`;
  if (count.title !== title) count.title = title;
}

/**
 * @param {LockSummary} lock
 * @param {string} self this window's label
 */
function lockItem(lock, self) {
  const item = document.createElement('li');
  item.dataset.testid = 'lock';
  item.dataset.lockName = lock.name;
  item.dataset.mode = lock.mode;
  item.dataset.fence = String(lock.fence);
  const isHolder = lock.holders.includes(self);
  const isWaiting = lock.waiting.includes(self);
  if (isHolder) item.dataset.self = 'holder';
  else if (isWaiting) item.dataset.self = 'waiting';

  const head = document.createElement('div');
  head.className = 'lock-head';
  const name = document.createElement('span');
  name.className = 'lock-name';
  name.textContent = lock.name;
  head.append(name, badge(lock.mode, lock.mode));
  item.append(head);

  const detail = document.createElement('div');
  detail.className = 'lock-detail';
  const holders = document.createElement('span');
  holders.className = 'lock-holders';
  holders.dataset.testid = 'lock-holders';
  if (lock.holders.length === 0) {
    holders.textContent = 'no holder';
  } else {
    holders.append(
      'held by',
      ...lock.holders.map((holder) =>
        holder === self ? badge('this window', 'self') : badge(`Window ${windowNumber(holder)}`, 'holder'),
      ),
    );
  }
  const waiting = document.createElement('span');
  waiting.dataset.testid = 'lock-waiting';
  waiting.textContent =
    lock.waiting.length === 0
      ? 'none waiting'
      : `${lock.waiting.length} waiting${isWaiting ? ' (this window among them)' : ''}`;
  const fence = document.createElement('span');
  fence.dataset.testid = 'lock-fence';
  fence.textContent = `fence ${lock.fence}`;
  detail.append(holders, '·', waiting, '·', fence);
  item.append(detail);
  return item;
}

/**
 * @param {string} text
 * @param {string} kind
 */
function badge(text, kind) {
  const span = document.createElement('span');
  span.className = `badge badge-${kind}`;
  span.textContent = text;
  return span;
}

/**
 * Shows a sync problem in the status bar.
 * @param {string} message
 */
export function renderSyncProblem(message) {
  const status = element('[data-testid=sync-status]');
  status.textContent = message;
  status.dataset.state = 'error';
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let noticeTimer;

/**
 * Shows a short notice (an error of an action) that fades after a while.
 * @param {string} message
 */
export function showNotice(message) {
  const notice = element('[data-testid=notice]');
  notice.textContent = message;
  notice.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    notice.hidden = true;
  }, 6000);
}
