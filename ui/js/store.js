// @ts-check
/**
 * The window's copy of the coordinator state: a snapshot with every later
 * event applied in sequence order.
 *
 * Invariant: `state.seq` is the newest event reflected in `state`. An event at
 * or below it is already reflected and ignored; the next one is applied; any
 * later one means an event was missed, and a fresh snapshot replaces the
 * state. Events that arrive while a snapshot is being fetched are queued and
 * applied after it.
 *
 * Invariant: `state.locks` holds exactly the locks that are held or awaited,
 * sorted by name as the coordinator sorts them, as `LockSummary` values (a
 * change's `ended` list is news, not state, and is not kept).
 */

/** @typedef {import('../bindings/Snapshot').Snapshot} Snapshot */
/** @typedef {import('../bindings/Envelope').Envelope} Envelope */
/** @typedef {import('../bindings/LockChange').LockChange} LockChange */
/** @typedef {import('../bindings/LockSummary').LockSummary} LockSummary */

/** How long to wait before retrying a failed snapshot, in ms. */
const RETRY_MS = 500;
/** How many applied events the trace keeps (for diagnostics and benchmarks). */
const TRACE_LENGTH = 512;

export class CoordinatorStore {
  /** @type {Snapshot | null} */
  state = null;
  /** @type {Envelope[]} */
  #queued = [];
  /** @type {Promise<void> | null} */
  #syncing = null;
  /** Snapshots taken since the page loaded; 1 is the initial one. */
  resyncs = 0;
  /**
   * Applied events with the wall-clock time (ms, sub-ms precision) they were
   * applied at, newest last.
   * @type {{seq: number, kind: string, appliedAt: number}[]}
   */
  trace = [];

  /**
   * @param {() => Promise<Snapshot>} fetchSnapshot
   * @param {(state: Snapshot, cause: Envelope['kind'] | 'snapshot') => void} onChange
   *   called after every change, with the kind of event that made it (or
   *   `snapshot` after a fresh snapshot)
   * @param {(error: unknown) => void} onError called when a snapshot fails
   */
  constructor(fetchSnapshot, onChange, onError) {
    this.fetchSnapshot = fetchSnapshot;
    this.onChange = onChange;
    this.onError = onError;
  }

  /**
   * Takes a fresh snapshot (retrying until one arrives), then applies what
   * was queued meanwhile. Concurrent calls share one fetch.
   * @returns {Promise<void>}
   */
  resync() {
    if (!this.#syncing) {
      this.#syncing = this.#fetchUntilDone();
    }
    return this.#syncing;
  }

  async #fetchUntilDone() {
    /** @type {Snapshot} */
    let snapshot;
    for (;;) {
      try {
        snapshot = await this.fetchSnapshot();
        break;
      } catch (error) {
        this.onError(error);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
    this.state = snapshot;
    this.resyncs += 1;
    this.#syncing = null;
    this.#drain();
    this.onChange(snapshot, 'snapshot');
  }

  /** @param {Envelope} envelope */
  receive(envelope) {
    if (this.#syncing || !this.state) {
      this.#queued.push(envelope);
      return;
    }
    if (this.#apply(envelope)) {
      this.onChange(this.state, envelope.kind);
    }
  }

  /** Applies the queued events in order; a gap starts another resync. */
  #drain() {
    const queued = this.#queued.sort((a, b) => a.seq - b.seq);
    this.#queued = [];
    for (const envelope of queued) {
      if (this.#syncing) {
        this.#queued.push(envelope);
      } else {
        this.#apply(envelope);
      }
    }
  }

  /**
   * @param {Envelope} envelope
   * @returns {boolean} whether the state changed
   */
  #apply(envelope) {
    const state = this.state;
    if (!state || envelope.seq <= state.seq) {
      return false;
    }
    if (envelope.seq !== state.seq + 1) {
      this.#queued.push(envelope);
      void this.resync();
      return false;
    }
    applyEvent(state, envelope);
    state.seq = envelope.seq;
    this.trace.push({
      seq: envelope.seq,
      kind: envelope.kind,
      appliedAt: performance.timeOrigin + performance.now(),
    });
    if (this.trace.length > TRACE_LENGTH) {
      this.trace.splice(0, this.trace.length - TRACE_LENGTH);
    }
    return true;
  }
}

/**
 * Applies one event to a state, in place.
 * @param {Snapshot} state
 * @param {Envelope} envelope
 */
export function applyEvent(state, envelope) {
  switch (envelope.kind) {
    case 'windows-changed':
      state.windows = envelope.data.windows;
      break;
    case 'primary-changed': {
      const { label, epoch } = envelope.data;
      state.primary = label === null ? null : { label, epoch };
      state.self.role = label === state.self.label ? 'primary' : 'secondary';
      break;
    }
    case 'lock-changed':
      applyLockChange(state.locks, envelope.data);
      break;
    case 'session-changed': {
      // The event is the session after the change, plus what caused it.
      const { cause: _cause, ...session } = envelope.data;
      state.session = session;
      break;
    }
    case 'modal-changed':
      state.modal = envelope.data;
      break;
    case 'agency-changed':
      state.agency = envelope.data;
      break;
    case 'sync-changed':
      state.sync = envelope.data;
      break;
    case 'quit-changed':
      state.quit = envelope.data;
      break;
    case 'update-changed':
      state.update = envelope.data;
      break;
  }
}

/**
 * Puts one lock's new state into a sorted lock list, in place: replaced or
 * inserted in name order, or removed once nobody holds or awaits it.
 * @param {LockSummary[]} locks sorted by name
 * @param {LockChange} change
 */
export function applyLockChange(locks, change) {
  const { name, mode, holders, waiting, fence } = change;
  const index = lowerBound(locks, name);
  const present = index < locks.length && locks[index].name === name;
  if (holders.length === 0 && waiting.length === 0) {
    if (present) locks.splice(index, 1);
  } else if (present) {
    locks[index] = { name, mode, holders, waiting, fence };
  } else {
    locks.splice(index, 0, { name, mode, holders, waiting, fence });
  }
}

/**
 * The index of the first lock not ordered before `name`.
 * @param {LockSummary[]} locks sorted by name
 * @param {string} name
 */
function lowerBound(locks, name) {
  let low = 0;
  let high = locks.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareNames(locks[middle].name, name) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Orders names as the coordinator does (Rust orders strings by UTF-8 bytes,
 * which is code point order). JavaScript's `<` compares UTF-16 units, which
 * puts characters above U+FFFF before U+E000..U+FFFF; a list kept in that
 * order would disagree with the next snapshot's.
 * @param {string} a
 * @param {string} b
 */
export function compareNames(a, b) {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; ) {
    const x = /** @type {number} */ (a.codePointAt(i));
    const y = /** @type {number} */ (b.codePointAt(i));
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}
