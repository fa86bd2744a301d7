// @ts-check
/**
 * The quit question: Quit was chosen (File > Quit, Ctrl+Q) while contact
 * editors in one or more windows hold unsaved changes. The primary asks
 * once, listing each; the other windows show that a quit waits and where.
 *
 * Invariants:
 * - It never closes itself: it goes when the coordinator's plan no longer
 *   asks (a cancel from any window ends it in all of them).
 * - Escape cancels: the one answer that loses nothing.
 * - While the editors save, only Cancel is offered; a save that fails
 *   cancels the quit from its own window, which says why.
 */

import { createAnswer } from './dialog-answer.js';
import { editorLine, quitIntro } from './life-cycle.js';
import { createRef, html, ref } from './template.js';

/** @typedef {import('./modal-view.js').Dialog} Dialog */
/** @typedef {import('../bindings/QuitAnswer').QuitAnswer} QuitAnswer */
/** @typedef {import('../bindings/QuitStatus').QuitStatus} QuitStatus */

/**
 * @param {(answer: QuitAnswer) => Promise<unknown>} answer sends the answer
 * @param {object} options
 * @param {import('./page.js').Page} options.page
 * @param {() => QuitStatus} options.quit the quit as every window sees it
 * @returns {Dialog}
 */
export function createQuitDialog(answer, { page, quit }) {
  /** @type {import('./template.js').Ref<HTMLButtonElement>} */
  const saveButton = createRef();
  const answering = createAnswer(answer, page);
  const choose = answering.choose;

  /** @param {KeyboardEvent} event */
  function keys(event) {
    if (event.key === 'Escape') {
      event.preventDefault();
      void choose('cancel');
    }
  }

  const view = () => {
    const status = quit();
    const pending = answering.pending();
    const error = answering.error();
    const saving = status.stage === 'saving';
    return html`<div class="modal-backdrop">
      <div
        class="modal"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="quit-title"
        aria-describedby="quit-intro"
        aria-busy=${String(pending || saving)}
        data-testid="quit-modal"
        data-stage=${status.stage}
        @keydown=${keys}
      >
        <h2 id="quit-title">Quit with unsaved changes?</h2>
        <p id="quit-intro" class="modal-intro">${quitIntro(status)}</p>
        <ul class="quit-editors" data-testid="quit-editors">
          ${status.editors.map((editor) => html`<li data-window-label=${editor.window}>${editorLine(editor)}</li>`)}
        </ul>
        <p class="modal-error" role="alert" data-testid="quit-error" ?hidden=${error === ''}>${error}</p>
        <div class="modal-actions">
          <button type="button" data-testid="quit-save" ?disabled=${pending || saving} @click=${() => choose('save')} ${ref(saveButton)}>Save all and quit</button>
          <button type="button" class="quiet danger" data-testid="quit-discard" ?disabled=${pending || saving} @click=${() => choose('discard')}>Discard all and quit</button>
          <button type="button" class="quiet" data-testid="quit-cancel" ?disabled=${pending} @click=${() => choose('cancel')}>Cancel</button>
        </div>
      </div>
    </div>`;
  };

  return {
    view,
    focus: () => saveButton.value?.focus(),
    restoreDraft: () => false,
  };
}
