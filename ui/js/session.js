// @ts-check
/**
 * The session in words: what the status bar says, why a sign-in failed, and
 * which notice a session change calls for.
 *
 * Every window follows the shared session: signing in or out in one window
 * does it for all, so nothing here assumes this window caused a change.
 *
 * Invariant: no text made here contains a password; the functions never see
 * one (an attempt's error is the coordinator's, which never echoes it).
 *
 * Nothing here touches the DOM or Tauri, so it runs under Node's test runner.
 */

import { describeError, errorCode } from './errors.js';

/** @typedef {import('../bindings/SessionSummary').SessionSummary} SessionSummary */
/** @typedef {import('../bindings/SessionStatus').SessionStatus} SessionStatus */
/** @typedef {import('../bindings/SessionChange').SessionChange} SessionChange */
/** @typedef {import('../bindings/SignOutReason').SignOutReason} SignOutReason */
/** @typedef {import('../bindings/KeyringTrouble').KeyringTrouble} KeyringTrouble */

/**
 * What the status bar says for a session.
 * @param {SessionSummary} session
 * @returns {string}
 */
export function statusText(session) {
  switch (session.status) {
    case 'local':
      return 'Local (no sign-in needed)';
    case 'signed-out':
      return 'Signed out';
    case 'restoring':
      return 'Restoring session…';
    case 'signed-in':
      return session.user ? `Signed in as ${session.user.email ?? session.user.id}` : 'Signed in';
    case 'offline':
      return 'Offline, retrying…';
  }
}

/**
 * Whether this window offers to sign out: whenever someone is signed in,
 * including while the server cannot be reached or a stored session is being
 * restored (the user may want out precisely then). Local mode and a
 * signed-out session have nothing to end.
 * @param {SessionSummary} session
 */
export function canSignOut(session) {
  return (
    session.user !== undefined &&
    (session.status === 'signed-in' || session.status === 'offline' || session.status === 'restoring')
  );
}

/** Said when a signed-in session could not be put in the OS keyring. */
export const NOT_REMEMBERED_TEXT =
  'This session is not remembered: the system keyring is not available, so you will be asked to sign in again next time.';

/**
 * What went wrong with the OS keyring while signed out, for each trouble.
 * @type {Record<KeyringTrouble, string>}
 */
export const KEYRING_TEXT = {
  'not-read':
    'The system keyring could not be read (or did not answer in time), so no saved session was used. Sign in to continue.',
  'not-removed':
    'You are signed out, but the system keyring would not let Axolop remove the saved session. It will not be used again; you can delete “com.axolop.crm.desktop” in your keyring app.',
};

/**
 * Why the server ended a session, for each reason the user did not choose.
 * A sign-out the user asked for needs no explanation.
 * @type {Record<Exclude<SignOutReason, 'signed-out'>, string>}
 */
const ENDED_TEXT = {
  revoked: 'You were signed out: the server ended the session.',
  reused: 'You were signed out: your session was used from somewhere else, so the server ended it for safety.',
  unknown: 'You were signed out: the server no longer knows this session.',
};

/**
 * The notice a `session-changed` event calls for, if any: why the server
 * ended the session, or that a new sign-in lasts only for this run.
 *
 * The not-remembered notice is said once per sign-in, not on every token
 * refresh that repeats it, so it compares against the session as this window
 * knew it before the event.
 * @param {SessionChange} change the event's data
 * @param {SessionSummary | null} before the session before the event, if known
 * @returns {string | null}
 */
export function sessionNotice(change, before) {
  if (change.status === 'signed-out' && change.keyring && before?.keyring !== change.keyring) {
    return KEYRING_TEXT[change.keyring];
  }
  if (change.cause === 'signed-out') {
    return change.ended && change.ended !== 'signed-out' ? ENDED_TEXT[change.ended] : null;
  }
  if (isUnremembered(change) && !(before && isUnremembered(before))) {
    return NOT_REMEMBERED_TEXT;
  }
  return null;
}

/** @param {SessionSummary} session */
function isUnremembered(session) {
  return session.status === 'signed-in' && session.remembered === false;
}

/**
 * What the sign-in dialog says when a sign-in attempt fails.
 * @param {unknown} error the command's rejection, normally `{code, message}`
 * @returns {string}
 */
export function signInFailureText(error) {
  const message = error === undefined ? '' : describeError(error);
  switch (errorCode(error)) {
    case 'invalid_credentials':
      return 'Wrong email or password.';
    case 'network': {
      const advice = 'Cannot reach the sign-in server. Check your connection and try again.';
      return message ? `${advice} (${message})` : advice;
    }
    default:
      return message || 'Signing in failed.';
  }
}

/**
 * Why an attempt cannot be sent as typed, or null when it can. Only
 * emptiness is checked here, to answer without a round trip; the coordinator
 * checks again and is the authority (length, form).
 * @param {string} email as typed; surrounding spaces do not count
 * @param {string} password as typed; every character counts
 * @returns {{ field: 'email' | 'password', text: string } | null} the field to fix first, and why
 */
export function credentialsProblem(email, password) {
  const noEmail = email.trim() === '';
  const noPassword = password === '';
  if (noEmail && noPassword) return { field: 'email', text: 'Enter your email and password.' };
  if (noEmail) return { field: 'email', text: 'Enter your email.' };
  if (noPassword) return { field: 'password', text: 'Enter your password.' };
  return null;
}
