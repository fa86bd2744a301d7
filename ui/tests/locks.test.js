// @ts-check
// withLock over fake commands and timers, on Node's test runner:
// `npm run test:ui`.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { LockLostError, createLocks, describeLoss, ownLosses } from '../js/locks.js';

/** @typedef {import('../bindings/LeaseInfo').LeaseInfo} LeaseInfo */
/** @typedef {import('../bindings/LockChange').LockChange} LockChange */
/** @typedef {import('../js/locks.js').Lease} Lease */

const SELF = 'crm-2';

/** Lets pending promise callbacks and their follow-ups run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Timers on a clock that moves only when told to. */
function fakeTimers() {
  let now = 0;
  let nextId = 1;
  /** @type {Map<number, { at: number, callback: () => void }>} */
  const pending = new Map();
  return {
    now: () => now,
    pending: () => pending.size,
    /** The delays, from now, of the pending timers. */
    delays: () => [...pending.values()].map((timer) => timer.at - now),
    /**
     * @param {() => void} callback
     * @param {number} ms
     */
    setTimeout(callback, ms) {
      const id = nextId++;
      pending.set(id, { at: now + ms, callback });
      return id;
    },
    /** @param {unknown} id */
    clearTimeout(id) {
      pending.delete(/** @type {number} */ (id));
    },
    /**
     * Moves the clock on by `ms`, firing due timers in order and letting
     * what they start settle before the next one.
     * @param {number} ms
     */
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...pending.entries()]
          .filter(([, timer]) => timer.at <= end)
          .sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
        if (!due) break;
        pending.delete(due[0]);
        now = due[1].at;
        due[1].callback();
        await settle();
      }
      now = end;
      await settle();
    },
  };
}

/**
 * Commands that grant every lock at once and record every call. `release`
 * and `extend` decide the answers of those calls.
 * @param {object} [behaviour]
 * @param {(token: string) => Promise<unknown>} [behaviour.release]
 * @param {(token: string, ttlMs: number) => Promise<LeaseInfo> | undefined} [behaviour.extend] undefined: renew normally
 * @param {() => number} [behaviour.now]
 * @param {(token: string) => boolean} [behaviour.lost] whether lock_check says the lease is gone
 */
function fakeCommands(behaviour = {}) {
  const now = behaviour.now ?? (() => 0);
  /** @type {{ command: string, args: unknown[] }[]} */
  const calls = [];
  let fence = 0;
  /** @type {Map<string, LeaseInfo>} */
  const leases = new Map();
  const commands = {
    /**
     * @param {string} name
     * @param {import('../js/ipc.js').AcquireOptions} [options]
     * @returns {Promise<LeaseInfo>}
     */
    async lockAcquire(name, options) {
      calls.push({ command: 'acquire', args: [name, options] });
      fence += 1;
      const lease = {
        token: `lease-${fence}`,
        name,
        mode: options?.mode ?? 'exclusive',
        fence,
        expiresAt: now() + (options?.ttlMs ?? 30_000),
      };
      leases.set(lease.token, lease);
      return { ...lease };
    },
    /** @param {string} token */
    async lockRelease(token) {
      calls.push({ command: 'release', args: [token] });
      if (behaviour.release) return behaviour.release(token);
      return null;
    },
    /**
     * @param {string} token
     * @returns {Promise<import('../bindings/LockCheck').LockCheck>}
     */
    async lockCheck(token) {
      calls.push({ command: 'check', args: [token] });
      const lease = leases.get(token);
      const held = lease !== undefined && !behaviour.lost?.(token);
      return { held, lease: held ? { ...lease } : null };
    },
    /**
     * @param {string} token
     * @param {number} ttlMs
     * @returns {Promise<LeaseInfo>}
     */
    async lockExtend(token, ttlMs) {
      calls.push({ command: 'extend', args: [token, ttlMs] });
      const answer = behaviour.extend?.(token, ttlMs);
      if (answer) return answer;
      const lease = /** @type {LeaseInfo} */ (leases.get(token));
      lease.expiresAt = now() + ttlMs;
      return { ...lease };
    },
  };
  /** @param {string} command */
  const called = (command) => calls.filter((call) => call.command === command);
  return { commands, calls, called };
}

/**
 * withLock over fake commands and timers, with warnings collected.
 * @param {Parameters<typeof fakeCommands>[0]} [behaviour]
 */
function setup(behaviour = {}) {
  const timers = fakeTimers();
  const fake = fakeCommands({ now: timers.now, ...behaviour });
  /** @type {{ message: string, error: unknown }[]} */
  const warnings = [];
  const locks = createLocks({
    commands: fake.commands,
    label: SELF,
    timers,
    warn: (message, error) => warnings.push({ message, error }),
  });
  return { ...fake, ...locks, timers, warnings };
}

/**
 * A lock-changed payload ending the given leases; the lock is free after.
 * @param {string} name
 * @param {LockChange['ended']} ended
 * @returns {LockChange}
 */
function ended(name, ended) {
  return { name, mode: 'exclusive', holders: [], waiting: [], fence: ended.at(-1)?.fence ?? 0, ended };
}

/** A promise with its resolve function, for holding fn open. */
function gate() {
  /** @type {() => void} */
  let open = () => {};
  /** @type {Promise<void>} */
  const opened = new Promise((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/**
 * Starts withLock on "x" with a task that holds the lock until `finish()`;
 * the task resolves to whether its lease was lost by then.
 * @param {(name: string, fn: (lease: Lease) => Promise<boolean>, options: import('../js/locks.js').WithLockOptions) => Promise<boolean>} withLock
 * @param {import('../js/locks.js').WithLockOptions} options
 */
async function hold(withLock, options) {
  const task = gate();
  /** @type {Lease | undefined} */
  let held;
  const running = withLock(
    'x',
    async (lease) => {
      held = lease;
      await task.opened;
      return lease.signal.aborted;
    },
    options,
  );
  await settle();
  return {
    running,
    finish: task.open,
    /** The lease the task holds. */
    lease() {
      assert.ok(held, 'the task runs');
      return held;
    },
  };
}

test('runs fn with the lease, returns its result and releases after', async () => {
  const { withLock, calls, timers, warnings } = setup();
  /** @type {Lease | undefined} */
  let seen;
  const result = await withLock(
    'invoice-7',
    async (lease) => {
      seen = lease;
      assert.deepEqual(calls.map((call) => call.command), ['acquire']);
      return 42;
    },
    { mode: 'shared', ttlMs: 3000 },
  );
  assert.equal(result, 42);
  assert.ok(seen);
  assert.equal(seen.token, 'lease-1');
  assert.equal(seen.name, 'invoice-7');
  assert.equal(seen.mode, 'shared');
  assert.equal(seen.fence, 1);
  assert.equal(seen.expiresAt, 3000);
  assert.ok(seen.signal instanceof AbortSignal);
  assert.equal(seen.signal.aborted, false, 'finishing is not losing');
  assert.deepEqual(calls, [
    { command: 'acquire', args: ['invoice-7', { mode: 'shared', ttlMs: 3000, waitMs: undefined }] },
    { command: 'release', args: ['lease-1'] },
  ]);
  assert.equal(timers.pending(), 0, 'no timer outlives withLock');
  assert.deepEqual(warnings, []);
});

test('hands the coordinator only the acquire options, never keepAlive or onLost', async () => {
  const { withLock, called } = setup();
  await withLock('x', () => 'done', { waitMs: 0, keepAlive: false, onLost: () => {} });
  assert.deepEqual(called('acquire')[0].args, ['x', { mode: undefined, ttlMs: undefined, waitMs: 0 }]);
});

test('releases when fn throws, and rethrows the very same error', async () => {
  const { withLock, called, timers } = setup();
  const failure = new Error('save failed');
  await assert.rejects(
    withLock('x', async () => {
      throw failure;
    }),
    (error) => error === failure,
  );
  assert.deepEqual(called('release').map((call) => call.args), [['lease-1']]);
  assert.equal(timers.pending(), 0);
});

test('releases when fn throws before returning a promise', async () => {
  const { withLock, called, timers } = setup();
  await assert.rejects(
    withLock('x', () => {
      throw new TypeError('not a function');
    }),
    TypeError,
  );
  assert.equal(called('release').length, 1);
  assert.equal(timers.pending(), 0);
});

test('a refused acquire rejects with the coordinator error, and fn never runs', async () => {
  const { withLock, commands, called, timers } = setup();
  const refusal = { code: 'lock_unavailable', message: 'lock "x" is held' };
  commands.lockAcquire = async () => {
    throw refusal;
  };
  let ran = false;
  await assert.rejects(
    withLock('x', () => {
      ran = true;
    }),
    (error) => error === refusal,
  );
  assert.equal(ran, false);
  assert.equal(called('release').length, 0);
  assert.equal(timers.pending(), 0);
});

test('a lease the coordinator reports expired aborts the signal, once', async () => {
  const { withLock, observe, called, timers } = setup();
  /** @type {{ lease: Lease, error: LockLostError }[]} */
  const lost = [];
  const task = await hold(withLock, {
    ttlMs: 900,
    onLost: (lease, error) => lost.push({ lease, error }),
  });
  const held = task.lease();
  assert.equal(timers.pending(), 1, 'the keep-alive is scheduled');

  // Ends that are not this lease's loss change nothing.
  observe(ended('x', [{ window: SELF, fence: 1, reason: 'released' }]));
  observe(ended('x', [{ window: 'crm-3', fence: 1, reason: 'expired' }]));
  observe(ended('x', [{ window: SELF, fence: 99, reason: 'expired' }]));
  observe(ended('y', [{ window: SELF, fence: 1, reason: 'expired' }]));
  assert.equal(held.signal.aborted, false);
  assert.equal(lost.length, 0);

  observe(ended('x', [{ window: SELF, fence: 1, reason: 'expired' }]));
  assert.equal(held.signal.aborted, true);
  const reason = held.signal.reason;
  assert.ok(reason instanceof LockLostError);
  assert.equal(reason.reason, 'expired');
  assert.equal(reason.lock, 'x');
  assert.equal(reason.fence, 1);
  assert.equal(reason.message, 'Lost lock "x": its lease expired');
  assert.equal(lost.length, 1);
  assert.equal(lost[0].lease, held);
  assert.equal(lost[0].error, reason);
  assert.equal(timers.pending(), 0, 'a lost lease is not kept alive');

  observe(ended('x', [{ window: SELF, fence: 1, reason: 'window-unresponsive' }]));
  assert.equal(lost.length, 1, 'onLost runs once');

  task.finish();
  assert.equal(await task.running, true, 'fn decides what a loss means; its result stands');
  assert.equal(called('release').length, 1, 'released anyway');
  assert.equal(called('extend').length, 0);
});

test('a loss reported before the grant is answered aborts the lease at once', async () => {
  const { withLock, observe } = setup();
  // The grant's answer comes after the event that ended the lease.
  observe(ended('x', [{ window: SELF, fence: 1, reason: 'window-unresponsive' }]));
  const aborted = await withLock('x', (lease) => lease.signal.aborted);
  assert.equal(aborted, true);
});

test('keep-alive extends by the ttl every ttl/3 while fn runs, and stops after', async () => {
  const { withLock, called, timers } = setup();
  const task = await hold(withLock, { ttlMs: 300 });
  const held = task.lease();
  assert.deepEqual(timers.delays(), [100]);

  await timers.advance(99);
  assert.equal(called('extend').length, 0);
  await timers.advance(1);
  assert.deepEqual(called('extend').map((call) => call.args), [['lease-1', 300]]);
  assert.equal(held.expiresAt, 400, 'the lease shows its new expiry');

  await timers.advance(200);
  assert.equal(called('extend').length, 3);
  assert.equal(held.expiresAt, 600);
  assert.equal(held.signal.aborted, false);

  task.finish();
  await task.running;
  assert.equal(timers.pending(), 0);
  await timers.advance(1000);
  assert.equal(called('extend').length, 3, 'no extension after release');
});

test('keep-alive uses the default lease time when none is asked for', async () => {
  const { withLock, timers } = setup();
  const task = gate();
  const running = withLock('x', () => task.opened);
  await settle();
  assert.deepEqual(timers.delays(), [10_000]);
  task.open();
  await running;
});

test('keepAlive false never extends', async () => {
  const { withLock, called, timers } = setup();
  const task = gate();
  const running = withLock('x', () => task.opened, { ttlMs: 300, keepAlive: false });
  await settle();
  assert.equal(timers.pending(), 0);
  await timers.advance(1000);
  task.open();
  await running;
  assert.equal(called('extend').length, 0);
});

test('an extension refused as not held aborts the signal and stops the keep-alive', async () => {
  const { withLock, called, timers } = setup({
    extend: () => Promise.reject({ code: 'lock_not_held', message: 'lease-1 is not held' }),
  });
  /** @type {LockLostError[]} */
  const lost = [];
  const task = await hold(withLock, { ttlMs: 300, onLost: (_lease, error) => lost.push(error) });
  await timers.advance(100);
  const held = task.lease();
  assert.equal(held.signal.aborted, true);
  assert.equal(lost.length, 1);
  assert.equal(lost[0].reason, 'not-held');
  assert.equal(timers.pending(), 0);
  await timers.advance(1000);
  assert.equal(called('extend').length, 1);
  task.finish();
  await task.running;
});

test('a failed extension for another reason is reported and tried again', async () => {
  let failures = 1;
  const { withLock, called, timers, warnings } = setup({
    extend: () => (failures-- > 0 ? Promise.reject({ code: 'internal', message: 'busy' }) : undefined),
  });
  const task = await hold(withLock, { ttlMs: 300 });
  await timers.advance(100);
  const held = task.lease();
  assert.equal(held.signal.aborted, false);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0].message, /extend lock "x"/);
  await timers.advance(100);
  assert.equal(called('extend').length, 2);
  assert.equal(held.expiresAt, 500);
  task.finish();
  await task.running;
});

test('a release refused as not held is swallowed silently', async () => {
  const { withLock, called, warnings } = setup({
    release: () => Promise.reject({ code: 'lock_not_held', message: 'gone' }),
  });
  assert.equal(await withLock('x', () => 'ok'), 'ok');
  assert.equal(called('release').length, 1);
  assert.deepEqual(warnings, []);
});

test('any other failed release is reported but does not fail a successful task', async () => {
  const refusal = { code: 'internal', message: 'coordinator busy' };
  const { withLock, warnings } = setup({ release: () => Promise.reject(refusal) });
  assert.equal(await withLock('x', () => 'ok'), 'ok');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0].message, /release lock "x"/);
  assert.equal(warnings[0].error, refusal);
});

test("a failed release never masks fn's own error", async () => {
  const { withLock, warnings, timers } = setup({
    release: () => Promise.reject({ code: 'internal', message: 'coordinator busy' }),
  });
  const failure = new Error('save failed');
  await assert.rejects(
    withLock('x', async () => {
      throw failure;
    }, { ttlMs: 300 }),
    (error) => error === failure,
  );
  assert.equal(warnings.length, 1);
  assert.equal(timers.pending(), 0);
});

test('sequential withLock on one name each get their own lease', async () => {
  const { withLock, observe, called } = setup();
  const first = await withLock('x', (lease) => lease);
  // The first lease's late end must not touch the second.
  const second = await withLock('x', (lease) => {
    observe(ended('x', [{ window: SELF, fence: first.fence, reason: 'expired' }]));
    return lease;
  });
  assert.equal(second.fence, 2);
  assert.equal(second.signal.aborted, false);
  assert.deepEqual(called('release').map((call) => call.args), [['lease-1'], ['lease-2']]);
});

test('ownLosses picks this window’s non-released ends; describeLoss words them', () => {
  const change = ended('x', [
    { window: SELF, fence: 1, reason: 'released' },
    { window: 'crm-3', fence: 2, reason: 'expired' },
    { window: SELF, fence: 3, reason: 'window-unresponsive' },
  ]);
  assert.deepEqual(ownLosses(change, SELF), [{ window: SELF, fence: 3, reason: 'window-unresponsive' }]);
  assert.equal(describeLoss('x', 'expired'), 'Lost lock "x": its lease expired');
  assert.equal(describeLoss('crm/notes', 'window-reloaded'), 'Lost lock "crm/notes": the window reloaded');
});

test('recheck aborts the leases the coordinator no longer holds, and only those', async () => {
  /** @type {Set<string>} */
  const gone = new Set();
  const { withLock, recheck, timers } = setup({ lost: (token) => gone.has(token) });
  const first = gate();
  const second = gate();
  /** @type {Lease[]} */
  const leases = [];
  const a = withLock('a', async (lease) => { leases.push(lease); await first.opened; }, { keepAlive: false });
  const b = withLock('b', async (lease) => { leases.push(lease); await second.opened; }, { keepAlive: false });
  await timers.advance(0);
  gone.add(leases[0].token);
  await recheck();
  assert.equal(leases[0].signal.aborted, true);
  assert.equal(leases[0].signal.reason.reason, 'not-held');
  assert.equal(leases[1].signal.aborted, false);
  first.open();
  second.open();
  await Promise.all([a, b]);
});

test('without a lease time asked for, keep-alive follows the one granted', async () => {
  const { withLock, timers } = setup();
  const held = gate();
  const task = withLock('x', () => held.opened);
  await timers.advance(0);
  assert.deepEqual(timers.delays(), [10_000], 'a third of the 30 s the coordinator granted');
  held.open();
  await task;
});
