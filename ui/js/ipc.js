// @ts-check
/**
 * The UI's only door to the coordinator: typed commands and the event stream.
 * Types come from ../bindings, generated from the Rust types.
 */

/** @typedef {import('../bindings/Snapshot').Snapshot} Snapshot */
/** @typedef {import('../bindings/Envelope').Envelope} Envelope */
/** @typedef {import('../bindings/WireError').WireError} WireError */
/** @typedef {import('../bindings/WindowRef').WindowRef} WindowRef */

/** The one event name every coordinator event travels under. */
export const EVENT_NAME = 'coordinator';

const tauri = window.__TAURI__;

/**
 * @template T
 * @param {string} command
 * @param {Record<string, unknown>} [args]
 * @returns {Promise<T>}
 */
function invoke(command, args) {
  return tauri.core.invoke(command, args);
}

/** The commands the UI uses, with their result types. */
export const commands = {
  /** @returns {Promise<Snapshot>} */
  snapshot: () => invoke('coordinator_snapshot'),
  /** @returns {Promise<WindowRef>} */
  openWindow: () => invoke('window_open'),
  /** @returns {Promise<null>} */
  closeWindow: () => invoke('window_close'),
  /** @returns {Promise<WindowRef>} */
  focusPrimary: () => invoke('window_focus_primary'),
  /**
   * @param {number} [appliedSeq] the newest event this page has applied
   * @returns {Promise<null>}
   */
  heartbeat: (appliedSeq) => invoke('heartbeat', appliedSeq === undefined ? {} : { appliedSeq }),
};

/**
 * Subscribes to coordinator events sent to this window's own webview.
 * @param {(envelope: Envelope) => void} handler
 */
export function onCoordinatorEvent(handler) {
  return tauri.webviewWindow
    .getCurrentWebviewWindow()
    .listen(EVENT_NAME, (event) => handler(/** @type {Envelope} */ (event.payload)));
}

/** This window's label, as Tauri knows it. */
export function ownLabel() {
  return tauri.webviewWindow.getCurrentWebviewWindow().label;
}

/**
 * A person-readable message for a failed command.
 * @param {unknown} error
 * @returns {string}
 */
export function describeError(error) {
  if (error && typeof error === 'object' && 'message' in error) {
    return String(/** @type {WireError} */ (error).message);
  }
  return String(error);
}
