// @ts-check
/**
 * What the modal plan (modal.js) asks of this window, on the page: the
 * sign-in dialog or the agency picker in the presenting window, a notice
 * that can take the user there in the others.
 *
 * Invariants:
 * - `[data-testid=sign-in-modal]` exists only in the presenting window while
 *   sign-in is required; anywhere else, and once it is not required, it is
 *   removed from the DOM, not hidden. `[data-testid=agency-modal]` likewise,
 *   while an agency is required, `[data-testid=unsent-modal]` while a
 *   sign-out waits on the user's answer about changes not yet sent,
 *   `[data-testid=quit-modal]` while a quit waits on the user's answer
 *   about unsaved editors, and `[data-testid=update-modal]` while an
 *   update asks, downloads, installs or failed.
 * - `[data-testid=modal-waiting]` exists only in the windows that do not
 *   present, while a modal is required.
 * - Every mounted dialog is new DOM: what was typed into the last one goes
 *   with it (the coordinator keeps a draft while it is wanted).
 * - What the user types into a dialog's draft field is reported to the
 *   coordinator (after a short pause in typing), and a window that starts
 *   presenting fills the field from it: when the presenter closes or hangs,
 *   the modal moves with the text in it. Never a password: the sign-in
 *   dialog's draft is its email.
 */

import { createAgencyPicker } from './agency-picker.js';
import { modalView, waitingText } from './modal.js';
import { createSignInDialog } from './sign-in-dialog.js';
import { html, keyed, nothing } from './template.js';
import { createQuitDialog } from './quit-dialog.js';
import { createUnsentDialog } from './unsent-dialog.js';
import { createUpdateDialog } from './update-dialog.js';

/** @typedef {import('../bindings/Snapshot').Snapshot} Snapshot */
/** @typedef {import('../bindings/ModalKind').ModalKind} ModalKind */
/** @typedef {import('../bindings/ModalDraft').ModalDraft} ModalDraft */
/** @typedef {import('./modal.js').Waiting} Waiting */
/** @typedef {import('./template.js').View} View */

/** How long typing must pause before the draft is reported, in ms. */
export const DRAFT_PAUSE_MS = 150;

/**
 * A mandatory modal's dialog, as this module mounts it.
 * @typedef {object} Dialog
 * @property {() => import('./template.js').TemplateResult} view
 * @property {() => void} focus focuses its first field
 * @property {(text: string) => boolean} restoreDraft puts another window's
 *   draft into the draft field, unless the user typed there already;
 *   whether it did
 * @property {(text: string) => void} [refused] shows why a link handed to
 *   the app was refused (the sign-in dialog)
 */

/**
 * The modal plan's views for this page.
 * @param {object} actions
 * @param {import('./sign-in.js').SignIn} actions.signIn signs in every window
 * @param {import('./agency-picker.js').AgencyActions} actions.agencies lists, creates and selects agencies
 * @param {() => void} actions.focusPrimary brings the primary window forward,
 *   showing its own failure
 * @param {(kind: ModalKind, text: string) => Promise<unknown>} actions.reportDraft
 * @param {() => Promise<ModalDraft | null>} actions.fetchDraft
 * @param {(choice: import('./unsent-dialog.js').UnsentChoice) => Promise<unknown>} actions.answerUnsent
 *   answers the question about changes not yet sent at sign-out
 * @param {() => number} actions.waiting how many changes wait to be sent
 * @param {() => Promise<string | null>} actions.project the project's host a sign-in goes to
 * @param {import('./sign-in-dialog.js').BrowserActions} actions.browser the other ways to sign in
 * @param {(answer: import('../bindings/QuitAnswer').QuitAnswer) => Promise<unknown>} actions.answerQuit
 *   answers the question about unsaved editors at quit
 * @param {() => import('../bindings/QuitStatus').QuitStatus} actions.quit the quit as every window sees it
 * @param {(answer: import('../bindings/UpdateAnswer').UpdateAnswer) => Promise<unknown>} actions.answerUpdate
 *   answers the update question
 * @param {() => import('../bindings/UpdateStatus').UpdateStatus} actions.update the update as every window sees it
 * @param {import('./page.js').Page} page
 */
export function createModals(
  { signIn, agencies, focusPrimary, reportDraft, fetchDraft, answerUnsent, waiting: unsent, project, browser, answerQuit, quit, answerUpdate, update },
  page,
) {
  /** The mounted dialog, if any; `id` tells one mount from the next. @type {{ kind: ModalKind, dialog: Dialog, id: number } | null} */
  let mounted = null;
  let mounts = 0;
  /** What this window shows for the plan. @type {Waiting | null} */
  let waiting = null;
  /** The pending draft report, if any. @type {ReturnType<typeof setTimeout> | undefined} */
  let draftTimer;

  /** @param {ModalKind} kind */
  function mount(kind) {
    /** @param {string} text */
    const onDraft = (text) => {
      clearTimeout(draftTimer);
      draftTimer = setTimeout(() => {
        reportDraft(kind, text).catch(() => {});
      }, DRAFT_PAUSE_MS);
    };
    /** @type {Record<ModalKind, () => Dialog>} */
    const dialogs = {
      'sign-in': () => createSignInDialog(signIn, { page, onDraft, project, browser }),
      'unsent-changes': () => createUnsentDialog(answerUnsent, { page, waiting: unsent }),
      'agency-selection': () => createAgencyPicker(agencies, { mandatory: true, page, onDraft }),
      quit: () => createQuitDialog(answerQuit, { page, quit }),
      update: () => createUpdateDialog(answerUpdate, { page, update }),
    };
    const dialog = dialogs[kind]();
    mounts += 1;
    const current = { kind, dialog, id: mounts };
    mounted = current;
    page.afterRender(() => dialog.focus());
    // Start from the draft another window left.
    fetchDraft()
      .then((draft) => {
        if (draft && draft.kind === kind && mounted === current && dialog.restoreDraft(draft.text)) {
          // Reported again: this window now holds it, should the other go.
          reportDraft(kind, draft.text).catch(() => {});
        }
      })
      .catch(() => {});
  }

  return {
    /**
     * Mounts or drops the dialog the plan in `state` asks this window for.
     * @param {Snapshot} state
     */
    follow(state) {
      const view = modalView(state);
      waiting = view.waiting;
      if (mounted && mounted.kind !== view.modal) {
        clearTimeout(draftTimer);
        mounted = null;
      }
      if (view.modal && !mounted) mount(view.modal);
    },

    /**
     * Shows why a link was refused in the dialog this window presents, if
     * it can; whether it did.
     * @param {string} text
     */
    refused(text) {
      if (!mounted?.dialog.refused) return false;
      mounted.dialog.refused(text);
      return true;
    },

    /** @returns {View} the dialog this window presents */
    dialog: () => (mounted ? keyed(mounted.id, mounted.dialog.view()) : nothing),

    /** @returns {View} the notice of a modal another window presents */
    waiting: () =>
      waiting
        ? html`<section class="modal-waiting" data-testid="modal-waiting" role="status" data-kind=${waiting.kind} data-presenter=${waiting.presenter ?? ''}>
            <p>${waitingText(waiting)}</p>
            <button type="button" data-testid="focus-primary" ?hidden=${waiting.presenter === null} @click=${focusPrimary}>Go to that window</button>
          </section>`
        : nothing,
  };
}
