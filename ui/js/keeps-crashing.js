// @ts-check
/**
 * The page a window shows after its web process crashed three times in a
 * minute (the app loads it instead of reloading again): what happened, and
 * a Reload button. It runs nothing else, so it cannot take the window down
 * a fourth time.
 */

import { html, render } from './template.js';

/** The hash the app loads the page with in this mode. */
export const KEEPS_CRASHING = '#keeps-crashing';

/**
 * Shows the message in `body`.
 * @param {HTMLElement} body
 */
export function showKeepsCrashing(body) {
  const reload = () => location.replace(location.pathname);
  render(
    html`<main class="keeps-crashing" data-testid="keeps-crashing" role="alert">
      <h1>This window keeps crashing</h1>
      <p>Its page stopped three times in a minute, so it is not reloaded again by itself. What was saved is safe. Other windows are not affected.</p>
      <button type="button" data-testid="keeps-crashing-reload" @click=${reload}>Reload</button>
    </main>`,
    body,
  );
}
