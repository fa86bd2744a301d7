// @ts-check
/**
 * One answer at a time to a question a dialog asks (the unsent-changes,
 * quit and update dialogs): while an answer is out the dialog is busy and
 * its buttons wait; an answer the app refuses shows in the dialog, which
 * stays up. The dialog itself goes when the coordinator's plan moves on.
 */

import { describeError } from './errors.js';

/**
 * @template T
 * @param {(choice: T) => Promise<unknown>} send sends the answer
 * @param {import('./page.js').Page} page
 */
export function createAnswer(send, page) {
  let pending = false;
  let error = '';
  return {
    /** Whether an answer is out. */
    pending: () => pending,
    /** Why the last answer was refused ('' if it was not). */
    error: () => error,
    /**
     * Sends `choice`, unless an answer is already out.
     * @param {T} choice
     */
    async choose(choice) {
      if (pending) return;
      pending = true;
      error = '';
      page.render();
      try {
        await send(choice);
      } catch (failure) {
        error = describeError(failure);
      } finally {
        pending = false;
        page.render();
      }
    },
  };
}
