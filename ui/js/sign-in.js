// @ts-check
/**
 * Sign-in attempts: an email and a password, sent to the coordinator,
 * which signs in every window at once. sign-in-dialog.js is their form.
 *
 * Invariants:
 * - The password lives in its input's value and, for the length of one
 *   call, in the call's arguments; the input is emptied after every call,
 *   success or failure. It is never written to an attribute, `dataset`,
 *   storage, the console or a notice, and no text shown contains it.
 * - One attempt at a time: submitting while a call is pending does nothing.
 *
 * The logic works on a small form interface, so it runs under Node's test
 * runner with a stand-in.
 */

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
