// @ts-check
/**
 * The update question, in the primary only: a new version is available
 * (Install or Later), downloading (a progress bar), installing, or failed
 * (what went wrong; the app keeps running as it is).
 *
 * Invariants:
 * - It goes when the coordinator's plan no longer asks: Later hides it in
 *   every window, leaving the badge, whose click brings it back.
 * - Escape is Later: the answer that changes nothing.
 */

import { createAnswer } from './dialog-answer.js';
import { downloadFraction, updateText } from './life-cycle.js';
import { createRef, html, nothing, ref } from './template.js';

/** @typedef {import('./modal-view.js').Dialog} Dialog */
/** @typedef {import('../bindings/UpdateAnswer').UpdateAnswer} UpdateAnswer */
/** @typedef {import('../bindings/UpdateStatus').UpdateStatus} UpdateStatus */

/** The dialog's title at each stage. @type {Record<UpdateStatus['stage'], string>} */
const TITLES = {
  none: '',
  available: 'An update is available',
  downloading: 'Downloading the update',
  installing: 'Installing the update',
  failed: 'The update failed',
};

/**
 * @param {(answer: UpdateAnswer) => Promise<unknown>} answer sends the answer
 * @param {object} options
 * @param {import('./page.js').Page} options.page
 * @param {() => UpdateStatus} options.update the update as every window sees it
 * @returns {Dialog}
 */
export function createUpdateDialog(answer, { page, update }) {
  /** @type {import('./template.js').Ref<HTMLButtonElement>} */
  const installButton = createRef();
  const answering = createAnswer(answer, page);
  const choose = answering.choose;

  /** @param {KeyboardEvent} event */
  function keys(event) {
    const status = update();
    if (event.key === 'Escape' && (status.stage === 'available' || status.stage === 'failed')) {
      event.preventDefault();
      void choose('later');
    }
  }

  const view = () => {
    const status = update();
    const pending = answering.pending();
    const error = answering.error();
    const busy = status.stage === 'downloading' || status.stage === 'installing';
    const fraction = downloadFraction(status);
    const notes = status.stage === 'available' ? status.offer.notes : null;
    return html`<div class="modal-backdrop">
      <div
        class="modal"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="update-title"
        aria-describedby="update-text"
        aria-busy=${String(pending || busy)}
        data-testid="update-modal"
        data-stage=${status.stage}
        @keydown=${keys}
      >
        <h2 id="update-title">${TITLES[status.stage]}</h2>
        <p id="update-text" class="modal-intro" data-testid="update-text">${updateText(status)}</p>
        ${notes ? html`<pre class="update-notes" data-testid="update-notes">${notes}</pre>` : nothing}
        ${busy
          ? html`<progress
              data-testid="update-progress"
              max="1"
              .value=${fraction ?? 0}
              data-fraction=${fraction === null ? '' : fraction.toFixed(3)}
              aria-label="Download progress"
            ></progress>`
          : nothing}
        <p class="modal-error" role="alert" data-testid="update-error" ?hidden=${error === ''}>${error}</p>
        <div class="modal-actions" ?hidden=${busy}>
          <button type="button" data-testid="update-install" ?disabled=${pending} @click=${() => choose('install')} ${ref(installButton)}>
            ${status.stage === 'failed' ? 'Try again' : 'Install and restart'}
          </button>
          <button type="button" class="quiet" data-testid="update-later" ?disabled=${pending} @click=${() => choose('later')}>Later</button>
        </div>
      </div>
    </div>`;
  };

  return {
    view,
    focus: () => installButton.value?.focus(),
    restoreDraft: () => false,
  };
}
