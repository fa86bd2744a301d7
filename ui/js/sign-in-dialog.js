// @ts-check
/**
 * The sign-in dialog: the form of sign-in.js's attempts, shown by the
 * window presenting the `sign-in` modal, with the other ways in: a
 * provider through the system browser, an emailed link or its code, and
 * "Forgot password?". While one of those is under way the dialog follows
 * the step every window is told of (`session.browser`): "Continue in your
 * browser…", the code entry, or "Choose a new password".
 *
 * Invariants:
 * - The password lives only in its input: the field is not bound to any
 *   state, and the attempt reads it when sent and empties it after (see
 *   sign-in.js). The email is the draft other windows may carry on.
 * - The dialog never closes itself, not even on success: it goes when the
 *   coordinator's plan says no sign-in is required, in every window alike
 *   (modal-view.js), whichever window the sign-in came from.
 * - Codes and new passwords live only in their inputs too, emptied after
 *   each call.
 * - Escape cancels a step under way (the browser, the email), which loses
 *   nothing; otherwise it does nothing. The dialog is mandatory: signed out, the CRM has
 *   nothing to show, and a dismissed prompt would leave a window with no way
 *   back to it. That is also why it is a plain element and not `<dialog>`,
 *   whose `showModal()` closes on Escape, and whose cancel event some
 *   Chromium-based webviews do not always let a page prevent.
 */

import {
  emailProblem,
  failureText,
  newPasswordProblem,
  orderProviders,
  providerName,
  readCode,
  stepText,
} from './browser-sign-in.js';
import { createSignInAttempts } from './sign-in.js';
import { createRef, html, live, nothing, ref } from './template.js';

/** @typedef {import('../bindings/BrowserSignIn').BrowserSignIn} BrowserSignIn */

/**
 * The other ways in, as the app offers them.
 * @typedef {object} BrowserActions
 * @property {() => BrowserSignIn | null} step the step under way, if any
 * @property {() => Promise<string[]>} providers the providers the project offers
 * @property {(provider: string) => Promise<unknown>} startProvider
 * @property {(email: string) => Promise<unknown>} sendLink
 * @property {(code: string) => Promise<unknown>} sendCode
 * @property {(email: string) => Promise<unknown>} recover
 * @property {(password: string) => Promise<unknown>} choosePassword
 * @property {() => Promise<unknown>} cancel
 */

/** @typedef {import('./sign-in.js').SignIn} SignIn */
/** @typedef {import('./modal-view.js').Dialog} Dialog */

/**
 * @param {SignIn} signIn
 * @param {object} options
 * @param {import('./page.js').Page} options.page
 * @param {(text: string) => void} options.onDraft called with the email as it is typed
 * @param {() => Promise<string | null>} options.project where the password goes
 *   (the project's host), shown above the fields
 * @param {BrowserActions} options.browser the other ways in
 * @returns {Dialog}
 */
export function createSignInDialog(signIn, { page, onDraft, project, browser }) {
  /** @type {import('./template.js').Ref<HTMLInputElement>} */
  const emailField = createRef();
  /** @type {import('./template.js').Ref<HTMLInputElement>} */
  const passwordField = createRef();
  let email = '';
  let pending = false;
  let error = '';
  /** The step the error line is about: a step that moved on leaves it behind. */
  let errorStep = '';
  /** The step under way, as a key ('' for the form). */
  const stepKey = () => browser.step()?.step ?? '';
  /**
   * Shows `text` in the error line of the step now under way.
   * @param {string} text
   */
  function setError(text) {
    error = text;
    errorStep = stepKey();
    page.render();
  }
  /** The error line's text for the step drawn now. */
  const shownError = () => (errorStep === stepKey() ? error : '');
  /** The project's host, once known. @type {string | null} */
  let host = null;
  project()
    .then((answer) => {
      host = answer;
      page.render();
    })
    .catch(() => {});
  /** The providers offered, once known. @type {string[]} */
  let providers = [];
  browser
    .providers()
    .then((ids) => {
      providers = orderProviders(ids);
      page.render();
    })
    .catch(() => {}); // the other ways in still work
  /** @type {import('./template.js').Ref<HTMLInputElement>} */
  const codeField = createRef();
  /** @type {import('./template.js').Ref<HTMLInputElement>} */
  const newPasswordField = createRef();
  /** @type {import('./template.js').Ref<HTMLInputElement>} */
  const againField = createRef();
  /** @type {import('./template.js').Ref<HTMLElement>} */
  const stepBox = createRef();
  /**
   * Focuses the step's field, or the step's box when it has none, so that
   * Escape (heard on the backdrop) reaches it.
   */
  const focusStep = () => (codeField.value ?? newPasswordField.value ?? stepBox.value)?.focus();
  /** The step the view was last drawn for, to focus its field once. */
  let drawnStep = '';

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
      setError,
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

  /**
   * Runs one of the other ways in, one call at a time; its failure shows
   * in the error line.
   * @param {() => Promise<unknown>} action
   */
  async function run(action) {
    if (pending) return;
    pending = true;
    setError('');
    try {
      await action();
    } catch (failure) {
      setError(failureText(failure));
    } finally {
      pending = false;
      page.render();
    }
  }

  /** @param {'link' | 'reset'} purpose */
  function byEmail(purpose) {
    const problem = emailProblem(email, purpose);
    if (problem) {
      setError(problem);
      emailField.value?.focus();
      return;
    }
    void run(() => (purpose === 'link' ? browser.sendLink(email.trim()) : browser.recover(email.trim())));
  }

  /** @param {SubmitEvent} event */
  function sendCode(event) {
    event.preventDefault();
    if (pending) return;
    const field = /** @type {HTMLInputElement} */ (codeField.value);
    const read = readCode(field.value);
    if ('problem' in read) {
      setError(read.problem);
      field.focus();
      return;
    }
    void run(() => browser.sendCode(read.code)).then(() => {
      field.value = '';
    });
  }

  /** @param {SubmitEvent} event */
  function choosePassword(event) {
    event.preventDefault();
    if (pending) return;
    const first = /** @type {HTMLInputElement} */ (newPasswordField.value);
    const again = /** @type {HTMLInputElement} */ (againField.value);
    const problem = newPasswordProblem(first.value, again.value);
    if (problem) {
      setError(problem);
      first.focus();
      return;
    }
    // The password goes straight from the field into the call.
    const sent = browser.choosePassword(first.value);
    first.value = '';
    again.value = '';
    void run(() => sent).then(() => first.focus());
  }

  function cancel() {
    void run(browser.cancel);
  }

  /** @param {KeyboardEvent} event */
  function escape(event) {
    if (event.key === 'Escape' && browser.step()) {
      event.preventDefault();
      cancel();
    }
  }

  /**
   * The dialog at a step under way.
   * @param {BrowserSignIn} step
   */
  function stepView(step) {
    const { title, intro } = stepText(step);
    if (drawnStep !== step.step) {
      drawnStep = step.step;
      page.afterRender(focusStep);
    }
    const cancelButton = html`<button type="button" class="quiet" data-testid="sign-in-cancel" ?disabled=${pending} @click=${cancel}>Cancel</button>`;
    const errorLine = errorView();
    /**
     * A step's form: its fields, the error line, the submit button, Cancel.
     * @param {(event: SubmitEvent) => void} onSubmit
     * @param {import('./template.js').TemplateResult} fields
     * @param {{ testid: string, idle: string, busy: string }} submit
     */
    const stepForm = (onSubmit, fields, submit) => html`<form class="modal-form" novalidate aria-busy=${String(pending)} @submit=${onSubmit}>
      ${fields}
      ${errorLine}
      <button type="submit" data-testid=${submit.testid} ?disabled=${pending}>${pending ? submit.busy : submit.idle}</button>
      ${cancelButton}
    </form>`;
    /**
     * A new-password field.
     * @param {string} label
     * @param {string} testid
     * @param {import('./template.js').Ref<HTMLInputElement>} field
     */
    const newPassword = (label, testid, field) => html`<label class="field"><span>${label}</span><input
      type="password"
      name=${testid}
      autocomplete="new-password"
      data-testid=${testid}
      ?readonly=${pending}
      ${ref(field)}
    /></label>`;
    let body;
    switch (step.step) {
      case 'email-link':
        body = stepForm(
          sendCode,
          html`<label class="field"><span>Code from the email</span><input
            type="text"
            name="code"
            inputmode="numeric"
            autocomplete="one-time-code"
            maxlength="14"
            data-testid="sign-in-code"
            ?readonly=${pending}
            ${ref(codeField)}
          /></label>`,
          { testid: 'sign-in-code-submit', idle: 'Sign in', busy: 'Signing in…' },
        );
        break;
      case 'new-password':
        body = stepForm(
          choosePassword,
          html`${newPassword('New password', 'new-password', newPasswordField)}${newPassword('Repeat it', 'new-password-again', againField)}`,
          { testid: 'new-password-submit', idle: 'Save and sign in', busy: 'Saving…' },
        );
        break;
      default:
        body = html`<div class="modal-actions">${errorLine}${cancelButton}</div>`;
    }
    return frame(step, title, intro, body);
  }

  /** The other ways in, under the password form. */
  const otherWays = () => html`<div class="sign-in-others">
    <button type="button" class="quiet" data-testid="sign-in-forgot" ?disabled=${pending} @click=${() => byEmail('reset')}>Forgot password?</button>
    <p class="divider" aria-hidden="true"><span>or</span></p>
    <button type="button" class="secondary" data-testid="sign-in-email-link" ?disabled=${pending} @click=${() => byEmail('link')}>Email me a sign-in link</button>
    ${providers.map(
      (id) => html`<button
        type="button"
        class="secondary"
        data-testid="sign-in-provider"
        data-provider=${id}
        ?disabled=${pending}
        @click=${() => run(() => browser.startProvider(id))}
      >Continue with ${providerName(id)}</button>`,
    )}
  </div>`;

  // The browser's own checks are off (`novalidate`): they would answer
  // before the coordinator, with messages of their own (`type=email`
  // refuses what the server may accept). Emptiness is checked by the
  // attempt. Read-only rather than disabled while pending: disabling the
  // focused field would drop the focus to the page. Enter in either field
  // submits the form.
  const view = () => {
    const step = browser.step();
    if (step) return stepView(step);
    if (drawnStep !== '') {
      drawnStep = '';
      page.afterRender(() => emailField.value?.focus());
    }
    return formView();
  };

  /** The error line, for the step drawn now. */
  const errorView = () =>
    html`<p class="modal-error" role="alert" data-testid="sign-in-error" ?hidden=${shownError() === ''}>${shownError()}</p>`;

  /**
   * The dialog around `body`: the form's, or a step's. A step's takes the
   * focus when it has no field, so that Escape (heard on the backdrop)
   * reaches it.
   * @param {BrowserSignIn | null} step
   * @param {unknown} title
   * @param {unknown} intro
   * @param {unknown} body
   */
  const frame = (step, title, intro, body) => html`<div class="modal-backdrop" @keydown=${escape}>
    <div
      class="modal"
      role="dialog"
      aria-modal="true"
      aria-labelledby="sign-in-title"
      aria-describedby="sign-in-intro"
      data-testid="sign-in-modal"
      data-step=${step?.step ?? nothing}
      tabindex=${step ? '-1' : nothing}
      ${ref(stepBox)}
    >
      <span class="logo" aria-hidden="true">A</span>
      <h2 id="sign-in-title">${title}</h2>
      <p id="sign-in-intro" class="modal-intro" data-testid=${step ? 'sign-in-step' : nothing}>${intro}</p>
      ${body}
    </div>
  </div>`;

  const formView = () =>
    frame(
      null,
      'Sign in to Axolop CRM',
      html`${host ? html`Your password goes to <strong data-testid="sign-in-project">${host}</strong> only. ` : nothing}Signing in here signs in every Axolop window.`,
      html`      <form class="modal-form" novalidate aria-busy=${String(pending)} @submit=${send}>
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
        ${errorView()}
        <button type="submit" data-testid="sign-in-submit" ?disabled=${pending}>${pending ? 'Signing in…' : 'Sign in'}</button>
      </form>
      ${otherWays()}`,
    );

  return {
    view,
    focus: () => (browser.step() ? focusStep() : emailField.value?.focus()),
    refused: setError,
    restoreDraft(text) {
      if (email !== '') return false;
      email = text;
      page.render();
      return true;
    },
  };
}
