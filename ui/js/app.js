// @ts-check
/**
 * Start-up of a CRM window: subscribe first, then take the snapshot, so no
 * event falls between the two; then render on every change.
 */

import { commands, describeError, onCoordinatorEvent, ownLabel } from './ipc.js';
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
 * The mandatory modals: the sign-in dialog in the presenting window, a
 * notice pointing at it in the others. Made before anything can render:
 * the first frame may come while start-up still awaits.
 */
const modals = createModals({
  signIn: commands.signIn,
  focusPrimary: () => act(commands.focusPrimary),
});

/**
 * Diagnostics, read by the tests and benchmarks. With `echo` set, the page
 * reports every applied event at once (a heartbeat with its sequence number),
 * so latency is measured on the coordinator's clock. `withLock` lets
 * end-to-end tests hold locks the way page code does.
 */
const diagnostics = {
  store: /** @type {CoordinatorStore | null} */ (null),
  echo: false,
  withLock: locks.withLock,
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
  store.receive(envelope);
});
await store.resync();

// Beats come from the page's main thread, so a hung page stops beating.
setInterval(() => {
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
