// @ts-check
// The page's event store, on Node's test runner: `node --test ui/tests/`.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CoordinatorStore } from '../js/store.js';

/** @typedef {import('../bindings/Snapshot').Snapshot} Snapshot */
/** @typedef {import('../bindings/Envelope').Envelope} Envelope */

/**
 * A snapshot of `windows` ready windows at `seq`, as `self` sees it.
 * @param {number} seq
 * @param {string[]} windows
 * @param {string} self
 * @returns {Snapshot}
 */
function snapshot(seq, windows, self = 'crm-2') {
  return {
    seq,
    self: { label: self, role: windows[0] === self ? 'primary' : 'secondary' },
    primary: { label: windows[0], epoch: 1 },
    windows: windows.map((label) => ({ label, state: 'ready' })),
    session: { status: 'local' },
    agency: { selected: null, version: 0 },
    modal: { required: null, presenter: null },
    locks: [],
  };
}

/**
 * @param {number} seq
 * @param {string[]} windows
 * @returns {Envelope}
 */
function windowsChanged(seq, windows) {
  return { seq, kind: 'windows-changed', data: { windows: windows.map((label) => ({ label, state: 'ready' })) } };
}

/**
 * @param {number} seq
 * @param {string | null} label
 * @param {number} epoch
 * @returns {Envelope}
 */
function primaryChanged(seq, label, epoch) {
  return { seq, kind: 'primary-changed', data: { label, epoch } };
}

/** A store whose snapshots come from `snapshots`, in order. */
function storeWith(/** @type {Snapshot[]} */ ...snapshots) {
  let fetched = 0;
  const store = new CoordinatorStore(
    async () => {
      const next = snapshots[Math.min(fetched, snapshots.length - 1)];
      fetched += 1;
      return structuredClone(next);
    },
    () => {},
    (error) => {
      throw error;
    },
  );
  return { store, fetched: () => fetched };
}

test('applies the next event and ignores those the snapshot already reflects', async () => {
  const { store } = storeWith(snapshot(5, ['crm-1', 'crm-2']));
  await store.resync();
  store.receive(windowsChanged(4, ['crm-9']));
  store.receive(windowsChanged(5, ['crm-9']));
  store.receive(windowsChanged(6, ['crm-1', 'crm-2', 'crm-3']));
  assert.equal(store.state?.seq, 6);
  assert.deepEqual(store.state?.windows.map((w) => w.label), ['crm-1', 'crm-2', 'crm-3']);
});

test('a primary-changed event moves the role of this window', async () => {
  const { store } = storeWith(snapshot(5, ['crm-1', 'crm-2']));
  await store.resync();
  store.receive(windowsChanged(6, ['crm-2']));
  store.receive(primaryChanged(7, 'crm-2', 2));
  assert.equal(store.state?.self.role, 'primary');
  assert.deepEqual(store.state?.primary, { label: 'crm-2', epoch: 2 });
  store.receive(primaryChanged(8, null, 3));
  assert.equal(store.state?.self.role, 'secondary');
  assert.equal(store.state?.primary, null);
});

test('a gap takes a fresh snapshot instead of applying out of order', async () => {
  const { store, fetched } = storeWith(snapshot(5, ['crm-1', 'crm-2']), snapshot(9, ['crm-2', 'crm-4']));
  await store.resync();
  store.receive(windowsChanged(8, ['crm-7']));
  await store.resync();
  assert.equal(fetched(), 2);
  assert.equal(store.state?.seq, 9);
  assert.deepEqual(store.state?.windows.map((w) => w.label), ['crm-2', 'crm-4']);
});

test('events arriving during a snapshot are applied after it, in order', async () => {
  const { store } = storeWith(snapshot(5, ['crm-1', 'crm-2']));
  const syncing = store.resync();
  store.receive(windowsChanged(7, ['crm-1', 'crm-2', 'crm-3', 'crm-4']));
  store.receive(windowsChanged(6, ['crm-1', 'crm-2', 'crm-3']));
  store.receive(windowsChanged(5, ['stale']));
  await syncing;
  assert.equal(store.state?.seq, 7);
  assert.equal(store.state?.windows.length, 4);
  assert.deepEqual(store.trace.map((t) => t.seq), [6, 7]);
});

test('a failed snapshot is retried until one arrives', async () => {
  let calls = 0;
  /** @type {unknown[]} */
  const errors = [];
  const store = new CoordinatorStore(
    async () => {
      calls += 1;
      if (calls === 1) throw { code: 'internal', message: 'busy' };
      return snapshot(3, ['crm-2']);
    },
    () => {},
    (error) => errors.push(error),
  );
  await store.resync();
  assert.equal(calls, 2);
  assert.equal(errors.length, 1);
  assert.equal(store.state?.seq, 3);
});
