// @ts-check
/**
 * The sign-in dialog: an email and a password, sent to the coordinator,
 * which signs in every window at once.
 *
 * Invariants:
 * - The password lives in its input's value and, for the length of one
 *   call, in the call's arguments; the input is emptied after every call,
 *   success or failure. It is never written to an attribute, `dataset`,
 *   storage, the console or a notice, and no text shown contains it.
 * - One attempt at a time: submitting while a call is pending does nothing.
 * - The dialog never closes itself, not even on success: it goes when the
 *   coordinator's plan says no sign-in is required, in every window alike
 *   (modal.js), whichever window the sign-in came from.
 * - Escape does nothing. The dialog is mandatory: signed out, the CRM has
 *   nothing to show, and a dismissed prompt would leave a window with no way
 *   back to it. That is also why it is a plain element and not `<dialog>`,
 *   whose `showModal()` closes on Escape, and whose cancel event some
 *   Chromium-based webviews do not always let a page prevent.
 *
 * The attempt logic (`createSignInAttempts`) works on a small form
 * interface, so it runs under Node's test runner with a stand-in; only
 * `createSignInDialog` touches the DOM, and only when called.
 */

import { make } from './dom.js';
import { credentialsProblem, signInFailureText } from './session.js';

/**
 * What an attempt reads and changes: the dialog's fields, or a stand-in.
 * @typedef {object} SignInForm
 * @property {{ value: string, focus(): void }} email
 * @property {{ value: string, focus(): void, select(): void }} password
 * @property {(pending: boolean) => void} setPending shows a call is on its way, or over
 * @property {(text: string) => void} setError shows why an attempt failed; '' hides the line
 */

/**
 * Signs in with an email and a password; resolves once every window is
 * signed in, rejects with `{code, message}`.
 * @typedef {(email: string, password: string) => Promise<unknown>} SignIn
 */

/**
 * The submit action of a sign-in form.
 * @param {SignInForm} form
 * @param {SignIn} signIn
 * @returns {() => Promise<void>} submits what the form holds; never rejects
 */
export function createSignInAttempts(form, signIn) {
  let pending = false;
  return async function submit() {
    if (pending) return;
    const problem = credentialsProblem(form.email.value, form.password.value);
    if (problem) {
      form.setError(problem.text);
      form[problem.field].focus();
      return;
    }
    pending = true;
    form.setError('');
    form.setPending(true);
    /** @type {string | null} */
    let failure = null;
    try {
      // The password goes straight from the field into the call.
      await signIn(form.email.value.trim(), form.password.value);
    } catch (error) {
      failure = signInFailureText(error);
    } finally {
      form.password.value = '';
      pending = false;
      form.setPending(false);
    }
    if (failure !== null) {
      form.setError(failure);
      // Most failures are a mistyped password: ready to type it again.
      form.password.focus();
      form.password.select();
    }
  };
}

/**
 * Builds the sign-in dialog over a dimmed backdrop, not yet in the page.
 * @param {SignIn} signIn
 * @returns {{ element: HTMLElement, focus: () => void }} the backdrop holding
 *   the dialog, and a way to focus its first field
 */
export function createSignInDialog(signIn) {
  const email = make('input', {
    type: 'email',
    name: 'email',
    autocomplete: 'username',
    autocapitalize: 'off',
    spellcheck: 'false',
    required: '',
    'data-testid': 'sign-in-email',
    // modal.js keeps the email (never the password) for the next presenter.
    'data-draft': '',
  });
  const password = make('input', {
    type: 'password',
    name: 'password',
    autocomplete: 'current-password',
    required: '',
    'data-testid': 'sign-in-password',
  });
  const error = make('p', { class: 'modal-error', role: 'alert', 'data-testid': 'sign-in-error' });
  error.hidden = true;
  const submitButton = make('button', { type: 'submit', 'data-testid': 'sign-in-submit' }, 'Sign in');
  // The browser's own checks are off: they would answer before the
  // coordinator, with messages of their own (`type=email` refuses what the
  // server may accept). Emptiness is checked by the attempt.
  const form = make(
    'form',
    { class: 'modal-form', novalidate: '' },
    make('label', { class: 'field' }, make('span', {}, 'Email'), email),
    make('label', { class: 'field' }, make('span', {}, 'Password'), password),
    error,
    submitButton,
  );
  const dialog = make(
    'div',
    {
      class: 'modal',
      role: 'dialog',
      'aria-modal': 'true',
      'aria-labelledby': 'sign-in-title',
      'aria-describedby': 'sign-in-intro',
      'data-testid': 'sign-in-modal',
    },
    make('span', { class: 'logo', 'aria-hidden': 'true' }, 'A'),
    make('h2', { id: 'sign-in-title' }, 'Sign in to Axolop CRM'),
    make('p', { id: 'sign-in-intro', class: 'modal-intro' }, 'Signing in here signs in every Axolop window.'),
    form,
  );
  const backdrop = make('div', { class: 'modal-backdrop' }, dialog);

  const submit = createSignInAttempts(
    {
      email,
      password,
      setPending(pending) {
        submitButton.disabled = pending;
        submitButton.textContent = pending ? 'Signing in…' : 'Sign in';
        // Read-only rather than disabled: disabling the focused field would
        // drop the focus to the page.
        email.readOnly = pending;
        password.readOnly = pending;
        form.setAttribute('aria-busy', String(pending));
      },
      setError(text) {
        if (error.textContent !== text) error.textContent = text;
        const hide = text === '';
        if (error.hidden !== hide) error.hidden = hide;
      },
    },
    signIn,
  );
  // Enter in either field submits the form, as the submit button is in it.
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });

  return { element: backdrop, focus: () => email.focus() };
}
