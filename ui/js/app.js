// @ts-check
/**
 * Start-up of a CRM window: subscribe first, then take the snapshot, so no
 * event falls between the two; then render on every change.
 */

import { createAgencyPicker } from './agency-picker.js';
import { createCloseDialog } from './close-dialog.js';
import { ContactList } from './contacts.js';
import { createContactsView } from './contacts-view.js';
import { describeError } from './errors.js';
import { beat, commands, onCoordinatorEvent, ownLabel } from './ipc.js';
import { createLocks, describeLoss, ownLosses } from './locks.js';
import { createModals } from './modal-view.js';
import { createNotice } from './notice.js';
import { createPage } from './page.js';
import { sessionNotice } from './session.js';
import { CoordinatorStore } from './store.js';
import { nothing } from './template.js';
import { pageView } from './view.js';
import { KEEPS_CRASHING, showKeepsCrashing } from './keeps-crashing.js';
import { mustSaveForQuit } from './life-cycle.js';

/**
 * How stale the lock panel may get, in ms. Lock traffic can run to
 * thousands of grants a second across windows, and repainting every window
 * for each one costs the whole machine (on 2 cores under software rendering
 * it made an acquire+release round trip 5 times slower with 4 windows
 * open); a status display refreshed 5 times a second still reads as live.
 */
const LOCK_PANEL_MS = 200;

/** How long a window waits for its first snapshot before it shows "Connecting…", in ms. */
const CONNECTING_AFTER_MS = 250;

/** How long what the window shows must stay put before it is reported, in ms. */
const VIEW_PAUSE_MS = 500;

const label = ownLabel();
document.documentElement.dataset.windowLabel = label;

if (location.hash === KEEPS_CRASHING) {
  // The app gave up reloading this window: show why, and run nothing else.
  showKeepsCrashing(document.body);
  await new Promise(() => {});
}

/** Named locks over the real coordinator, fed the lock-changed events below. */
const locks = createLocks({ commands, label });

/** Why the page is out of sync with the coordinator, while it is. @type {string | null} */
let syncProblem = null;

/**
 * Runs a user action, showing its failure instead of swallowing it.
 * @param {() => Promise<unknown>} action
 */
function act(action) {
  action().catch((error) => notice.show(describeError(error)));
}

/** What the page's buttons do. @type {import('./view.js').PageActions} */
const actions = {
  openWindow: () => act(commands.openWindow),
  closeWindow: () => act(commands.closeWindow),
  focusPrimary: () => act(commands.focusPrimary),
  signOut: () => act(commands.signOut),
  switchAgency: () => switchAgency(),
  showUpdate: () => act(() => commands.updateAnswer('show')),
};

/**
 * Set up below, with the contacts view it asks about.
 * @type {ReturnType<typeof createCloseDialog> | null}
 */
let closeDialog = null;

const page = createPage(document.body, () => {
  // The role on <html> (for styles, and for tests as "rendered") is set
  // with the page it goes with.
  if (store.state) document.documentElement.dataset.role = store.state.self.role;
  reportView();
  return pageView({
    state: store.state,
    syncProblem,
    actions,
    contacts: contactsView.view(),
    dialog: closeDialog?.asking() ? closeDialog.view() : modals.dialog(),
    waiting: modals.waiting(),
    switcher: switcher?.view() ?? nothing,
    notice: notice.view(),
  });
});

const notice = createNotice(page);

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
 * presenting window, a notice pointing at it in the others.
 */
const modals = createModals(
  {
    signIn: commands.signIn,
    agencies,
    focusPrimary: actions.focusPrimary,
    reportDraft: commands.modalDraftReport,
    fetchDraft: commands.modalDraft,
    answerUnsent: (choice) => commands.signOut(choice),
    waiting: () => store.state?.sync.waiting ?? 0,
    project: commands.sessionProject,
    browser: {
      step: () => store.state?.session.browser ?? null,
      providers: commands.signInProviders,
      startProvider: commands.signInProvider,
      sendLink: commands.signInEmailLink,
      sendCode: commands.signInCode,
      recover: commands.passwordRecover,
      choosePassword: commands.passwordChoose,
      cancel: commands.signInCancel,
    },
    answerQuit: commands.quitAnswer,
    quit: () => store.state?.quit ?? { stage: 'idle', editors: [] },
    answerUpdate: commands.updateAnswer,
    update: () => store.state?.update ?? { stage: 'none' },
  },
  page,
);

/** The selected agency's contacts, kept live by `contacts-changed`. */
const contacts = new ContactList(commands.contactsList, page.schedule);
const contactsView = createContactsView(
  contacts,
  {
    save: commands.contactSave,
    remove: commands.contactDelete,
    get: commands.contactGet,
    keptEdit: commands.contactConflict,
    discardKeptEdit: commands.contactConflictDiscard,
    notify: (text) => notice.show(text),
    currentAgency: () => store.state?.agency.selected?.id ?? null,
    unsavedChanged: (subject) => void commands.windowUnsaved(subject).catch(() => {}),
    keepDraft: commands.draftKeep,
  },
  page,
);

// A close of this window held back by the app because the editor holds
// unsaved changes: ask here.
closeDialog = createCloseDialog(
  {
    subject: contactsView.editor.subject,
    save: contactsView.editor.saveNow,
    discard: contactsView.editor.discard,
    close: commands.closeWindow,
  },
  page,
);
await window.__TAURI__.webviewWindow
  .getCurrentWebviewWindow()
  .listen('close-requested', () => closeDialog?.ask());

/** What this window last told the app it shows. */
let toldView = '';
/** The pending view report, if any. @type {ReturnType<typeof setTimeout> | undefined} */
let viewTimer;

/**
 * Tells the app what this window shows (the open contact, the list's
 * scroll), a moment after it last changed, for the next launch. Called on
 * every render, which every such change causes.
 */
function reportView() {
  if (!resumed) return; // not before the last launch's view is back
  const view = { contact: contactsView?.editor.openId() ?? null, scroll: contactsView?.scrollTop() ?? 0 };
  const text = JSON.stringify(view);
  // A view that changed and changed back within the pause is not reported.
  clearTimeout(viewTimer);
  if (text === toldView) return;
  viewTimer = setTimeout(() => {
    toldView = text;
    commands.windowView(view).catch(() => {});
  }, VIEW_PAUSE_MS);
}

/** Whether the last launch's view and draft were offered back. */
let resumed = false;

/**
 * Puts back what this window showed and held before the app last ended:
 * the contact open in its editor, the list's scroll, and an unsaved draft
 * (offered, not imposed).
 */
async function resume() {
  const before = await commands.windowResume().catch(() => null);
  try {
    if (!before) return;
    // The contacts of the agency every window shows, read from the top.
    await contacts.ready();
    if (before.view.scroll > 0) contactsView.scrollTo(before.view.scroll);
    const draft = before.draft;
    if (draft) {
      const contact = draft.fields.id ? await commands.contactGet(draft.fields.id).catch(() => null) : null;
      contactsView.editor.restore(draft, contact);
      notice.show(
        draft.fields.id && !contact
          ? 'Your unsaved changes from before Axolop CRM closed are back in the form, as a new contact: the contact was deleted meanwhile.'
          : `Your unsaved changes to ${contactsView.editor.subject()} from before Axolop CRM closed are back in the form. Save them, or close the form to discard them.`,
      );
    } else if (before.view.contact) {
      const contact = await commands.contactGet(before.view.contact).catch(() => null);
      if (contact && contact.agencyId === store.state?.agency.selected?.id) contactsView.editor.open(contact, contact.agencyId);
    }
  } finally {
    resumed = true;
    page.schedule();
  }
}

/** Whether this window is saving its editor for a quit. */
let savingForQuit = false;

/**
 * The user chose "Save all and quit" and this window's editor is listed:
 * save it. A save that fails cancels the quit, and this window says why.
 * @param {import('../bindings/Snapshot').Snapshot} state
 */
function followQuit(state) {
  // The quit may still list this window while the event saying its editor
  // is clean is on its way: only what is unsaved here is saved.
  if (!mustSaveForQuit(state.quit, label) || savingForQuit || !contactsView.editor.unsaved()) return;
  savingForQuit = true;
  contactsView.editor
    .saveNow()
    .then(async (saved) => {
      if (saved) return;
      await commands.quitAnswer('cancel').catch(() => {});
      notice.show(`Axolop CRM did not quit: ${contactsView.editor.subject()} in this window could not be saved. The form says why.`);
    })
    .finally(() => {
      savingForQuit = false;
    });
}

/** @param {unknown} error */
function contactsProblem(error) {
  notice.show(`The contacts could not be loaded: ${describeError(error)}`);
}

/**
 * Loads the contacts of the agency every window shows, when it changed
 * (or after a resync, which may have skipped contact changes).
 * @param {boolean} force
 */
function followAgency(force) {
  const selected = store.state?.agency.selected?.id ?? null;
  if (force || selected !== contacts.agencyId) {
    contacts.load(selected).catch(contactsProblem);
  }
}

/** The open agency switcher, if any. @type {import('./modal-view.js').Dialog | null} */
let switcher = null;

/** Opens the agency switcher (once an agency is chosen; before, the modal asks). */
function switchAgency() {
  if (switcher || !store.state?.agency.selected) return;
  const picker = createAgencyPicker(agencies, {
    mandatory: false,
    page,
    onClose: () => {
      switcher = null;
      page.render();
    },
  });
  switcher = picker;
  page.render();
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

/** The pending timer that renders lock-only changes, if any. */
let lockTimer = 0;

/** Renders a lock-only change within {@link LOCK_PANEL_MS}. */
function scheduleLockRender() {
  if (lockTimer === 0) {
    lockTimer = window.setTimeout(() => {
      lockTimer = 0;
      page.schedule();
    }, LOCK_PANEL_MS);
  }
}

// Beats come from the page's main thread, so a hung page stops beating.
// The coordinator says how often (half its timeout): a beat each second
// would wake every idle window's web process, and the app, for nothing.
/** The running beat timer, and its interval in ms. */
const beats = { timer: 0, every: 0 };
/** @param {number} every */
function beatEvery(every) {
  if (every === beats.every) return;
  window.clearInterval(beats.timer);
  beats.every = every;
  beats.timer = window.setInterval(() => {
    if (!diagnostics.beating) return;
    diagnostics.lastBeatAt = Date.now();
    beat(store.state?.seq, store.resyncs);
  }, every);
}

/** This window's state as last seen in the window list. @type {string | undefined} */
let ownState;

const store = new CoordinatorStore(
  commands.snapshot,
  (state, cause) => {
    // Reported before rendering: "applied" means the state is updated.
    if (diagnostics.echo) {
      commands.heartbeat(state.seq, store.resyncs).catch(() => {});
    }
    syncProblem = null;
    modals.follow(state);
    if (cause === 'snapshot') beatEvery(state.self.beatMs);
    if (cause === 'snapshot' || cause === 'quit-changed') followQuit(state);
    if (cause === 'lock-changed') scheduleLockRender();
    else page.schedule();
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
  (error) => {
    syncProblem = `Reconnecting to the coordinator… (${describeError(error)})`;
    page.schedule();
  },
);
diagnostics.store = store;

// "Connecting…" shows only if the first snapshot is slow to come. A page's
// first render costs its web process about 55 ms (first style and layout,
// fonts), during which it handles no IPC answer: rendered here, before the
// subscription and the snapshot, it delayed the first snapshot by as much.
setTimeout(() => {
  if (!store.state) page.render();
}, CONNECTING_AFTER_MS);
window.addEventListener('resize', page.schedule);

await onCoordinatorEvent((envelope) => {
  // Lost leases are read off every event as it arrives, not as the store
  // applies it: an ended lease is a fact on its own, so it need not wait
  // behind a resync, and each event reaches a window once.
  if (envelope.kind === 'lock-changed') {
    locks.observe(envelope.data);
    for (const loss of ownLosses(envelope.data, label)) {
      notice.show(describeLoss(envelope.data.name, loss.reason));
    }
  }
  // Why a session ended is news the state does not keep (its cause), so it
  // too is read off the event; compared with the session as it was before.
  if (envelope.kind === 'session-changed') {
    const text = sessionNotice(envelope.data, store.state?.session ?? null);
    if (text) notice.show(text);
  }
  // A link the app refused (a stale sign-in link, a stray argument): the
  // primary says why, in the sign-in dialog when it shows one.
  if (envelope.kind === 'link-refused' && store.state?.self.role === 'primary') {
    if (!modals.refused(envelope.data.message)) notice.show(envelope.data.message);
  }
  if (envelope.kind === 'contacts-changed') {
    contacts.apply(envelope.data, envelope.seq).catch(contactsProblem);
    contactsView.observe(envelope.data);
  }
  store.receive(envelope);
});
await store.resync();
void resume();

commands
  .appNotices()
  .then((notices) => {
    if (notices.length > 0) notice.show(notices.join(' '));
  })
  .catch(() => {});

// A window shows only the app: a clicked link to anywhere else (also with a
// modifier, or the middle button) opens in the system browser instead. The
// app would refuse to navigate there anyway.
/** @param {MouseEvent} event */
function openOutside(event) {
  if (event.type === 'auxclick' && event.button !== 1) return;
  const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!(link instanceof HTMLAnchorElement) || !/^(https?|mailto):/.test(link.href)) return;
  event.preventDefault();
  commands
    .linkOpen(link.href)
    .catch((error) => notice.show(`The link could not be opened: ${describeError(error)}`));
}
document.addEventListener('click', openOutside);
document.addEventListener('auxclick', openOutside);

// The menu's accelerators handle real key presses before the page sees them;
// these cover keys that reach the page directly (synthesised input, and
// platforms whose menu does not see keys while the web view has focus).
document.addEventListener('keydown', (event) => {
  const command = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  /** @type {(() => void) | undefined} */
  let shortcut;
  if (command && !event.shiftKey && key === 'n') shortcut = actions.openWindow;
  else if (command && !event.shiftKey && key === 'w') shortcut = actions.closeWindow;
  else if (command && event.shiftKey && key === 'p') shortcut = actions.focusPrimary;
  else if (command && event.shiftKey && key === 'a') shortcut = switchAgency;
  else if (command && event.shiftKey && key === 'c') shortcut = contactsView.newContact;
  else if (command && event.shiftKey && key === 'd') shortcut = () => void commands.diagnosticsOpen();
  else if (event.key === 'F5' || (command && key === 'r')) shortcut = () => location.reload();
  else if (command && (key === '=' || key === '+')) shortcut = () => void commands.zoom('in');
  else if (command && key === '-') shortcut = () => void commands.zoom('out');
  else if (command && key === '0') shortcut = () => void commands.zoom('reset');
  if (shortcut && !event.repeat) {
    event.preventDefault();
    shortcut();
  }
});
