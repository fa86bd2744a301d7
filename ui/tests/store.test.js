// @ts-check
// The page's event store, on Node's test runner: `npm run test:ui`.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CoordinatorStore, applyEvent, compareNames } from '../js/store.js';

/** @typedef {import('../bindings/Snapshot').Snapshot} Snapshot */
/** @typedef {import('../bindings/Envelope').Envelope} Envelope */
/** @typedef {import('../bindings/LockChange').LockChange} LockChange */

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
    self: { label: self, role: windows[0] === self ? 'primary' : 'secondary', beatMs: 2500 },
    primary: { label: windows[0], epoch: 1 },
    windows: windows.map((label) => ({ label, state: 'ready' })),
    session: { status: 'local' },
    agency: { selected: null, version: 0 },
    modal: { required: null, presenter: null },
    locks: [],
    sync: { state: 'off', waiting: 0, progress: null, problem: null, signingOut: false },
    quit: { stage: 'idle', editors: [] },
    update: { stage: 'none' },
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

/**
 * @param {number} seq
 * @param {Omit<LockChange, 'ended' | 'mode' | 'fence'> & Partial<LockChange>} change
 * @returns {Envelope}
 */
function lockChanged(seq, change) {
  return { seq, kind: 'lock-changed', data: { mode: 'exclusive', fence: 1, ended: [], ...change } };
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

test('a lock-changed event inserts a newly held lock in name order, without its ended list', async () => {
  const { store } = storeWith(snapshot(5, ['crm-1', 'crm-2']));
  await store.resync();
  store.receive(lockChanged(6, { name: 'm', holders: ['crm-1'], waiting: [] }));
  store.receive(lockChanged(7, { name: 'z', holders: ['crm-2'], waiting: [], mode: 'shared', fence: 4 }));
  store.receive(
    lockChanged(8, {
      name: 'a',
      holders: ['crm-2'],
      waiting: ['crm-1'],
      fence: 9,
      ended: [{ window: 'crm-1', fence: 8, reason: 'expired' }],
    }),
  );
  assert.equal(store.state?.seq, 8);
  assert.deepEqual(store.state?.locks, [
    { name: 'a', mode: 'exclusive', holders: ['crm-2'], waiting: ['crm-1'], fence: 9 },
    { name: 'm', mode: 'exclusive', holders: ['crm-1'], waiting: [], fence: 1 },
    { name: 'z', mode: 'shared', holders: ['crm-2'], waiting: [], fence: 4 },
  ]);
});

test('a lock-changed event replaces the state of a lock already listed', async () => {
  const start = snapshot(5, ['crm-1', 'crm-2']);
  start.locks = [
    { name: 'a', mode: 'shared', holders: ['crm-1'], waiting: [], fence: 1 },
    { name: 'b', mode: 'exclusive', holders: ['crm-1'], waiting: [], fence: 3 },
    { name: 'c', mode: 'exclusive', holders: ['crm-2'], waiting: [], fence: 2 },
  ];
  const { store } = storeWith(start);
  await store.resync();
  const before = store.state?.locks.slice();
  store.receive(
    lockChanged(6, {
      name: 'b',
      holders: ['crm-2'],
      waiting: ['crm-1'],
      fence: 4,
      ended: [{ window: 'crm-1', fence: 3, reason: 'released' }],
    }),
  );
  assert.deepEqual(store.state?.locks, [
    { name: 'a', mode: 'shared', holders: ['crm-1'], waiting: [], fence: 1 },
    { name: 'b', mode: 'exclusive', holders: ['crm-2'], waiting: ['crm-1'], fence: 4 },
    { name: 'c', mode: 'exclusive', holders: ['crm-2'], waiting: [], fence: 2 },
  ]);
  // Untouched summaries keep their identity (the view relies on it); the
  // changed one is a new object.
  assert.equal(store.state?.locks[0], before?.[0]);
  assert.equal(store.state?.locks[2], before?.[2]);
  assert.notEqual(store.state?.locks[1], before?.[1]);
});

test('a lock nobody holds or awaits any more leaves the list', async () => {
  const start = snapshot(5, ['crm-1', 'crm-2']);
  start.locks = [
    { name: 'a', mode: 'exclusive', holders: ['crm-1'], waiting: [], fence: 1 },
    { name: 'b', mode: 'exclusive', holders: ['crm-2'], waiting: [], fence: 2 },
  ];
  const { store } = storeWith(start);
  await store.resync();
  store.receive(
    lockChanged(6, { name: 'a', holders: [], waiting: [], ended: [{ window: 'crm-1', fence: 1, reason: 'released' }] }),
  );
  assert.deepEqual(store.state?.locks.map((lock) => lock.name), ['b']);
  // A lock only waited for stays listed; once its waiter gives up, it goes.
  store.receive(lockChanged(7, { name: 'q', holders: [], waiting: ['crm-1'], fence: 0 }));
  assert.deepEqual(store.state?.locks.map((lock) => lock.name), ['b', 'q']);
  store.receive(lockChanged(8, { name: 'q', holders: [], waiting: [], fence: 0 }));
  // Freeing a lock the list does not have changes nothing.
  store.receive(lockChanged(9, { name: 'never-listed', holders: [], waiting: [] }));
  store.receive(
    lockChanged(10, { name: 'b', holders: [], waiting: [], ended: [{ window: 'crm-2', fence: 2, reason: 'expired' }] }),
  );
  assert.equal(store.state?.seq, 10);
  assert.deepEqual(store.state?.locks, []);
});

test('locks stay sorted as the coordinator sorts names: by code point', async () => {
  const { store } = storeWith(snapshot(0, ['crm-1']));
  await store.resync();
  // U+1F512 (a UTF-16 surrogate pair) sorts after U+FF5E by code point,
  // though its first UTF-16 unit sorts before it.
  const names = ['b', 'a/2', '\u{1F512}', 'a', '\uFF5E', 'B', 'a/10', 'ab'];
  names.forEach((name, i) => store.receive(lockChanged(i + 1, { name, holders: ['crm-1'], waiting: [] })));
  const listed = store.state?.locks.map((lock) => lock.name);
  assert.deepEqual(listed, ['B', 'a', 'a/10', 'a/2', 'ab', 'b', '\uFF5E', '\u{1F512}']);
  assert.deepEqual(
    listed,
    names.slice().sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))),
    'the same order as UTF-8 bytes',
  );
  assert.ok(compareNames('a', 'ab') < 0);
  assert.equal(compareNames('x', 'x'), 0);
});

test('session-changed replaces the session without its cause, and modal-changed the plan', () => {
  const state = snapshot(1, ['crm-1', 'crm-2']);
  applyEvent(state, {
    seq: 2,
    kind: 'session-changed',
    data: { cause: 'signed-in', status: 'signed-in', user: { id: 'u1', email: 'ada@example.com' }, expiresAt: 5 },
  });
  assert.deepEqual(state.session, { status: 'signed-in', user: { id: 'u1', email: 'ada@example.com' }, expiresAt: 5 });
  applyEvent(state, { seq: 3, kind: 'modal-changed', data: { required: 'sign-in', presenter: 'crm-1' } });
  assert.deepEqual(state.modal, { required: 'sign-in', presenter: 'crm-1' });
});

test('agency-changed replaces the agency selection', () => {
  const state = snapshot(1, ['crm-1', 'crm-2']);
  applyEvent(state, {
    seq: 2,
    kind: 'agency-changed',
    data: { selected: { id: 'a1', name: 'Acme' }, version: 1, changedBy: 'crm-2' },
  });
  assert.deepEqual(state.agency, { selected: { id: 'a1', name: 'Acme' }, version: 1, changedBy: 'crm-2' });
});

test('a sync-changed event replaces the sync status', async () => {
  const store = new CoordinatorStore(async () => snapshot(4, ['crm-1', 'crm-2']), () => {}, () => {});
  await store.resync();
  store.receive({
    seq: 5,
    kind: 'sync-changed',
    data: { state: 'offline', waiting: 23, progress: null, problem: 'No route to host.', signingOut: false },
  });
  assert.equal(store.state?.sync.state, 'offline');
  assert.equal(store.state?.sync.waiting, 23);
});

test('quit-changed and update-changed events replace the quit and the update', async () => {
  const store = new CoordinatorStore(async () => snapshot(4, ['crm-1', 'crm-2']), () => {}, () => {});
  await store.resync();
  store.receive({ seq: 5, kind: 'quit-changed', data: { stage: 'asking', editors: [{ window: 'crm-2', subject: 'Jane Doe' }] } });
  const offer = { version: '0.2.0', current: '0.1.0', notes: null };
  store.receive({ seq: 6, kind: 'update-changed', data: { stage: 'downloading', offer, received: 10, total: 100 } });
  assert.deepEqual(store.state?.quit, { stage: 'asking', editors: [{ window: 'crm-2', subject: 'Jane Doe' }] });
  assert.equal(store.state?.update.stage, 'downloading');
});
