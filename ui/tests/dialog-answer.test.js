// @ts-check
// One answer at a time to a dialog's question, on Node's test runner.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createAnswer } from '../js/dialog-answer.js';

/** A page stand-in that counts renders. */
function page() {
  const counted = { renders: 0 };
  const stub = /** @type {import('../js/page.js').Page} */ (
    /** @type {unknown} */ ({ render: () => void (counted.renders += 1) })
  );
  return { stub, counted };
}

test('one answer is out at a time, and the dialog is busy while it is', async () => {
  /** @type {string[]} */
  const sent = [];
  /** @type {() => void} */
  let settle = () => {};
  const { stub } = page();
  const answering = createAnswer(
    /** @param {string} choice */ (choice) => {
      sent.push(choice);
      return new Promise((resolve) => (settle = () => resolve(null)));
    },
    stub,
  );
  const first = answering.choose('save');
  assert.equal(answering.pending(), true);
  await answering.choose('discard');
  settle();
  await first;
  assert.deepEqual(sent, ['save'], 'the second press waited for nothing and sent nothing');
  assert.equal(answering.pending(), false);
});

test('a refused answer shows why, and the next one clears it', async () => {
  const { stub, counted } = page();
  let refuse = true;
  const answering = createAnswer(async () => {
    if (refuse) throw { code: 'invalid_argument', message: 'no quit waits for that answer' };
  }, stub);
  await answering.choose('save');
  assert.match(answering.error(), /no quit waits for that answer/);
  refuse = false;
  await answering.choose('cancel');
  assert.equal(answering.error(), '');
  assert.equal(counted.renders, 4, 'rendered as each answer went out and came back');
});
