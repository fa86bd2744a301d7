// @ts-check
// The session in words, on Node's test runner: `npm run test:ui`.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  NOT_REMEMBERED_TEXT,
  canSignOut,
  credentialsProblem,
  sessionNotice,
  KEYRING_TEXT,
  signInFailureText,
  statusText,
} from '../js/session.js';

/** @typedef {import('../bindings/SessionChange').SessionChange} SessionChange */

const ADA = { id: 'u-1', email: 'ada@example.com' };

test('the status bar names every session status', () => {
  assert.equal(statusText({ status: 'local' }), 'Local (no sign-in needed)');
  assert.equal(statusText({ status: 'signed-out', ended: 'revoked' }), 'Signed out');
  assert.equal(statusText({ status: 'restoring', user: ADA }), 'Restoring session…');
  assert.equal(statusText({ status: 'signed-in', user: ADA, expiresAt: 1 }), 'Signed in as ada@example.com');
  assert.equal(statusText({ status: 'offline', user: ADA }), 'Offline, retrying…');
});

test('a signed-in user without an email is named by id', () => {
  assert.equal(statusText({ status: 'signed-in', user: { id: 'u-1' } }), 'Signed in as u-1');
});

test('a signed-in user can sign out, also while offline or restoring', () => {
  for (const status of /** @type {const} */ (['signed-in', 'offline', 'restoring'])) {
    assert.equal(canSignOut({ status, user: ADA }), true, status);
  }
  // Local mode, signed out, and the keyring still being read: nobody to sign out.
  for (const status of /** @type {const} */ (['local', 'signed-out', 'restoring'])) {
    assert.equal(canSignOut({ status }), false, status);
  }
});

test('wrong credentials read as such, without the server wording', () => {
  assert.equal(
    signInFailureText({ code: 'invalid_credentials', message: 'Invalid login credentials' }),
    'Wrong email or password.',
  );
});

test('an unreachable server gets advice plus the reason', () => {
  assert.equal(
    signInFailureText({ code: 'network', message: 'connection refused' }),
    'Cannot reach the sign-in server. Check your connection and try again. (connection refused)',
  );
  assert.equal(
    signInFailureText({ code: 'network', message: '' }),
    'Cannot reach the sign-in server. Check your connection and try again.',
  );
});

test('any other failure shows the coordinator message', () => {
  assert.equal(
    signInFailureText({ code: 'invalid_argument', message: 'email is longer than 320 characters' }),
    'email is longer than 320 characters',
  );
  assert.equal(signInFailureText({ code: 'not_configured', message: 'No sign-in in local mode' }), 'No sign-in in local mode');
  assert.equal(signInFailureText(new Error('IPC down')), 'IPC down');
  assert.equal(signInFailureText('plain text'), 'plain text');
  assert.equal(signInFailureText(undefined), 'Signing in failed.');
});

/**
 * @param {Partial<SessionChange> & Pick<SessionChange, 'cause' | 'status'>} change
 * @returns {SessionChange}
 */
const change = (change) => change;

test('a session the server ended says why, for each reason', () => {
  const signedIn = { status: /** @type {const} */ ('signed-in'), user: ADA };
  assert.equal(
    sessionNotice(change({ cause: 'signed-out', status: 'signed-out', ended: 'revoked' }), signedIn),
    'You were signed out: the server ended the session.',
  );
  assert.equal(
    sessionNotice(change({ cause: 'signed-out', status: 'signed-out', ended: 'reused' }), signedIn),
    'You were signed out: your session was used from somewhere else, so the server ended it for safety.',
  );
  assert.equal(
    sessionNotice(change({ cause: 'signed-out', status: 'signed-out', ended: 'unknown' }), signedIn),
    'You were signed out: the server no longer knows this session.',
  );
});

test('a sign-out the user asked for, in any window, needs no notice', () => {
  const signedIn = { status: /** @type {const} */ ('signed-in'), user: ADA };
  assert.equal(sessionNotice(change({ cause: 'signed-out', status: 'signed-out', ended: 'signed-out' }), signedIn), null);
  assert.equal(sessionNotice(change({ cause: 'signed-out', status: 'signed-out' }), signedIn), null);
});

test('a sign-in the keyring cannot keep is announced once', () => {
  const unremembered = change({ cause: 'signed-in', status: 'signed-in', user: ADA, remembered: false });
  assert.equal(sessionNotice(unremembered, { status: 'signed-out' }), NOT_REMEMBERED_TEXT);
  assert.equal(sessionNotice(unremembered, null), NOT_REMEMBERED_TEXT, 'before the first snapshot');
  assert.match(NOT_REMEMBERED_TEXT, /not remembered.*keyring.*sign in again next time/);
  // A refresh repeats the flag; the user heard it already.
  const refreshed = change({ cause: 'token-refreshed', status: 'signed-in', user: ADA, remembered: false });
  assert.equal(sessionNotice(refreshed, { status: 'signed-in', user: ADA, remembered: false }), null);
});

test('the keyring failing during a remembered session is announced', () => {
  const lost = change({ cause: 'storage', status: 'signed-in', user: ADA, remembered: false });
  assert.equal(sessionNotice(lost, { status: 'signed-in', user: ADA, remembered: true }), NOT_REMEMBERED_TEXT);
});

test('remembered sessions, refreshes and status changes need no notice', () => {
  const signedOut = { status: /** @type {const} */ ('signed-out') };
  assert.equal(sessionNotice(change({ cause: 'signed-in', status: 'signed-in', user: ADA, remembered: true }), signedOut), null);
  assert.equal(sessionNotice(change({ cause: 'signed-in', status: 'signed-in', user: ADA }), signedOut), null);
  assert.equal(sessionNotice(change({ cause: 'restoring', status: 'restoring', user: ADA }), null), null);
  assert.equal(sessionNotice(change({ cause: 'offline', status: 'offline', user: ADA }), null), null);
});

test('empty fields are caught before any call, the first to fix named', () => {
  assert.deepEqual(credentialsProblem('', ''), { field: 'email', text: 'Enter your email and password.' });
  assert.deepEqual(credentialsProblem('   ', 'secret'), { field: 'email', text: 'Enter your email.' });
  assert.deepEqual(credentialsProblem('ada@example.com', ''), { field: 'password', text: 'Enter your password.' });
  assert.equal(credentialsProblem('ada@example.com', ' '), null, 'a space is a password character');
});

test('keyring trouble while signed out is said once, for each kind', () => {
  const signedIn = { status: /** @type {const} */ ('signed-in'), user: ADA };
  const notRead = change({ cause: 'signed-out', status: 'signed-out', keyring: 'not-read' });
  assert.equal(sessionNotice(notRead, null), KEYRING_TEXT['not-read']);
  const notRemoved = change({ cause: 'storage', status: 'signed-out', ended: 'signed-out', keyring: 'not-removed' });
  assert.equal(sessionNotice(notRemoved, { status: 'signed-out', ended: 'signed-out' }), KEYRING_TEXT['not-removed']);
  assert.equal(sessionNotice(notRemoved, notRemoved), null, 'not twice');
  assert.equal(sessionNotice(change({ cause: 'signed-out', status: 'signed-out', ended: 'signed-out' }), signedIn), null);
});
