// @ts-check
/**
 * Named locks for page code: `withLock(name, fn)` holds a coordinator lock
 * around one async task.
 *
 * Invariants of `withLock`:
 * - The outcome is fn's: its value, or its error, unchanged. Failing to
 *   release is reported, never thrown over fn's result or error: the lease
 *   runs out at its time to live anyway.
 * - Every lease it acquired is released, and every timer it started cleared,
 *   before it settles, whether fn returned or threw; so the next `withLock`
 *   on the same name is not refused as asking twice.
 * - `lease.signal` aborts at most once, only when the lease is gone: the
 *   coordinator reports it ended for a reason other than a release, or
 *   refuses to extend it as not held. It does not abort when fn finishes
 *   normally, so `aborted` always means "lost", never "done".
 *
 * Nothing here touches Tauri: the commands and timers are injected, and
 * lock-changed events are fed in through `observe`, so the module runs under
 * Node's test runner. app.js wires the real ones.
 */

import { errorCode } from './errors.js';

/** @typedef {import('../bindings/LeaseInfo').LeaseInfo} LeaseInfo */
/** @typedef {import('../bindings/LeaseEnd').LeaseEnd} LeaseEnd */
/** @typedef {import('../bindings/LockChange').LockChange} LockChange */
/** @typedef {import('../bindings/EndReason').EndReason} EndReason */
/** @typedef {import('./ipc.js').AcquireOptions} AcquireOptions */

/**
 * Why a lease was lost: any end but a release, or `not-held` when the
 * coordinator refused to extend it without saying why.
 * @typedef {Exclude<EndReason, 'released'> | 'not-held'} LossReason
 */

/**
 * A held lease as fn sees it. `expiresAt` moves forward with every
 * keep-alive extension.
 * @typedef {LeaseInfo & { signal: AbortSignal }} Lease
 */

/**
 * @typedef {object} WithLockOptions
 * @property {AcquireOptions['mode']} [mode] default exclusive
 * @property {number} [ttlMs] lease time; default the coordinator's 30 s
 * @property {number} [waitMs] longest wait; default the coordinator's 10 s
 * @property {boolean} [keepAlive] extend the lease every ttl/3 while fn runs; default true
 * @property {(lease: Lease, error: LockLostError) => void} [onLost] called once if the lease is lost while fn runs
 */

/**
 * The coordinator commands withLock needs; ipc.js's `commands` has them.
 * @typedef {object} LockCommands
 * @property {(name: string, options?: AcquireOptions) => Promise<LeaseInfo>} lockAcquire
 * @property {(token: string) => Promise<unknown>} lockRelease
 * @property {(token: string, ttlMs: number) => Promise<LeaseInfo>} lockExtend
 * @property {(token: string) => Promise<import('../bindings/LockCheck').LockCheck>} lockCheck
 */

/**
 * @typedef {object} Timers
 * @property {(callback: () => void, ms: number) => unknown} setTimeout
 * @property {(handle: unknown) => void} clearTimeout
 * @property {() => number} now wall-clock milliseconds, as `Date.now()`
 */

/** The shortest lease time the coordinator grants, in ms. */
const MIN_LEASE_MS = 100;

/**
 * How many losses of leases this page has not (yet) registered are kept. A
 * lease can end before the page learns it was granted (the grant's answer and
 * the event travel separately, and a page that hung gets both at once), so a
 * loss seen first is remembered for the registration that follows. Losses of
 * leases taken outside withLock are never claimed; the bound keeps them from
 * piling up.
 */
const UNCLAIMED_LOSSES = 64;

/** @type {Record<LossReason, string>} */
const LOSS_TEXT = {
  expired: 'its lease expired',
  'window-closed': 'the window closed',
  'window-reloaded': 'the window reloaded',
  'window-unresponsive': 'the window stopped responding',
  'not-held': 'the coordinator no longer holds it for this window',
};

/**
 * A person-readable line for a lost lease, e.g.
 * `Lost lock "x": its lease expired`.
 * @param {string} name
 * @param {LossReason} reason
 */
export function describeLoss(name, reason) {
  return `Lost lock "${name}": ${LOSS_TEXT[reason]}`;
}

/**
 * The leases of window `label` that a change ended other than by release.
 * @param {LockChange} change
 * @param {string} label
 * @returns {(LeaseEnd & { reason: LossReason })[]}
 */
export function ownLosses(change, label) {
  return change.ended.filter(
    /** @returns {end is LeaseEnd & { reason: LossReason }} */
    (end) => end.window === label && end.reason !== 'released',
  );
}

/** The reason a lost lease's signal aborts with. */
export class LockLostError extends Error {
  /**
   * @param {string} lock
   * @param {number} fence
   * @param {LossReason} reason
   */
  constructor(lock, fence, reason) {
    super(describeLoss(lock, reason));
    this.name = 'LockLostError';
    this.lock = lock;
    this.fence = fence;
    this.reason = reason;
  }
}

/** Timers of the page (or of Node), called unbound as the hosts require. */
const hostTimers = {
  /** @type {Timers['setTimeout']} */
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  /** @type {Timers['clearTimeout']} */
  clearTimeout: (handle) => clearTimeout(/** @type {number | undefined} */ (handle)),
  /** @type {Timers['now']} */
  now: () => Date.now(),
};

/**
 * @param {object} dependencies
 * @param {LockCommands} dependencies.commands
 * @param {string} dependencies.label this window's label, to recognise its own leases in events
 * @param {Timers} [dependencies.timers] default the host's
 * @param {(message: string, error: unknown) => void} [dependencies.warn] where failures that must not throw are reported; default console.warn
 */
export function createLocks({ commands, label, timers = hostTimers, warn = console.warn }) {
  /**
   * The leases withLock holds, by lock name. One window holds a lock at most
   * once at a time (asking again is refused), so the name is a key; the
   * fence tells this grant from an earlier one whose end arrives late.
   * @type {Map<string, { fence: number, token: string, lose: (reason: LossReason) => void }>}
   */
  const active = new Map();
  /** Losses no active lease claimed yet, oldest first. @type {{ name: string, fence: number, reason: LossReason }[]} */
  const unclaimed = [];

  /**
   * Takes in a lock-changed event: aborts the leases it says were lost.
   * @param {LockChange} change
   */
  function observe(change) {
    for (const end of ownLosses(change, label)) {
      const entry = active.get(change.name);
      if (entry && entry.fence === end.fence) {
        entry.lose(end.reason);
      } else {
        unclaimed.push({ name: change.name, fence: end.fence, reason: end.reason });
        if (unclaimed.length > UNCLAIMED_LOSSES) unclaimed.shift();
      }
    }
  }

  /**
   * A loss of this grant seen before it was registered, taken off the list.
   * @param {string} name
   * @param {number} fence
   * @returns {LossReason | undefined}
   */
  function claimLoss(name, fence) {
    const index = unclaimed.findIndex((loss) => loss.name === name && loss.fence === fence);
    return index < 0 ? undefined : unclaimed.splice(index, 1)[0].reason;
  }

  /**
   * Releases a lease whose task is over. Never throws: `lock_not_held` means
   * it is gone already, and any other failure is reported, since the lease
   * runs out at its time to live anyway.
   * @param {Lease} lease
   */
  async function release(lease) {
    try {
      await commands.lockRelease(lease.token);
    } catch (error) {
      if (errorCode(error) !== 'lock_not_held') {
        warn(`Could not release lock "${lease.name}"; it lapses when its lease runs out`, error);
      }
    }
  }

  /**
   * Runs `fn` while holding lock `name`, and releases it after.
   * @template T
   * @param {string} name
   * @param {(lease: Lease) => T | Promise<T>} fn
   * @param {WithLockOptions} [options]
   * @returns {Promise<T>} fn's result; rejects with fn's error, or with the
   *   coordinator's if the lock was not granted (fn then never runs)
   */
  async function withLock(name, fn, options = {}) {
    const { mode, ttlMs, waitMs, keepAlive = true, onLost } = options;
    const granted = await commands.lockAcquire(name, { mode, ttlMs, waitMs });

    const controller = new AbortController();
    /** @type {Lease} */
    const lease = { ...granted, signal: controller.signal };
    // Extend by the time asked for, so a lease keeps the length its caller
    // chose; a third of it leaves two more tries before it runs out if one
    // extension fails on the way.
    // With none asked for, the coordinator's default, read off the grant
    // rather than copied here.
    const ttl = ttlMs ?? Math.max(MIN_LEASE_MS, Math.round(granted.expiresAt - timers.now()));
    const period = Math.max(1, Math.floor(ttl / 3));
    /** Set once fn settled: late answers and events change nothing then. */
    let finished = false;
    /** @type {unknown} */
    let keepAliveTimer;

    function stopKeepAlive() {
      if (keepAliveTimer !== undefined) {
        timers.clearTimeout(keepAliveTimer);
        keepAliveTimer = undefined;
      }
    }

    /** @param {LossReason} reason */
    function lose(reason) {
      if (finished || controller.signal.aborted) return;
      stopKeepAlive();
      const error = new LockLostError(lease.name, lease.fence, reason);
      controller.abort(error);
      if (onLost) {
        try {
          onLost(lease, error);
        } catch (failure) {
          warn(`onLost for lock "${lease.name}" threw`, failure);
        }
      }
    }

    function scheduleExtension() {
      // A chain of timeouts, not an interval: the next extension is planned
      // only once the last is answered, so two never overlap.
      keepAliveTimer = timers.setTimeout(extend, period);
    }

    async function extend() {
      keepAliveTimer = undefined;
      try {
        const renewed = await commands.lockExtend(lease.token, ttl);
        if (finished || controller.signal.aborted) return;
        lease.expiresAt = renewed.expiresAt;
      } catch (error) {
        if (finished || controller.signal.aborted) return;
        if (errorCode(error) === 'lock_not_held') {
          lose('not-held');
          return;
        }
        // Anything else may be passing (a busy coordinator); the lease is
        // still held until told otherwise, so the next beat tries again.
        warn(`Could not extend lock "${lease.name}"; trying again`, error);
      }
      scheduleExtension();
    }

    const entry = { fence: lease.fence, token: lease.token, lose };
    active.set(lease.name, entry);
    if (keepAlive) scheduleExtension();
    const lostEarly = claimLoss(lease.name, lease.fence);
    if (lostEarly) lose(lostEarly);

    try {
      return await fn(lease);
    } finally {
      finished = true;
      stopKeepAlive();
      if (active.get(lease.name) === entry) active.delete(lease.name);
      await release(lease);
    }
  }

  /**
   * Asks the coordinator about every lease withLock holds, and aborts the
   * ones it no longer holds. For after a resync: the events that would have
   * said so may be among those the page missed.
   * @returns {Promise<void>}
   */
  async function recheck() {
    await Promise.all(
      [...active.values()].map(async (entry) => {
        try {
          const check = await commands.lockCheck(entry.token);
          if (!check.held) entry.lose('not-held');
        } catch (error) {
          warn('Could not check a lock after reconnecting', error);
        }
      }),
    );
  }

  return { withLock, observe, recheck };
}
