// @ts-check
// The quit and update questions in words, on Node's test runner.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { downloadFraction, editorLine, mustSaveForQuit, quitIntro, updateBadge, updateText } from '../js/life-cycle.js';
import { waitingText } from '../js/modal.js';

/** @typedef {import('../bindings/QuitStatus').QuitStatus} QuitStatus */

/** @type {QuitStatus} */
const asking = {
  stage: 'asking',
  editors: [
    { window: 'crm-1', subject: 'Jane Doe' },
    { window: 'crm-3', subject: 'Bob Stone' },
  ],
};

test('the quit question lists each window and what it edits', () => {
  assert.equal(quitIntro(asking), '2 windows have contacts with changes that are not saved:');
  assert.deepEqual(asking.editors.map(editorLine), ['Window 1: Jane Doe', 'Window 3: Bob Stone']);
  assert.equal(quitIntro({ stage: 'saving', editors: [asking.editors[0]] }), 'Saving 1 contact, then Axolop CRM quits…');
});

test('only a listed window saves, and only once the user chose to save', () => {
  assert.equal(mustSaveForQuit(asking, 'crm-3'), false);
  const saving = { ...asking, stage: /** @type {const} */ ('saving') };
  assert.equal(mustSaveForQuit(saving, 'crm-3'), true);
  assert.equal(mustSaveForQuit(saving, 'crm-2'), false);
});

test('the other windows say a quit waits, and where', () => {
  assert.equal(waitingText({ kind: 'quit', presenter: 'crm-1' }), 'Window 1 is asking you to decide about unsaved changes before Axolop CRM quits.');
  assert.equal(waitingText({ kind: 'update', presenter: 'crm-2' }), 'Window 2 is asking you to install an update.');
});

test('the update dialog and badge follow the update through its stages', () => {
  const offer = { version: '0.2.0', current: '0.1.0', notes: null };
  assert.equal(updateBadge({ stage: 'none' }), null);
  assert.match(updateText({ stage: 'available', offer, later: false }), /0\.2\.0 is available \(you have 0\.1\.0\)/);
  assert.equal(updateBadge({ stage: 'available', offer, later: true }), 'Update 0.2.0 ready');
  const downloading = { stage: /** @type {const} */ ('downloading'), offer, received: 1_500_000, total: 3_000_000 };
  assert.equal(downloadFraction(downloading), 0.5);
  assert.equal(updateText(downloading), 'Downloading: 1.5 MB of 3.0 MB');
  assert.equal(downloadFraction({ ...downloading, total: null }), null);
  const failed = { stage: /** @type {const} */ ('failed'), offer, message: 'its signature does not match' };
  assert.match(updateText(failed), /could not be installed: its signature does not match\. Axolop CRM keeps running version 0\.1\.0/);
  assert.equal(updateBadge(failed), 'Update 0.2.0 ready');
});
