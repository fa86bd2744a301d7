// @ts-check
// Which window shows which modal, on Node's test runner: `npm run test:ui`.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { modalView, waitingText } from '../js/modal.js';

/** @typedef {import('../bindings/ModalPlan').ModalPlan} ModalPlan */

/**
 * The parts of a snapshot the plan is read from, as window `self` sees it.
 * @param {string} self
 * @param {ModalPlan} modal
 */
function seenBy(self, modal) {
  return { self: { label: self, role: /** @type {const} */ ('secondary'), beatMs: 2500 }, modal };
}

test('no window shows anything while no modal is required', () => {
  for (const self of ['crm-1', 'crm-2']) {
    assert.deepEqual(modalView(seenBy(self, { required: null, presenter: null })), { modal: null, waiting: null });
  }
});

test('only the presenter shows the sign-in modal; the others wait for it', () => {
  const plan = { required: /** @type {const} */ ('sign-in'), presenter: 'crm-1' };
  assert.deepEqual(modalView(seenBy('crm-1', plan)), { modal: 'sign-in', waiting: null });
  assert.deepEqual(modalView(seenBy('crm-2', plan)), {
    modal: null,
    waiting: { kind: 'sign-in', presenter: 'crm-1' },
  });
});

test('the presenter follows the plan, not the role this window last had', () => {
  // The plan moves with the primary in its own event; until then, it rules.
  const state = { self: { label: 'crm-3', role: /** @type {const} */ ('primary'), beatMs: 2500 }, modal: { required: /** @type {const} */ ('sign-in'), presenter: 'crm-4' } };
  assert.deepEqual(modalView(state), { modal: null, waiting: { kind: 'sign-in', presenter: 'crm-4' } });
});

test('the plan is generic over the modal kind', () => {
  const plan = { required: /** @type {const} */ ('agency-selection'), presenter: 'crm-1' };
  assert.deepEqual(modalView(seenBy('crm-1', plan)), { modal: 'agency-selection', waiting: null });
  assert.deepEqual(modalView(seenBy('crm-5', plan)).waiting, { kind: 'agency-selection', presenter: 'crm-1' });
});

test('with no presenter, every window waits', () => {
  const plan = { required: /** @type {const} */ ('sign-in'), presenter: null };
  assert.deepEqual(modalView(seenBy('crm-1', plan)), { modal: null, waiting: { kind: 'sign-in', presenter: null } });
});

test('the waiting notice names the presenting window and what it asks', () => {
  assert.equal(waitingText({ kind: 'sign-in', presenter: 'crm-1' }), 'Window 1 is asking you to sign in.');
  assert.equal(
    waitingText({ kind: 'agency-selection', presenter: 'crm-12' }),
    'Window 12 is asking you to choose an agency.',
  );
  assert.equal(waitingText({ kind: 'sign-in', presenter: null }), 'Waiting for a window to ask you to sign in.');
});

test('an update is presented by the primary alone, with no banner elsewhere', () => {
  const plan = { required: /** @type {const} */ ('update'), presenter: 'crm-1' };
  assert.deepEqual(modalView(seenBy('crm-1', plan)), { modal: 'update', waiting: null });
  assert.deepEqual(modalView(seenBy('crm-2', plan)), { modal: null, waiting: null });
});
