import { test } from 'node:test';
import assert from 'node:assert/strict';

import { serverStatus } from '../js/server-status.js';

/** @typedef {import('../bindings/SyncStatus').SyncStatus} SyncStatus */

/**
 * @param {Partial<SyncStatus>} parts
 * @returns {SyncStatus}
 */
const status = (parts) => ({ state: 'online', waiting: 0, progress: null, problem: null, signingOut: false, ...parts });

test('nothing is shown when there is nothing to sync with', () => {
  assert.equal(serverStatus(status({ state: 'off' })), null);
});

test('offline counts the changes waiting, in words', () => {
  assert.equal(serverStatus(status({ state: 'offline', waiting: 23 }))?.text, 'Offline: 23 changes waiting');
  assert.equal(serverStatus(status({ state: 'offline', waiting: 1 }))?.text, 'Offline: 1 change waiting');
  assert.equal(serverStatus(status({ state: 'offline' }))?.text, 'Offline');
  assert.match(serverStatus(status({ state: 'offline', problem: 'No route.' }))?.title ?? '', /^No route\./);
});

test('a first sync shows how far it has come', () => {
  const shown = serverStatus(
    status({ state: 'syncing', progress: { agencyId: 'a', rows: 3000, total: 10000 } }),
  );
  assert.equal(shown?.text, 'Syncing contacts… 3,000 of 10,000');
});

test('online says synced, or what is still being sent', () => {
  assert.equal(serverStatus(status({}))?.text, 'Synced');
  assert.equal(serverStatus(status({ waiting: 2 }))?.text, 'Sending 2 changes…');
});

test('a sign-out waiting for changes to be sent says so', () => {
  assert.equal(serverStatus(status({ state: 'offline', waiting: 3, signingOut: true }))?.text, 'Signing out once 3 changes are sent…');
  assert.equal(serverStatus(status({ waiting: 1, signingOut: true }))?.text, 'Signing out once 1 change is sent…');
});
