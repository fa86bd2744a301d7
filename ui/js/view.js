// @ts-check
/**
 * The page: a top bar with a small role indicator, the CRM (the agency's
 * contacts), and a status bar, from the coordinator state, with the parts
 * other modules render (contacts panel, modal, switcher, notice) in their
 * places. Pure templates, no IPC.
 *
 * The coordination itself (every window, every lock, elections) is the
 * diagnostics window's to show (Help > Diagnostics, Ctrl+Shift+D). Page
 * hooks (`data-testid`, `data-window-label`, `data-lock-name`, …) are part
 * of the contract the end-to-end tests read: the window and lock lists
 * stay in the page for them, hidden from view and from screen readers.
 */

import { updateBadge } from './life-cycle.js';
import { serverStatus } from './server-status.js';
import { canSignOut, statusText } from './session.js';
import { html, nothing, repeat } from './template.js';
import { windowName, windowNumber } from './window-label.js';

/** @typedef {import('../bindings/Snapshot').Snapshot} Snapshot */
/** @typedef {import('../bindings/WindowState').WindowState} WindowState */
/** @typedef {import('./template.js').View} View */

/**
 * What the page's buttons do.
 * @typedef {object} PageActions
 * @property {() => void} openWindow
 * @property {() => void} closeWindow
 * @property {() => void} focusPrimary
 * @property {() => void} signOut
 * @property {() => void} switchAgency
 * @property {() => void} showUpdate opens the update question again (the badge)
 */

/**
 * Everything the page shows.
 * @typedef {object} PageModel
 * @property {Snapshot | null} state the coordinator state; null until the first snapshot
 * @property {string | null} syncProblem why the page is out of sync with the coordinator, if it is
 * @property {PageActions} actions
 * @property {View} contacts the contacts panel's content
 * @property {View} dialog the mandatory modal this window presents
 * @property {View} waiting the notice of a modal another window presents
 * @property {View} switcher the agency switcher, while open
 * @property {View} notice
 */

/** @type {Record<WindowState, string>} */
const STATE_TEXT = {
  loading: 'starting',
  ready: 'ready',
  unresponsive: 'not responding',
};

/** @param {PageModel} model */
export function pageView(model) {
  const { state, actions } = model;
  // While a mandatory modal shows, the page behind it is inert, so Tab and
  // clicks stay in the modal.
  const inert = model.dialog !== nothing;
  return html`
    <header class="topbar" ?inert=${inert}>
      <div class="brand">
        <span class="logo" aria-hidden="true">A</span>
        <span>Axolop CRM</span>
        <span class="window-tag">Window <span data-testid="window-number">${state ? windowNumber(state.self.label) : '…'}</span></span>
      </div>
      <button type="button" class="agency-switch quiet" data-testid="agency-switch" title="Switch agency (Ctrl+Shift+A)" @click=${actions.switchAgency}>
        <span data-testid="agency-name">${state ? (state.agency.selected?.name ?? 'Choose an agency') : '…'}</span>
      </button>
      <div class="role">
        ${updateBadgeView(state, actions)}
        <span class="role-badge" data-testid="window-role" title=${explainer(state)}>${state ? state.self.role : 'connecting'}</span>
        <button type="button" class="quiet small" data-testid="sign-out" ?hidden=${!state || !canSignOut(state.session)} @click=${actions.signOut}>Sign out</button>
      </div>
    </header>
    ${model.waiting}
    <main class="content content-crm" ?inert=${inert}>
      <section class="panel contacts" aria-labelledby="contacts-title" data-testid="contacts-panel">${model.contacts}</section>
    </main>
    ${statusBar(model, inert)}
    <div class="coordination-hooks" hidden aria-hidden="true">
      <p data-testid="role-explainer">${explainer(state)}</p>
      <span data-testid="primary-epoch">${state?.primary ? `epoch ${state.primary.epoch}` : ''}</span>
      <ul data-testid="window-list">${state ? windowItems(state) : nothing}</ul>
      <ul data-testid="lock-list">${state ? lockItems(state) : nothing}</ul>
      <p data-testid="lock-empty" ?hidden=${(state?.locks.length ?? 0) > 0}>No locks held</p>
    </div>
    ${model.notice}
    ${model.dialog}
    ${model.switcher}
  `;
}

/**
 * The small "update ready" badge, in every window that does not present
 * the update question; a click asks it again (in the primary).
 * @param {Snapshot | null} state
 * @param {PageActions} actions
 */
function updateBadgeView(state, actions) {
  const text = state ? updateBadge(state.update) : null;
  const presenting = state?.modal.required === 'update' && state.modal.presenter === state.self.label;
  if (!text || presenting) return nothing;
  return html`<button type="button" class="quiet small update-badge" data-testid="update-badge" title="Show the update" @click=${actions.showUpdate}>${text}</button>`;
}

/** @param {Snapshot | null} state */
function explainer(state) {
  if (!state) return 'Connecting to the coordinator…';
  if (state.self.role === 'primary') {
    return 'This window is the primary: it presents sign-in and agency prompts for every window.';
  }
  return state.primary
    ? `${windowName(state.primary.label)} is the primary: it presents prompts for every window.`
    : 'No window is primary right now.';
}

/** @param {Snapshot} state */
function windowItems(state) {
  return repeat(
    state.windows,
    (window) => window.label,
    (window) => {
      const isPrimary = state.primary?.label === window.label;
      return html`<li data-window-label=${window.label} data-state=${window.state} data-primary=${isPrimary ? 'true' : nothing}>
        <span class="window-name">${windowName(window.label)}</span>
        ${window.label === state.self.label ? badge('this window', 'self') : nothing}
        ${isPrimary ? badge('primary', 'primary') : nothing}
        ${window.state === 'ready' ? nothing : badge(STATE_TEXT[window.state], window.state)}
      </li>`;
    },
  );
}

/**
 * The held and awaited locks, keyed by name: a lock event touches one lock,
 * so only that item's text changes.
 * @param {Snapshot} state
 */
function lockItems(state) {
  const self = state.self.label;
  return repeat(
    state.locks,
    (lock) => lock.name,
    (lock) => {
      const isHolder = lock.holders.includes(self);
      const isWaiting = lock.waiting.includes(self);
      const holders =
        lock.holders.length === 0
          ? 'no holder'
          : html`held by ${lock.holders.map((holder) =>
              holder === self ? badge('this window', 'self') : badge(windowName(holder), 'holder'),
            )}`;
      const waiting =
        lock.waiting.length === 0
          ? 'none waiting'
          : `${lock.waiting.length} waiting${isWaiting ? ' (this window among them)' : ''}`;
      return html`<li
        data-testid="lock"
        data-lock-name=${lock.name}
        data-mode=${lock.mode}
        data-fence=${lock.fence}
        data-self=${isHolder ? 'holder' : isWaiting ? 'waiting' : nothing}
      >
        <div class="lock-head"><span class="lock-name">${lock.name}</span>${badge(lock.mode, lock.mode)}</div>
        <div class="lock-detail">
          <span class="lock-holders" data-testid="lock-holders">${holders}</span>·<span data-testid="lock-waiting">${waiting}</span>·<span data-testid="lock-fence">fence ${lock.fence}</span>
        </div>
      </li>`;
    },
  );
}

/**
 * @param {PageModel} model
 * @param {boolean} inert
 */
function statusBar({ state, syncProblem }, inert) {
  const session = state?.session;
  const own = state
    ? state.locks.filter((lock) => lock.holders.includes(state.self.label) || lock.waiting.includes(state.self.label)).length
    : 0;
  // The event number goes in the tooltip: text that changed on every event
  // would repaint every window for every event.
  const sync = syncProblem
    ? { state: 'error', text: syncProblem, title: '' }
    : state
      ? { state: 'ok', text: 'Live', title: `Up to date with every window of this app (coordinator event ${state.seq})` }
      : { state: 'pending', text: 'Connecting…', title: '' };
  return html`<footer class="statusbar" ?inert=${inert}>
    <span>Session: <strong
      data-testid="session-status"
      data-status=${session?.status ?? nothing}
      title=${session?.status === 'signed-in' && session.remembered === false
        ? 'Not remembered: you will be asked to sign in again next time.'
        : ''}
    >${session ? statusText(session) : '…'}</strong></span>
    <span>Agency: <strong data-testid="current-agency">${state ? (state.agency.selected?.name ?? 'No agency selected') : '…'}</strong></span>
    <span title="Open CRM windows (Help > Diagnostics shows them all)">Windows: <strong data-testid="window-count">${state?.windows.length ?? 0}</strong></span>
    <span data-testid="lock-count" title=${state ? `${state.locks.length} held or awaited; ${own} by this window` : ''}>Locks: <strong>${state?.locks.length ?? 0}</strong></span>
    ${server(state)}
    <span class="sync" data-testid="sync-status" data-state=${sync.state} title=${sync.title}>${sync.text}</span>
  </footer>`;
}

/**
 * Where this computer stands with the server (Supabase mode only).
 * @param {PageModel['state']} state
 */
function server(state) {
  const shown = state ? serverStatus(state.sync) : null;
  if (!state || !shown) return nothing;
  return html`<span
    class="server"
    data-testid="server-status"
    data-state=${state.sync.state}
    data-waiting=${state.sync.waiting}
    title=${shown.title}
  >${shown.text}</span>`;
}

/**
 * @param {string} text
 * @param {string} kind
 */
function badge(text, kind) {
  return html`<span class="badge badge-${kind}">${text}</span>`;
}
