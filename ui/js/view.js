// @ts-check
/**
 * Rendering: the coordinator state into the page. Pure DOM updates, no IPC.
 * Page hooks (`data-testid`, `data-window-label`) are part of the contract.
 */

/** @typedef {import('../bindings/Snapshot').Snapshot} Snapshot */
/** @typedef {import('../bindings/WindowState').WindowState} WindowState */

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
  setText(
    '[data-testid=session-status]',
    state.session.status === 'local' ? 'Local (no sign-in needed)' : state.session.status,
  );
  setText(
    '[data-testid=current-agency]',
    state.agency.selected ? state.agency.selected.name : 'No agency selected',
  );
  // The event number goes in the tooltip: text that changed on every event
  // would repaint every window for every event.
  setText('[data-testid=sync-status]', 'In sync');
  const sync = element('[data-testid=sync-status]');
  sync.dataset.state = 'ok';
  sync.title = `Up to date with coordinator event ${state.seq}`;
  setText('[data-testid=primary-epoch]', state.primary ? `epoch ${state.primary.epoch}` : '');
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
