// @ts-check
/**
 * The `unsent-changes` dialog: a sign-out was asked for while changes made
 * on this computer are not on the server yet. The primary window asks
 * what to do with them: wait until they are sent and then sign out, sign
 * out now and discard them, or stay signed in.
 *
 * Invariants:
 * - It never closes itself: it goes when the coordinator's plan no longer
 *   asks (any window's answer ends it in all of them).
 * - Escape stays signed in: the one answer that loses nothing.
 * - Discarding names what is lost, with the count every window shows.
 */

import { createAnswer } from './dialog-answer.js';
import { unsentText } from './modal.js';
import { createRef, html, ref } from './template.js';

/** @typedef {import('./modal-view.js').Dialog} Dialog */
/** @typedef {'wait' | 'discard' | 'stay'} UnsentChoice */


/**
 * @param {(choice: UnsentChoice) => Promise<unknown>} answer sends the choice
 * @param {object} options
 * @param {import('./page.js').Page} options.page
 * @param {() => number} options.waiting how many changes wait, as every window shows it
 * @returns {Dialog}
 */
export function createUnsentDialog(answer, { page, waiting }) {
  /** @type {import('./template.js').Ref<HTMLButtonElement>} */
  const waitButton = createRef();
  const answering = createAnswer(answer, page);
  const choose = answering.choose;

  /** @param {KeyboardEvent} event */
  function keys(event) {
    if (event.key === 'Escape') {
      event.preventDefault();
      void choose('stay');
    }
  }

  const view = () => {
    const pending = answering.pending();
    const error = answering.error();
    return html`<div class="modal-backdrop">
      <div
        class="modal"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="unsent-title"
        aria-describedby="unsent-intro"
        aria-busy=${String(pending)}
        data-testid="unsent-modal"
        @keydown=${keys}
      >
        <h2 id="unsent-title">Sign out with changes not yet sent?</h2>
        <p id="unsent-intro" class="modal-intro" data-testid="unsent-text">${unsentText(waiting())}</p>
        <p class="modal-error" role="alert" data-testid="unsent-error" ?hidden=${error === ''}>${error}</p>
        <div class="modal-actions">
          <button type="button" data-testid="unsent-wait" ?disabled=${pending} @click=${() => choose('wait')} ${ref(waitButton)}>Send them, then sign out</button>
          <button type="button" class="quiet danger" data-testid="unsent-discard" ?disabled=${pending} @click=${() => choose('discard')}>Discard them and sign out</button>
          <button type="button" class="quiet" data-testid="unsent-stay" ?disabled=${pending} @click=${() => choose('stay')}>Stay signed in</button>
        </div>
      </div>
    </div>`;
  };

  return {
    view,
    focus: () => waitButton.value?.focus(),
    restoreDraft: () => false,
  };
}
