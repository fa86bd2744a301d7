// @ts-check
/**
 * The page's render loop: one template for the whole body, rendered now or
 * on the next animation frame.
 *
 * - `render` renders at once. For a person's action: the next action (a
 *   click, a key, a test's next step) finds its result in the DOM.
 * - `schedule` renders on the next frame. For coordinator events and
 *   scrolling: a burst of them paints once, and applying an event never
 *   waits behind the layout of the previous one.
 * - `afterRender` runs a task once the next render is in the DOM (focusing
 *   a field that render adds).
 */

import { render as renderTemplate } from './template.js';

/** @typedef {import('./template.js').TemplateResult} TemplateResult */

/**
 * @typedef {object} Page
 * @property {() => void} render renders now
 * @property {() => void} schedule renders on the next frame
 * @property {(task: () => void) => void} afterRender runs `task` after the next render
 */

/**
 * @param {HTMLElement} root what the template fills
 * @param {() => TemplateResult} template the whole page as it should be now
 * @returns {Page}
 */
export function createPage(root, template) {
  let frame = 0;
  let rendering = false;
  /** @type {(() => void)[]} */
  let after = [];

  function render() {
    // A view never renders while it is being rendered; should one ask, the
    // next frame picks it up.
    if (rendering) {
      schedule();
      return;
    }
    cancelAnimationFrame(frame);
    frame = 0;
    rendering = true;
    try {
      renderTemplate(template(), root);
    } finally {
      rendering = false;
    }
    const tasks = after;
    after = [];
    for (const task of tasks) task();
  }

  function schedule() {
    if (frame === 0) {
      frame = requestAnimationFrame(() => {
        frame = 0;
        render();
      });
    }
  }

  return { render, schedule, afterRender: (task) => void after.push(task) };
}
