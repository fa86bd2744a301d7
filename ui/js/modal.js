// @ts-check
/**
 * Mandatory modals across windows: the coordinator's plan names the modal
 * that is required and the window that presents it (the primary). That
 * window shows the modal; every other window shows a notice that can take
 * the user there.
 *
 * The plan alone decides. A window never assumes it caused a change: a
 * sign-in in any window ends the modal in all of them. modal-view.js shows
 * what the plan asks of this window.
 *
 * Nothing here touches the DOM or Tauri, so it runs under Node's tests.
 */

import { windowName } from './window-label.js';

/** @typedef {import('../bindings/Snapshot').Snapshot} Snapshot */
/** @typedef {import('../bindings/ModalKind').ModalKind} ModalKind */

/**
 * A modal required elsewhere: which one, and the window presenting it
 * (null while no window can, e.g. none responds).
 * @typedef {{ kind: ModalKind, presenter: string | null }} Waiting
 */

/**
 * What this window shows for the modal plan.
 * @typedef {object} ModalView
 * @property {ModalKind | null} modal the modal this window presents
 * @property {Waiting | null} waiting the modal another window presents
 */

/**
 * What a window shows for the modal plan in `state`.
 * @param {Pick<Snapshot, 'self' | 'modal'>} state
 * @returns {ModalView}
 */
export function modalView(state) {
  const { required, presenter } = state.modal;
  if (required === null) return { modal: null, waiting: null };
  if (presenter === state.self.label) return { modal: required, waiting: null };
  // An update is news, not a question every window must point at: the
  // others show a small badge (view.js), not a banner.
  if (required === 'update') return { modal: null, waiting: null };
  return { modal: null, waiting: { kind: required, presenter } };
}

/**
 * What each modal asks of the user, to finish "…asking you to".
 * @type {Record<ModalKind, string>}
 */
const ASK_TEXT = {
  'sign-in': 'sign in',
  'agency-selection': 'choose an agency',
  'unsent-changes': 'decide about changes not yet sent',
  quit: 'decide about unsaved changes before Axolop CRM quits',
  update: 'install an update',
};

/**
 * The notice of a window that does not present, e.g. "Window 1 is asking
 * you to sign in."
 * @param {Waiting} waiting
 */
export function waitingText(waiting) {
  const ask = ASK_TEXT[waiting.kind];
  return waiting.presenter === null
    ? `Waiting for a window to ask you to ${ask}.`
    : `${windowName(waiting.presenter)} is asking you to ${ask}.`;
}

/**
 * What the `unsent-changes` dialog says of `waiting` changes.
 * @param {number} waiting
 */
export function unsentText(waiting) {
  const what = waiting === 1 ? '1 change' : `${waiting} changes`;
  return `${what} made on this computer ${waiting === 1 ? 'is' : 'are'} not on the server yet. Signing out removes your CRM data from this computer.`;
}
