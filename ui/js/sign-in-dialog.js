// @ts-check
/**
 * The sign-in dialog: the form of sign-in.js's attempts, shown by the
 * window presenting the `sign-in` modal.
 *
 * Invariants:
 * - The password lives only in its input: the field is not bound to any
 *   state, and the attempt reads it when sent and empties it after (see
 *   sign-in.js). The email is the draft other windows may carry on.
 * - The dialog never closes itself, not even on success: it goes when the
 *   coordinator's plan says no sign-in is required, in every window alike
 *   (modal-view.js), whichever window the sign-in came from.
 * - Escape does nothing. The dialog is mandatory: signed out, the CRM has
 *   nothing to show, and a dismissed prompt would leave a window with no way
 *   back to it. That is also why it is a plain element and not `<dialog>`,
 *   whose `showModal()` closes on Escape, and whose cancel event some
 *   Chromium-based webviews do not always let a page prevent.
 */

import { createSignInAttempts } from './sign-in.js';
import { createRef, html, live, nothing, ref } from './template.js';

/** @typedef {import('./sign-in.js').SignIn} SignIn */
/** @typedef {import('./modal-view.js').Dialog} Dialog */

/**
 * @param {SignIn} signIn
 * @param {object} options
 * @param {import('./page.js').Page} options.page
 * @param {(text: string) => void} options.onDraft called with the email as it is typed
 * @param {() => Promise<string | null>} options.project where the password goes
 *   (the project's host), shown above the fields
 * @returns {Dialog}
 */
export function createSignInDialog(signIn, { page, onDraft, project }) {
  /** @type {import('./template.js').Ref<HTMLInputElement>} */
  const emailField = createRef();
  /** @type {import('./template.js').Ref<HTMLInputElement>} */
  const passwordField = createRef();
  let email = '';
  let pending = false;
  let error = '';
  /** The project's host, once known. @type {string | null} */
  let host = null;
  project()
    .then((answer) => {
      host = answer;
      page.render();
    })
    .catch(() => {});

  /** The password input; the dialog is rendered whenever it is used. */
  const password = () => /** @type {HTMLInputElement} */ (passwordField.value);

  const submit = createSignInAttempts(
    {
      email: {
        get value() {
          return email;
        },
        focus: () => emailField.value?.focus(),
      },
      password: {
        get value() {
          return password().value;
        },
        set value(text) {
          password().value = text;
        },
        focus: () => password().focus(),
        select: () => password().select(),
      },
      setPending(next) {
        pending = next;
        page.render();
      },
      setError(text) {
        error = text;
        page.render();
      },
    },
    signIn,
  );

  /** @param {InputEvent} event */
  function typeEmail(event) {
    email = /** @type {HTMLInputElement} */ (event.target).value;
    onDraft(email);
  }

  /** @param {SubmitEvent} event */
  function send(event) {
    event.preventDefault();
    void submit();
  }

  // The browser's own checks are off (`novalidate`): they would answer
  // before the coordinator, with messages of their own (`type=email`
  // refuses what the server may accept). Emptiness is checked by the
  // attempt. Read-only rather than disabled while pending: disabling the
  // focused field would drop the focus to the page. Enter in either field
  // submits the form.
  const view = () => html`<div class="modal-backdrop">
    <div
      class="modal"
      role="dialog"
      aria-modal="true"
      aria-labelledby="sign-in-title"
      aria-describedby="sign-in-intro"
      data-testid="sign-in-modal"
    >
      <span class="logo" aria-hidden="true">A</span>
      <h2 id="sign-in-title">Sign in to Axolop CRM</h2>
      <p id="sign-in-intro" class="modal-intro">${host
        ? html`Your password goes to <strong data-testid="sign-in-project">${host}</strong> only. `
        : nothing}Signing in here signs in every Axolop window.</p>
      <form class="modal-form" novalidate aria-busy=${String(pending)} @submit=${send}>
        <label class="field"><span>Email</span><input
          type="email"
          name="email"
          autocomplete="username"
          autocapitalize="off"
          spellcheck="false"
          required
          data-testid="sign-in-email"
          ?readonly=${pending}
          .value=${live(email)}
          @input=${typeEmail}
          ${ref(emailField)}
        /></label>
        <label class="field"><span>Password</span><input
          type="password"
          name="password"
          autocomplete="current-password"
          required
          data-testid="sign-in-password"
          ?readonly=${pending}
          ${ref(passwordField)}
        /></label>
        <p class="modal-error" role="alert" data-testid="sign-in-error" ?hidden=${error === ''}>${error}</p>
        <button type="submit" data-testid="sign-in-submit" ?disabled=${pending}>${pending ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </div>
  </div>`;

  return {
    view,
    focus: () => emailField.value?.focus(),
    restoreDraft(text) {
      if (email !== '') return false;
      email = text;
      page.render();
      return true;
    },
  };
}
