// @ts-check
// Sign-in attempts over a stand-in form, on Node's test runner:
// `npm run test:ui`.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createSignInAttempts } from '../js/sign-in.js';

/**
 * A form holding `email` and `password`, recording what the attempt does to it.
 * @param {string} email
 * @param {string} password
 */
function fakeForm(email, password) {
  /** @type {string[]} */
  const events = [];
  const form = {
    events,
    pending: false,
    error: '',
    email: { value: email, focus: () => events.push('focus email') },
    password: {
      value: password,
      focus: () => events.push('focus password'),
      select: () => events.push('select password'),
    },
    /** @param {boolean} pending */
    setPending(pending) {
      form.pending = pending;
      events.push(pending ? 'pending' : 'idle');
    },
    /** @param {string} text */
    setError(text) {
      form.error = text;
    },
  };
  return form;
}

/** A sign-in call that settles when told to, recording what it was sent. */
function heldSignIn() {
  /** @type {{ email: string, password: string }[]} */
  const calls = [];
  /** @type {{ resolve: (value: unknown) => void, reject: (error: unknown) => void }[]} */
  const pending = [];
  /**
   * @param {string} email
   * @param {string} password
   */
  const signIn = (email, password) => {
    calls.push({ email, password });
    return new Promise((resolve, reject) => pending.push({ resolve, reject }));
  };
  return { signIn, calls, pending };
}

test('empty fields make no call and point at the field to fill', async () => {
  const { signIn, calls } = heldSignIn();
  const form = fakeForm('', 'secret');
  await createSignInAttempts(form, signIn)();
  assert.equal(calls.length, 0);
  assert.equal(form.error, 'Enter your email.');
  assert.deepEqual(form.events, ['focus email']);
  assert.equal(form.password.value, 'secret', 'nothing was sent, so nothing is cleared');

  const noPassword = fakeForm('ada@example.com', '');
  await createSignInAttempts(noPassword, signIn)();
  assert.equal(calls.length, 0);
  assert.deepEqual(noPassword.events, ['focus password']);
});

test('the email is sent trimmed and the password exactly as typed', async () => {
  const { signIn, calls, pending } = heldSignIn();
  const attempt = createSignInAttempts(fakeForm('  ada@example.com ', ' pass word '), signIn)();
  pending[0].resolve({ status: 'signed-in' });
  await attempt;
  assert.deepEqual(calls, [{ email: 'ada@example.com', password: ' pass word ' }]);
});

test('an attempt is pending until the call settles, and a second submit waits it out', async () => {
  const { signIn, calls, pending } = heldSignIn();
  const form = fakeForm('ada@example.com', 'secret');
  const submit = createSignInAttempts(form, signIn);
  const first = submit();
  assert.equal(form.pending, true);
  await submit();
  assert.equal(calls.length, 1, 'Enter pressed twice sends once');
  pending[0].resolve({ status: 'signed-in' });
  await first;
  assert.equal(form.pending, false);
});

test('success clears the password and the error line, and leaves the focus alone', async () => {
  const { signIn, pending } = heldSignIn();
  const form = fakeForm('ada@example.com', 'secret');
  form.error = 'Wrong email or password.';
  const attempt = createSignInAttempts(form, signIn)();
  assert.equal(form.error, '', 'the old error goes as the new attempt starts');
  pending[0].resolve({ status: 'signed-in' });
  await attempt;
  assert.equal(form.password.value, '');
  assert.equal(form.email.value, 'ada@example.com');
  assert.deepEqual(form.events, ['pending', 'idle']);
});

test('failure clears the password, says why, and readies the password field', async () => {
  const { signIn, pending } = heldSignIn();
  const form = fakeForm('ada@example.com', 'wrong');
  const attempt = createSignInAttempts(form, signIn)();
  pending[0].reject({ code: 'invalid_credentials', message: 'Invalid login credentials' });
  await attempt;
  assert.equal(form.password.value, '');
  assert.equal(form.error, 'Wrong email or password.');
  assert.deepEqual(form.events, ['pending', 'idle', 'focus password', 'select password']);
  assert.equal(form.pending, false);
});

test('after a failure the next attempt goes through', async () => {
  const { signIn, calls, pending } = heldSignIn();
  const form = fakeForm('ada@example.com', 'wrong');
  const submit = createSignInAttempts(form, signIn);
  const first = submit();
  pending[0].reject({ code: 'network', message: 'timed out' });
  await first;
  assert.match(form.error, /^Cannot reach the sign-in server\. .*\(timed out\)$/);
  form.password.value = 'right';
  const second = submit();
  pending[1].resolve({ status: 'signed-in' });
  await second;
  assert.deepEqual(calls.map((call) => call.password), ['wrong', 'right']);
  assert.equal(form.error, '');
});
