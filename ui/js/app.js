// @ts-check
/**
 * Start-up of a CRM window: subscribe first, then take the snapshot, so no
 * event falls between the two; then render on every change.
 */

import { createAgencyPicker } from './agency-picker.js';
import { ContactList } from './contacts.js';
import { createContactsView } from './contacts-view.js';
import { describeError } from './errors.js';
import { commands, onCoordinatorEvent, ownLabel } from './ipc.js';
import { createLocks, describeLoss, ownLosses } from './locks.js';
import { createModals } from './modal.js';
import { sessionNotice } from './session.js';
import { CoordinatorStore } from './store.js';
import { render, renderSyncProblem, showNotice } from './view.js';

/** How often the page reports it is alive, in ms. */
const HEARTBEAT_MS = 1000;

const label = ownLabel();
document.documentElement.dataset.windowLabel = label;

/** Named locks over the real coordinator, fed the lock-changed events below. */
const locks = createLocks({ commands, label });

/**
 * The agency calls of the picker, sent with the selection version this
 * window has seen.
 * @type {import('./agency-picker.js').AgencyActions}
 */
const agencies = {
  list: commands.agencyList,
  create: commands.agencyCreate,
  select: commands.agencySelect,
  version: () => store.state?.agency.version ?? 0,
  selectedId: () => store.state?.agency.selected?.id ?? null,
};

/**
 * The mandatory modals: the sign-in dialog or the agency picker in the
 * presenting window, a notice pointing at it in the others. Made before
 * anything can render: the first frame may come while start-up still
 * awaits.
 */
const modals = createModals({
  signIn: commands.signIn,
  agencies,
  focusPrimary: () => act(commands.focusPrimary),
  reportDraft: commands.modalDraftReport,
  fetchDraft: commands.modalDraft,
});

/** The selected agency's contacts, kept live by `contacts-changed`. */
const contacts = new ContactList(commands.contactsList, () => contactsView.schedule());
const contactsView = createContactsView(
  /** @type {HTMLElement} */ (document.querySelector('[data-testid=contacts-panel]')),
  contacts,
  {
    save: commands.contactSave,
    remove: commands.contactDelete,
    get: commands.contactGet,
    notify: showNotice,
    currentAgency: () => store.state?.agency.selected?.id ?? null,
  },
);

/**
 * Loads the contacts of the agency every window shows, when it changed
 * (or after a resync, which may have skipped contact changes).
 * @param {boolean} force
 */
function followAgency(force) {
  const selected = store.state?.agency.selected?.id ?? null;
  if (force || selected !== contacts.agencyId) {
    contacts.load(selected).catch((error) => showNotice(`The contacts could not be loaded: ${describeError(error)}`));
  }
}

/** The open agency switcher, if any. @type {HTMLElement | null} */
let switcher = null;

/** Opens the agency switcher (once an agency is chosen; before, the modal asks). */
function switchAgency() {
  if (switcher || !store.state?.agency.selected) return;
  const picker = createAgencyPicker(agencies, {
    mandatory: false,
    onClose: () => {
      switcher?.remove();
      switcher = null;
    },
  });
  switcher = picker.element;
  document.body.append(switcher);
  picker.focus();
}

/**
 * Diagnostics, read by the tests and benchmarks. With `echo` set, the page
 * reports every applied event at once (a heartbeat with its sequence number),
 * so latency is measured on the coordinator's clock. `withLock` lets
 * end-to-end tests hold locks the way page code does; `beating` and
 * `lastBeatAt` let the health benchmark silence a page and time it.
 */
const diagnostics = {
  store: /** @type {CoordinatorStore | null} */ (null),
  echo: false,
  withLock: locks.withLock,
  contacts,
  /** Whether the page beats (the heartbeat benchmark turns it off). */
  beating: true,
  /** When the page last sent a heartbeat (wall clock, ms). */
  lastBeatAt: 0,
};
Object.defineProperty(window, '__axolop', { value: diagnostics, enumerable: false });

/**
 * How stale the lock panel may get, in ms. Lock traffic can run to
 * thousands of grants a second across windows, and repainting every window
 * for each one costs the whole machine (on 2 cores under software rendering
 * it made an acquire+release round trip 5 times slower with 4 windows
 * open); a status display refreshed 5 times a second still reads as live.
 */
const LOCK_PANEL_MS = 200;

/** The pending animation frame that renders the newest state, if any. */
let renderFrame = 0;
/** The pending timer that renders lock-only changes, if any. */
let lockTimer = 0;

/**
 * Renders on the next frame. Events that arrive together (a departure and
 * the new primary) are applied at once and painted once, and applying an
 * event never waits behind the layout and paint of the previous one.
 */
function scheduleRender() {
  if (renderFrame === 0) {
    renderFrame = requestAnimationFrame(() => {
      renderFrame = 0;
      clearTimeout(lockTimer);
      lockTimer = 0;
      if (store.state) {
        render(store.state);
        modals.render(store.state);
      }
    });
  }
}

/** Renders a lock-only change within {@link LOCK_PANEL_MS}. */
function scheduleLockRender() {
  if (renderFrame === 0 && lockTimer === 0) {
    lockTimer = window.setTimeout(() => {
      lockTimer = 0;
      scheduleRender();
    }, LOCK_PANEL_MS);
  }
}

/** This window's state as last seen in the window list. @type {string | undefined} */
let ownState;

const store = new CoordinatorStore(
  commands.snapshot,
  (state, cause) => {
    // Reported before rendering: "applied" means the state is updated.
    if (diagnostics.echo) {
      commands.heartbeat(state.seq).catch(() => {});
    }
    if (cause === 'lock-changed') scheduleLockRender();
    else scheduleRender();
    // After a gap, the events saying a lease was lost may be the missed ones.
    if (cause === 'snapshot' && store.resyncs > 1) void locks.recheck();
    if (cause === 'snapshot' || cause === 'agency-changed') followAgency(cause === 'snapshot' && store.resyncs > 1);
    // Back from being unresponsive (this page hung past the heartbeat
    // timeout): start again from a fresh snapshot rather than trust what
    // piled up meanwhile.
    const own = state.windows.find((window) => window.label === state.self.label)?.state;
    if (own === 'ready' && ownState === 'unresponsive') void store.resync();
    if (own) ownState = own;
  },
  (error) => renderSyncProblem(`Reconnecting to the coordinator… (${describeError(error)})`),
);
diagnostics.store = store;

await onCoordinatorEvent((envelope) => {
  // Lost leases are read off every event as it arrives, not as the store
  // applies it: an ended lease is a fact on its own, so it need not wait
  // behind a resync, and each event reaches a window once.
  if (envelope.kind === 'lock-changed') {
    locks.observe(envelope.data);
    for (const loss of ownLosses(envelope.data, label)) {
      showNotice(describeLoss(envelope.data.name, loss.reason));
    }
  }
  // Why a session ended is news the state does not keep (its cause), so it
  // too is read off the event; compared with the session as it was before.
  if (envelope.kind === 'session-changed') {
    const notice = sessionNotice(envelope.data, store.state?.session ?? null);
    if (notice) showNotice(notice);
  }
  if (envelope.kind === 'contacts-changed') {
    contacts.apply(envelope.data);
    contactsView.observe(envelope.data);
  }
  store.receive(envelope);
});
await store.resync();

commands
  .appNotices()
  .then((notices) => {
    if (notices.length > 0) showNotice(notices.join(' '));
  })
  .catch(() => {});

// Beats come from the page's main thread, so a hung page stops beating.
setInterval(() => {
  if (!diagnostics.beating) return;
  diagnostics.lastBeatAt = Date.now();
  commands.heartbeat(store.state?.seq).catch(() => {});
}, HEARTBEAT_MS);

/**
 * Runs a user action, showing its failure instead of swallowing it.
 * @param {() => Promise<unknown>} action
 */
function act(action) {
  action().catch((error) => showNotice(describeError(error)));
}

/** @type {Record<string, () => Promise<unknown>>} */
const actions = {
  'open-window': commands.openWindow,
  'close-window': commands.closeWindow,
  'focus-primary': commands.focusPrimary,
  'sign-out': commands.signOut,
  'switch-agency': async () => switchAgency(),
};

// The menu's accelerators handle real key presses before the page sees them;
// these cover keys that reach the page directly (synthesised input, and
// platforms whose menu does not see keys while the web view has focus).
document.addEventListener('keydown', (event) => {
  const command = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  /** @type {(() => void) | undefined} */
  let shortcut;
  if (command && !event.shiftKey && key === 'n') shortcut = () => act(commands.openWindow);
  else if (command && !event.shiftKey && key === 'w') shortcut = () => act(commands.closeWindow);
  else if (command && event.shiftKey && key === 'p') shortcut = () => act(commands.focusPrimary);
  else if (command && event.shiftKey && key === 'a') shortcut = switchAgency;
  else if (command && event.shiftKey && key === 'c') shortcut = contactsView.newContact;
  else if (event.key === 'F5' || (command && key === 'r')) shortcut = () => location.reload();
  if (shortcut && !event.repeat) {
    event.preventDefault();
    shortcut();
  }
});

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target.closest('[data-action]') : null;
  const action = target instanceof HTMLElement ? actions[target.dataset.action ?? ''] : undefined;
  if (action) {
    act(action);
  }
});
