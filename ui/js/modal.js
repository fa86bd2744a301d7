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
 * - `[data-testid=agency-modal]` likewise, while an agency is required.
 * - While this window shows a modal, the page behind it is inert, so Tab
 *   and clicks stay in the modal.
 * - What the user types into a modal's `[data-draft]` field is reported to
 *   the coordinator (after a short pause in typing), and a window that
 *   starts presenting fills the field from it: when the presenter closes or
 *   hangs, the modal moves with the text in it. Never a password: no
 *   password field carries `data-draft`.
 *
 * `modalView` and `waitingText` are pure and run under Node's test runner;
 * `createModals` touches the DOM only when its `render` is called.
 */

import { createAgencyPicker } from './agency-picker.js';
import { createSignInDialog } from './sign-in.js';
import { windowNumber } from './view.js';

/** @typedef {import('../bindings/Snapshot').Snapshot} Snapshot */
/** @typedef {import('../bindings/ModalKind').ModalKind} ModalKind */
/** @typedef {import('./sign-in.js').SignIn} SignIn */
/** @typedef {import('./agency-picker.js').AgencyActions} AgencyActions */
/** @typedef {import('../bindings/ModalDraft').ModalDraft} ModalDraft */

/** How long typing must pause before the draft is reported, in ms. */
export const DRAFT_PAUSE_MS = 150;

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
 * @param {AgencyActions} actions.agencies lists, creates and selects agencies
 * @param {() => void} actions.focusPrimary brings the primary window forward,
 *   showing its own failure
 * @param {(kind: ModalKind, text: string) => Promise<unknown>} actions.reportDraft
 * @param {() => Promise<ModalDraft | null>} actions.fetchDraft
 */
export function createModals({ signIn, agencies, focusPrimary, reportDraft, fetchDraft }) {
  /** The mounted modal, if any. @type {{ kind: ModalKind, element: HTMLElement } | null} */
  let mounted = null;
  /** The mounted waiting notice and its parts, if any. @type {ReturnType<typeof waitingNotice> | null} */
  let waiting = null;
  let inert = false;
  /** The pending draft report, if any. */
  let draftTimer = 0;

  /**
   * Builds modal `kind`, not yet in the page.
   * @param {ModalKind} kind
   */
  function build(kind) {
    return kind === 'sign-in'
      ? createSignInDialog(signIn)
      : createAgencyPicker(agencies, { mandatory: true });
  }

  /**
   * Keeps what is typed into the mounted modal's draft field, and starts
   * from the draft another window left.
   * @param {ModalKind} kind
   * @param {HTMLElement} element
   */
  function carryDraft(kind, element) {
    const field = element.querySelector('[data-draft]');
    if (!(field instanceof HTMLInputElement)) return;
    field.addEventListener('input', () => {
      clearTimeout(draftTimer);
      draftTimer = window.setTimeout(() => {
        reportDraft(kind, field.value).catch(() => {});
      }, DRAFT_PAUSE_MS);
    });
    fetchDraft()
      .then((draft) => {
        if (draft && draft.kind === kind && field.value === '' && mounted?.element === element) {
          field.value = draft.text;
          // Reported again: this window now holds it, should the other go.
          reportDraft(kind, draft.text).catch(() => {});
        }
      })
      .catch(() => {});
  }

  /** @param {ModalView} view */
  function renderModal(view) {
    if (mounted && mounted.kind !== view.modal) {
      // Removed, not hidden: what was typed goes with it (the coordinator
      // keeps a draft while it is wanted), and the next prompt starts anew.
      clearTimeout(draftTimer);
      mounted.element.remove();
      mounted = null;
    }
    if (view.modal && !mounted) {
      const dialog = build(view.modal);
      mounted = { kind: view.modal, element: dialog.element };
      document.body.append(dialog.element);
      carryDraft(view.modal, dialog.element);
      dialog.focus();
    }
    const show = mounted !== null;
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
    renderModal(view);
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
