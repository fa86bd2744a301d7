// @ts-check
/**
 * The question a window asks when it is closed (its button, Ctrl+W, the
 * window manager) while its contact editor holds unsaved changes: save
 * them and close, discard them and close, or keep the window open.
 *
 * The app does not close the window while the editor holds unsaved
 * changes; it tells the page, which asks. Escape keeps the window: the one
 * answer that loses nothing.
 */

import { describeError } from './errors.js';
import { createRef, html, nothing, ref } from './template.js';

/**
 * What the dialog needs of the editor and the window.
 * @typedef {object} CloseActions
 * @property {() => string} subject what is being edited
 * @property {() => Promise<boolean>} save saves the form; whether it did
 * @property {() => void} discard drops the form
 * @property {() => Promise<unknown>} close closes the window
 */

/**
 * @param {CloseActions} actions
 * @param {import('./page.js').Page} page
 */
export function createCloseDialog(actions, page) {
  /** @type {import('./template.js').Ref<HTMLButtonElement>} */
  const saveButton = createRef();
  let asking = false;
  let pending = false;
  let error = '';

  /** @param {() => Promise<boolean>} first what must succeed before closing */
  async function answer(first) {
    if (pending) return;
    pending = true;
    error = '';
    page.render();
    try {
      if (await first()) {
        asking = false;
        await actions.close();
      } else {
        error = 'The contact was not saved: its form says why. The window stays open.';
        asking = false;
      }
    } catch (failure) {
      error = describeError(failure);
    } finally {
      pending = false;
      page.render();
    }
  }

  const keep = () => {
    asking = false;
    page.render();
  };

  /** @param {KeyboardEvent} event */
  function keys(event) {
    if (event.key === 'Escape') {
      event.preventDefault();
      keep();
    }
  }

  const view = () =>
    asking
      ? html`<div class="modal-backdrop">
          <div
            class="modal"
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="close-title"
            aria-describedby="close-intro"
            aria-busy=${String(pending)}
            data-testid="close-unsaved"
            @keydown=${keys}
          >
            <h2 id="close-title">Close this window with unsaved changes?</h2>
            <p id="close-intro" class="modal-intro">Your changes to ${actions.subject()} are not saved yet.</p>
            <p class="modal-error" role="alert" ?hidden=${error === ''}>${error}</p>
            <div class="modal-actions">
              <button type="button" data-testid="close-save" ?disabled=${pending} @click=${() => answer(actions.save)} ${ref(saveButton)}>Save and close</button>
              <button
                type="button"
                class="quiet danger"
                data-testid="close-discard"
                ?disabled=${pending}
                @click=${() =>
                  answer(async () => {
                    actions.discard();
                    return true;
                  })}
              >Discard and close</button>
              <button type="button" class="quiet" data-testid="close-cancel" ?disabled=${pending} @click=${keep}>Cancel</button>
            </div>
          </div>
        </div>`
      : nothing;

  return {
    view,
    /** Whether the question shows. */
    asking: () => asking,
    /** The app held a close back: ask. */
    ask() {
      asking = true;
      error = '';
      page.render();
      saveButton.value?.focus();
    },
    /** What the last answer could not do, if anything. */
    error: () => error,
  };
}
