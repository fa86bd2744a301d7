// @ts-check
/**
 * The UI's only door to the coordinator: typed commands and the event stream.
 * Types come from ../bindings, generated from the Rust types: `Commands`
 * names every command with its argument and result types, so a call with
 * an argument the app does not take, or a misread answer, fails the type
 * check.
 */

/** @typedef {import('../bindings/Commands').Commands} Commands */
/** @typedef {import('../bindings/Snapshot').Snapshot} Snapshot */
/** @typedef {import('../bindings/Envelope').Envelope} Envelope */
/** @typedef {import('../bindings/WindowRef').WindowRef} WindowRef */
/** @typedef {import('../bindings/LeaseInfo').LeaseInfo} LeaseInfo */
/** @typedef {import('../bindings/LockCheck').LockCheck} LockCheck */
/** @typedef {import('../bindings/LockMode').LockMode} LockMode */
/** @typedef {import('../bindings/SessionSummary').SessionSummary} SessionSummary */
/** @typedef {import('../bindings/Agency').Agency} Agency */
/** @typedef {import('../bindings/AgencySummary').AgencySummary} AgencySummary */
/** @typedef {import('../bindings/Contact').Contact} Contact */
/** @typedef {import('../bindings/ContactDraft').ContactDraft} ContactDraft */
/** @typedef {import('../bindings/SignOutOutcome').SignOutOutcome} SignOutOutcome */
/** @typedef {import('../bindings/ContactsPage').ContactsPage} ContactsPage */
/** @typedef {import('../bindings/ModalDraft').ModalDraft} ModalDraft */
/** @typedef {import('../bindings/ModalKind').ModalKind} ModalKind */
/** @typedef {import('../bindings/DiagnosticsView').DiagnosticsView} DiagnosticsView */
/** @typedef {import('../bindings/ChecksRun').ChecksRun} ChecksRun */
/** @typedef {import('../bindings/WindowView').WindowView} WindowView */
/** @typedef {import('../bindings/WindowResume').WindowResume} WindowResume */
/** @typedef {import('../bindings/EditorDraft').EditorDraft} EditorDraft */
/** @typedef {import('../bindings/QuitAnswer').QuitAnswer} QuitAnswer */
/** @typedef {import('../bindings/QuitStage').QuitStage} QuitStage */
/** @typedef {import('../bindings/UpdateAnswer').UpdateAnswer} UpdateAnswer */

/**
 * A contact as sent to `contact_save`: a draft, plus the agency it is meant
 * for and, to update, the version last read.
 * @typedef {import('../bindings/ContactInput').ContactInput} ContactInput
 */

/**
 * What `lock_acquire` accepts besides the name. Absent fields take the
 * coordinator's defaults: exclusive, a 30 s lease, a 10 s wait.
 * @typedef {object} AcquireOptions
 * @property {LockMode} [mode]
 * @property {number} [ttlMs] lease time, 100..600000 ms
 * @property {number} [waitMs] longest wait, 0..60000 ms; 0 is a try-lock
 */

/** The one event name every coordinator event travels under. */
export const EVENT_NAME = 'coordinator';

/** Tauri's global API, looked up when used (modules load under Node's tests too). */
const tauri = () => window.__TAURI__;

/**
 * Invokes `command` with arguments of exactly its generated type.
 * @template {keyof Commands} K
 * @param {K} command
 * @param {Commands[K]['args']} args
 * @returns {Promise<Commands[K]['result']>}
 */
function invoke(command, args) {
  return tauri().core.invoke(command, args);
}

/** The commands the UI uses, with their result types. */
export const commands = {
  /** @returns {Promise<Snapshot>} */
  snapshot: () => invoke('coordinator_snapshot', {}),
  /** @returns {Promise<WindowRef>} */
  openWindow: () => invoke('window_open', {}),
  /** @returns {Promise<null>} */
  closeWindow: () => invoke('window_close', {}),
  /** @returns {Promise<WindowRef>} */
  focusPrimary: () => invoke('window_focus_primary', {}),
  /**
   * Tells the app what this window's editor holds unsaved changes to, or
   * (null) that it holds none: a close, and a quit, then ask first.
   * @param {string | null} subject
   * @returns {Promise<null>}
   */
  windowUnsaved: (subject) => invoke('window_unsaved', { subject }),
  /**
   * Tells the app what this window shows (kept for the next launch).
   * @param {WindowView} view
   * @returns {Promise<null>}
   */
  windowView: (view) => invoke('window_view', { view }),
  /**
   * What this window showed and held before the app last ended.
   * @returns {Promise<WindowResume>}
   */
  windowResume: () => invoke('window_resume', {}),
  /**
   * Keeps this window's editor text as typed, or (null) drops it.
   * @param {EditorDraft | null} draft
   * @returns {Promise<null>}
   */
  draftKeep: (draft) => invoke('draft_keep', { draft }),
  /**
   * Answers the quit question (save and discard from the window that asks;
   * cancel from any).
   * @param {QuitAnswer} answer
   * @returns {Promise<QuitStage>}
   */
  quitAnswer: (answer) => invoke('quit_answer', { answer }),
  /**
   * Answers the update question: install (the window that asks), later,
   * or show it again (the badge, from any window).
   * @param {UpdateAnswer} answer
   * @returns {Promise<null>}
   */
  updateAnswer: (answer) => invoke('update_answer', { answer }),
  /**
   * Zooms this window one step.
   * @param {'in' | 'out' | 'reset'} step
   * @returns {Promise<number>} the new level (1 is 100 %)
   */
  zoom: (step) => invoke('window_zoom', { step }),
  /**
   * @param {number} [appliedSeq] the newest event this page has applied
   * @param {number} [resyncs] how many snapshots it has read
   * @returns {Promise<null>}
   */
  heartbeat: (appliedSeq, resyncs) => invoke('heartbeat', present({ appliedSeq, resyncs })),
  /**
   * Acquires a named lock, waiting in line if it is taken.
   * @param {string} name
   * @param {AcquireOptions} [options]
   * @returns {Promise<LeaseInfo>}
   */
  lockAcquire: (name, options = {}) =>
    invoke(
      'lock_acquire',
      // Picked field by field: callers may pass a wider object (withLock's
      // options), and the coordinator refuses fields it does not know.
      present({ name, mode: options.mode, ttlMs: options.ttlMs, waitMs: options.waitMs }),
    ),
  /**
   * @param {string} token
   * @returns {Promise<null>}
   */
  lockRelease: (token) => invoke('lock_release', { token }),
  /**
   * Renews a lease for `ttlMs` from now.
   * @param {string} token
   * @param {number} ttlMs
   * @returns {Promise<LeaseInfo>}
   */
  lockExtend: (token, ttlMs) => invoke('lock_extend', { token, ttlMs }),
  /**
   * @param {string} token
   * @returns {Promise<LockCheck>}
   */
  lockCheck: (token) => invoke('lock_check', { token }),
  /**
   * Signs every window in with a password. Resolves with the new session,
   * never a token; rejects with `invalid_argument`, `invalid_credentials`,
   * `network` or `not_configured` (local mode).
   * @param {string} email
   * @param {string} password
   * @returns {Promise<SessionSummary>}
   */
  signIn: (email, password) => invoke('session_sign_in', { email, password }),
  /**
   * The external providers the project offers (`google`, `azure`, …),
   * from its public settings.
   * @returns {Promise<string[]>}
   */
  signInProviders: () => invoke('sign_in_providers', {}),
  /**
   * Opens the system browser to sign in with `provider`; every window
   * follows the step (`session.browser`).
   * @param {string} provider
   * @returns {Promise<null>}
   */
  signInProvider: (provider) => invoke('sign_in_provider', { provider }),
  /**
   * Emails a sign-in link and a one-time code to `email`.
   * @param {string} email
   * @returns {Promise<null>}
   */
  signInEmailLink: (email) => invoke('sign_in_email_link', { email }),
  /**
   * Signs every window in with the emailed code.
   * @param {string} code
   * @returns {Promise<SessionSummary>}
   */
  signInCode: (code) => invoke('sign_in_code', { code }),
  /**
   * Emails a password-reset link to `email`.
   * @param {string} email
   * @returns {Promise<null>}
   */
  passwordRecover: (email) => invoke('password_recover', { email }),
  /**
   * Sets the new password after a followed reset link, and signs every
   * window in.
   * @param {string} password
   * @returns {Promise<SessionSummary>}
   */
  passwordChoose: (password) => invoke('password_choose', { password }),
  /**
   * Cancels the browser or email sign-in under way.
   * @returns {Promise<null>}
   */
  signInCancel: () => invoke('sign_in_cancel', {}),
  /**
   * Where a sign-in sends the password: the project's host, or null in
   * local mode.
   * @returns {Promise<string | null>}
   */
  sessionProject: () => invoke('session_project', {}),
  /**
   * Signs every window out; with changes not yet on the server, the
   * primary asks first (`asking`), and its answer comes back here as
   * `unsent`.
   * @param {'wait' | 'discard' | 'stay'} [unsent]
   * @returns {Promise<SignOutOutcome>}
   */
  signOut: (unsent) => invoke('session_sign_out', present({ unsent })),
  /** @returns {Promise<Agency[]>} the signed-in user's agencies, by name */
  agencyList: () => invoke('agency_list', {}),
  /**
   * @param {string} name
   * @returns {Promise<Agency>}
   */
  agencyCreate: (name) => invoke('agency_create', { name }),
  /**
   * Selects an agency for every window; `conflict` if the selection moved
   * on from `expectedVersion`.
   * @param {string} agencyId
   * @param {number} [expectedVersion]
   * @returns {Promise<AgencySummary>}
   */
  agencySelect: (agencyId, expectedVersion) =>
    invoke('agency_select', present({ agencyId, expectedVersion })),
  /**
   * @param {number} offset
   * @param {number} limit
   * @returns {Promise<ContactsPage>}
   */
  contactsList: (offset, limit) => invoke('contacts_list', { offset, limit }),
  /**
   * @param {string} id
   * @returns {Promise<Contact>}
   */
  contactGet: (id) => invoke('contact_get', { id }),
  /**
   * Creates (no id) or updates (id and version) a contact.
   * @param {ContactInput} contact
   * @returns {Promise<Contact>}
   */
  contactSave: (contact) => invoke('contact_save', { contact: present(contact) }),
  /**
   * @param {string} id
   * @param {number} version
   * @returns {Promise<Contact>}
   */
  contactDelete: (id, version) => invoke('contact_delete', { id, version }),
  /**
   * The edit made on this computer that a newer version from the server
   * replaced, if one is kept.
   * @param {string} id
   * @returns {Promise<ContactDraft | null>}
   */
  contactConflict: (id) => invoke('contact_conflict', { id }),
  /**
   * Drops the kept edit: the user takes the server's version.
   * @param {string} id
   * @returns {Promise<Contact>}
   */
  contactConflictDiscard: (id) => invoke('contact_conflict_discard', { id }),
  /**
   * Reports what was typed into the modal this window presents.
   * @param {ModalKind} kind
   * @param {string} text
   * @returns {Promise<null>}
   */
  modalDraftReport: (kind, text) => invoke('modal_draft_report', { kind, text }),
  /** @returns {Promise<ModalDraft | null>} */
  modalDraft: () => invoke('modal_draft', {}),
  /** @returns {Promise<string[]>} notices from start-up, for the user */
  appNotices: () => invoke('app_notices', {}),
  /**
   * Opens an http(s) or mailto link in the system browser or mail app.
   * @param {string} url
   * @returns {Promise<null>}
   */
  linkOpen: (url) => invoke('link_open', { url }),
  /** @returns {Promise<null>} opens the diagnostics window, or focuses it */
  diagnosticsOpen: () => invoke('diagnostics_open', {}),
  /** @returns {Promise<DiagnosticsView>} the coordination (diagnostics window only) */
  diagnosticsSnapshot: () => invoke('diagnostics_snapshot', {}),
  /** @returns {Promise<ChecksRun>} runs the self-test (diagnostics window only) */
  checksRun: () => invoke('checks_run', {}),
  /**
   * Saves the last self-test report in the Downloads folder.
   * @param {'json' | 'markdown'} format
   * @returns {Promise<string>} the file's path
   */
  checksSave: (format) => invoke('checks_save', { format }),
  /** @returns {Promise<string>} saves a diagnostic report; its path */
  reportSave: () => invoke('report_save', {}),
};

/**
 * The fields of `args` that have a value. An absent optional argument is left
 * off the wire: the contract asks for a coordinator default by a missing
 * field, and `null` is no part of it.
 * @template {object} T
 * @param {T} args
 * @returns {T}
 */
function present(args) {
  return /** @type {T} */ (
    Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined && value !== null))
  );
}

/**
 * WebKit's one-way channel for beats, where the app registered one (Linux).
 * @type {{ postMessage(message: unknown): void } | undefined}
 */
const beatChannel = /** @type {any} */ (window).webkit?.messageHandlers?.axolopBeat;

/**
 * Tells the coordinator this page is alive, and what it applied last. On
 * WebKitGTK a one-way script message: no request through the IPC protocol
 * and no answer evaluated back in the page. Elsewhere the `heartbeat`
 * command.
 * @param {number | undefined} appliedSeq
 * @param {number} resyncs
 */
export function beat(appliedSeq, resyncs) {
  const report = present({ appliedSeq, resyncs });
  if (beatChannel) beatChannel.postMessage(report);
  else commands.heartbeat(report.appliedSeq, report.resyncs).catch(() => {});
}

/**
 * Subscribes to coordinator events sent to this window's own webview.
 * @param {(envelope: Envelope) => void} handler
 */
export function onCoordinatorEvent(handler) {
  return tauri().webviewWindow
    .getCurrentWebviewWindow()
    .listen(EVENT_NAME, (event) => handler(/** @type {Envelope} */ (event.payload)));
}

/** This window's label, as Tauri knows it. */
export function ownLabel() {
  return tauri().webviewWindow.getCurrentWebviewWindow().label;
}
