// @ts-check
/**
 * Signing in through the browser or an email, in words: the providers'
 * names, what the sign-in dialog says at each step the coordinator reports
 * (`session.browser`), and the checks made before a code or a new
 * password is sent.
 *
 * Invariant: no text made here contains a code or a password; the
 * functions that see one only say what is wrong with its shape.
 *
 * Nothing here touches the DOM or Tauri, so it runs under Node's test runner.
 */

import { describeError, errorCode } from './errors.js';
import { signInFailureText } from './session.js';

/** @typedef {import('../bindings/BrowserSignIn').BrowserSignIn} BrowserSignIn */

/** The names people know providers by, for GoTrue's provider ids. */
const PROVIDER_NAMES = /** @type {Record<string, string>} */ ({
  apple: 'Apple',
  azure: 'Microsoft',
  bitbucket: 'Bitbucket',
  discord: 'Discord',
  facebook: 'Facebook',
  figma: 'Figma',
  github: 'GitHub',
  gitlab: 'GitLab',
  google: 'Google',
  kakao: 'Kakao',
  keycloak: 'Keycloak',
  linkedin_oidc: 'LinkedIn',
  notion: 'Notion',
  slack_oidc: 'Slack',
  spotify: 'Spotify',
  twitch: 'Twitch',
  twitter: 'X',
  workos: 'WorkOS',
  zoom: 'Zoom',
});

/**
 * The name shown for provider `id`.
 * @param {string} id
 */
export function providerName(id) {
  return PROVIDER_NAMES[id] ?? id.charAt(0).toUpperCase() + id.slice(1).replace(/_/g, ' ');
}

/**
 * The order providers are offered in: the best known first, as most
 * teams sign in with one of them, then the rest by name.
 * @param {string[]} ids
 */
export function orderProviders(ids) {
  const first = ['google', 'azure', 'github'];
  const rank = (/** @type {string} */ id) => {
    const index = first.indexOf(id);
    return index === -1 ? first.length : index;
  };
  return [...ids].sort((a, b) => rank(a) - rank(b) || providerName(a).localeCompare(providerName(b)));
}

/**
 * What the dialog says at `step`.
 * @param {BrowserSignIn} step
 * @returns {{ title: string, intro: string }}
 */
export function stepText(step) {
  switch (step.step) {
    case 'provider':
      return {
        title: 'Continue in your browser…',
        intro: `Sign in with ${providerName(step.provider)} in the browser window that opened. Every Axolop window is signed in when you are done.`,
      };
    case 'email-link':
      return {
        title: 'Check your email',
        intro: `We sent a sign-in link to ${step.email}. Open it on this computer, or type the code from the same email.`,
      };
    case 'recovery':
      return {
        title: 'Check your email',
        intro: `We sent a link to reset your password to ${step.email}. Open it on this computer to choose a new password.`,
      };
    case 'new-password':
      return {
        title: 'Choose a new password',
        intro: step.email
          ? `Choose a new password for ${step.email}. You are signed in once it is saved.`
          : 'Choose a new password. You are signed in once it is saved.',
      };
  }
}

/**
 * The code as sent (spaces dropped), or why it cannot be one.
 * @param {string} typed
 * @returns {{ code: string } | { problem: string }}
 */
export function readCode(typed) {
  const code = typed.replace(/\s+/g, '');
  if (!/^\d{6,10}$/.test(code)) return { problem: 'Type the 6-digit code from the sign-in email.' };
  return { code };
}

/**
 * Why a new password and its repetition cannot be sent, or '' when they can.
 * The server judges its strength.
 * @param {string} password
 * @param {string} again
 */
export function newPasswordProblem(password, again) {
  if (password === '') return 'Type a new password.';
  if (password !== again) return 'The two passwords differ: type the same one twice.';
  return '';
}

/**
 * Why an email cannot be sent a link, or '' when it can.
 * @param {string} email
 * @param {'link' | 'reset'} purpose
 */
export function emailProblem(email, purpose) {
  if (email.trim() !== '' && email.includes('@')) return '';
  return purpose === 'link'
    ? 'Type your email first, then choose “Email me a sign-in link”.'
    : 'Type your email first, then choose “Forgot password?”.';
}

/**
 * Why a step failed, as a sentence: the sign-in's own wording when the
 * server cannot be reached, otherwise the app's message (a used code is
 * `invalid_credentials` too, so its message says which).
 * @param {unknown} error
 */
export function failureText(error) {
  const text = errorCode(error) === 'network' ? signInFailureText(error) : describeError(error);
  const sentence = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?)]$/.test(sentence) ? sentence : `${sentence}.`;
}
