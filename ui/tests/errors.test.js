// @ts-check
// Error codes off command rejections, on Node's test runner: `npm run test:ui`.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { describeError, errorCode } from '../js/errors.js';

test('a wire error answers its code', () => {
  assert.equal(errorCode({ code: 'conflict', message: 'stale version' }), 'conflict');
  assert.equal(errorCode({ code: 'lock_not_held', message: '' }), 'lock_not_held');
});

test('anything else counts as internal', () => {
  for (const failure of [
    new Error('IPC down'),
    'command contact_save not found',
    undefined,
    null,
    { message: 'no code' },
    { code: 42, message: 'not a string' },
    { code: 'teleport_failed', message: 'a code newer than this page' },
    { code: 'toString', message: 'inherited, not a code' },
  ]) {
    assert.equal(errorCode(failure), 'internal', String(failure && JSON.stringify(failure)));
  }
});

test('the message is what people read, whatever the rejection', () => {
  assert.equal(describeError({ code: 'network', message: 'timed out' }), 'timed out');
  assert.equal(describeError(new Error('IPC down')), 'IPC down');
  assert.equal(describeError('plain text'), 'plain text');
});
