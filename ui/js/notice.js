// @ts-check
/**
 * The notice: a short message (an action's failure, a change made in
 * another window) that fades after a while.
 */

import { html } from './template.js';

/** How long a notice shows, in ms. */
const NOTICE_MS = 6000;

/**
 * @param {import('./page.js').Page} page
 */
export function createNotice(page) {
  let text = '';
  let shown = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;

  return {
    /**
     * Shows `message`, replacing any notice showing.
     * @param {string} message
     */
    show(message) {
      text = message;
      shown = true;
      clearTimeout(timer);
      timer = setTimeout(() => {
        shown = false;
        page.schedule();
      }, NOTICE_MS);
      page.render();
    },
    view: () => html`<div class="notice" data-testid="notice" role="alert" ?hidden=${!shown}>${text}</div>`,
  };
}
