// @ts-check
/**
 * Mandatory modals across windows: the coordinator's plan names the modal
 * that is required and the window that presents it (the primary). That
 * window shows the modal; every other window shows a notice that can take
 * the user there.
 *
 * Invariants:
 * - The plan alone decides. A window never assumes it caused a change:
 *   a sign-in in any window ends the modal in all of them.
 * - `[data-testid=sign-in-modal]` exists only in the presenting window while
 *   sign-in is required; anywhere else, and once it is not required, it is
 *   removed from the DOM, not hidden.
 * - `[data-testid=modal-waiting]` exists only in the windows that do not
 *   present, while a modal is required.
 * - While this window shows a modal, the page behind it is inert, so Tab
 *   and clicks stay in the modal.
 *
 * The agency-selection modal is not built yet: its presenter shows nothing
 * for it, while the other windows already say where it is asked.
 *
 * `modalView` and `waitingText` are pure and run under Node's test runner;
 * `createModals` touches the DOM only when its `render` is called.
 */

import { createSignInDialog } from './sign-in.js';
import { windowNumber } from './view.js';

/** @typedef {import('../bindings/Snapshot').Snapshot} Snapshot */
/** @typedef {import('../bindings/ModalKind').ModalKind} ModalKind */
/** @typedef {import('./sign-in.js').SignIn} SignIn */

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
  return { modal: null, waiting: { kind: required, presenter } };
}

/**
 * What each modal asks of the user, to finish "…asking you to".
 * @type {Record<ModalKind, string>}
 */
const ASK_TEXT = {
  'sign-in': 'sign in',
  'agency-selection': 'choose an agency',
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
    : `Window ${windowNumber(waiting.presenter)} is asking you to ${ask}.`;
}

/** The page behind a modal: made inert while one shows. */
const PAGE_SELECTOR = 'body > .topbar, body > .content, body > .statusbar';

/**
 * The modal plan's renderer for this page.
 * @param {object} actions
 * @param {SignIn} actions.signIn signs in every window
 * @param {() => void} actions.focusPrimary brings the primary window forward,
 *   showing its own failure
 */
export function createModals({ signIn, focusPrimary }) {
  /** The mounted sign-in dialog, if any. @type {HTMLElement | null} */
  let signInDialog = null;
  /** The mounted waiting notice and its parts, if any. @type {ReturnType<typeof waitingNotice> | null} */
  let waiting = null;
  let inert = false;

  /** @param {ModalView} view */
  function renderSignIn(view) {
    const show = view.modal === 'sign-in';
    if (show && !signInDialog) {
      const dialog = createSignInDialog(signIn);
      signInDialog = dialog.element;
      document.body.append(signInDialog);
      dialog.focus();
    } else if (!show && signInDialog) {
      // Removed, not hidden: the typed email goes with it, and the next
      // prompt starts empty.
      signInDialog.remove();
      signInDialog = null;
    }
    if (inert !== show) {
      inert = show;
      for (const part of document.querySelectorAll(PAGE_SELECTOR)) {
        if (part instanceof HTMLElement) part.inert = show;
      }
    }
  }

  /** @param {ModalView} view */
  function renderWaiting(view) {
    if (!view.waiting) {
      if (waiting) {
        waiting.element.remove();
        waiting = null;
      }
      return;
    }
    if (!waiting) {
      waiting = waitingNotice(focusPrimary);
      document.body.insertBefore(waiting.element, document.querySelector('body > .content'));
    }
    const { element, text, button } = waiting;
    const { kind, presenter } = view.waiting;
    if (element.dataset.kind !== kind) element.dataset.kind = kind;
    const label = presenter ?? '';
    if (element.dataset.presenter !== label) element.dataset.presenter = label;
    const line = waitingText(view.waiting);
    if (text.textContent !== line) text.textContent = line;
    const hideButton = presenter === null;
    if (button.hidden !== hideButton) button.hidden = hideButton;
  }

  /**
   * Shows what the plan in `state` asks of this window. Cheap when nothing
   * changed: it compares before touching the DOM.
   * @param {Snapshot} state
   */
  function render(state) {
    const view = modalView(state);
    renderSignIn(view);
    renderWaiting(view);
  }

  return { render };
}

/**
 * Builds the notice of a window that does not present, not yet in the page.
 * @param {() => void} focusPrimary
 */
function waitingNotice(focusPrimary) {
  const element = document.createElement('section');
  element.className = 'modal-waiting';
  element.dataset.testid = 'modal-waiting';
  element.setAttribute('role', 'status');
  const text = document.createElement('p');
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset.testid = 'focus-primary';
  button.textContent = 'Go to that window';
  button.addEventListener('click', () => focusPrimary());
  element.append(text, button);
  return { element, text, button };
}
