// @ts-check
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  emailProblem,
  failureText,
  newPasswordProblem,
  orderProviders,
  providerName,
  readCode,
  stepText,
} from '../js/browser-sign-in.js';

test('providers go by the names people know, the best known first', () => {
  assert.equal(providerName('azure'), 'Microsoft');
  assert.equal(providerName('github'), 'GitHub');
  assert.equal(providerName('linkedin_oidc'), 'LinkedIn');
  assert.equal(providerName('some_new_one'), 'Some new one');
  assert.deepEqual(orderProviders(['zoom', 'github', 'apple', 'google', 'azure']), [
    'google',
    'azure',
    'github',
    'apple',
    'zoom',
  ]);
});

test('each step says what to do, naming the provider or the address', () => {
  assert.deepEqual(stepText({ step: 'provider', provider: 'azure' }), {
    title: 'Continue in your browser…',
    intro: 'Sign in with Microsoft in the browser window that opened. Every Axolop window is signed in when you are done.',
  });
  assert.match(stepText({ step: 'email-link', email: 'ada@example.com' }).intro, /link to ada@example\.com.*or type the code/);
  assert.match(stepText({ step: 'recovery', email: 'ada@example.com' }).intro, /reset your password to ada@example\.com/);
  assert.equal(stepText({ step: 'new-password' }).title, 'Choose a new password');
  assert.match(stepText({ step: 'new-password', email: 'ada@example.com' }).intro, /for ada@example\.com/);
});

test('a code is its digits, spaces dropped; anything else says what to type', () => {
  assert.deepEqual(readCode(' 123 456 '), { code: '123456' });
  assert.deepEqual(readCode('12345678'), { code: '12345678' });
  for (const typed of ['', '12345', '12345a', '12345678901']) {
    assert.deepEqual(readCode(typed), { problem: 'Type the 6-digit code from the sign-in email.' }, typed);
  }
});

test('a new password must be typed twice alike; its strength is the server’s to judge', () => {
  assert.equal(newPasswordProblem('', ''), 'Type a new password.');
  assert.equal(newPasswordProblem('abc', 'abd'), 'The two passwords differ: type the same one twice.');
  assert.equal(newPasswordProblem('abc', 'abc'), '');
});

test('a link needs an address first, and says which button to press again', () => {
  assert.equal(emailProblem('ada@example.com', 'link'), '');
  assert.match(emailProblem('  ', 'link'), /Email me a sign-in link/);
  assert.match(emailProblem('ada', 'reset'), /Forgot password\?/);
});

test('a failed step is told as a sentence, the network in the sign-in’s own words', () => {
  assert.equal(
    failureText({ code: 'invalid_argument', message: 'the sign-in link or code has expired or was already used' }),
    'The sign-in link or code has expired or was already used.',
  );
  assert.match(failureText({ code: 'network', message: 'timed out' }), /^Cannot reach the sign-in server\. .*\(timed out\)$/);
  assert.equal(failureText({ code: 'conflict', message: 'Done.' }), 'Done.');
  assert.equal(
    failureText({ code: 'invalid_credentials', message: 'the sign-in link or code has expired or was already used' }),
    'The sign-in link or code has expired or was already used.',
    'a stale code is not called a wrong password',
  );
});
