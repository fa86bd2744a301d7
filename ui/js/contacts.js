// @ts-check
/**
 * The window's copy of the selected agency's contacts: read from the app a
 * page at a time, in the app's order, and kept in that order as any window
 * changes a contact.
 *
 * The order is the store's (by name, case-insensitively as SQLite's NOCASE
 * collates, then id), and only the store applies it: a change event says
 * where the contact now stands, and a page says which event it is up to
 * date with, so the list places changes without ordering anything itself.
 *
 * Invariants:
 * - `rows` is what the app answered, in its order. A row is a contact, or
 *   `undefined` while its page has not arrived.
 * - `asOf` is the newest event the rows show: every contact change up to
 *   it and none after. It is known only once a whole read saw one event
 *   number on every page; a read that saw a change happen midway reads
 *   again.
 * - While `asOf` is known, a change is placed in the rows at the position
 *   the app gave, once (an event the rows already show is skipped); it
 *   costs no read. Otherwise, or when a change does not fit the rows, the
 *   rows are read again.
 * - One read of the app is in flight at a time: reads happen in passes
 *   (one page after another), and a change while a pass runs asks for one
 *   more pass after it, however many changes arrive. Answers therefore
 *   come in the order they were asked, and a newer one always wins.
 * - A pass after the first reads the rows the view shows first, then the
 *   rest; until a row's page arrives again, it keeps its previous contact,
 *   so a change never blanks what is shown.
 * - Everything belongs to one agency (`agencyId`); pages and changes of
 *   another agency are dropped. A new agency starts a new, empty list.
 *
 * Pure: the page fetcher is passed in, so this runs under Node's tests.
 */

/** @typedef {import('../bindings/Contact').Contact} Contact */
/** @typedef {import('../bindings/ContactsPage').ContactsPage} ContactsPage */
/** @typedef {import('../bindings/ContactsChange').ContactsChange} ContactsChange */
/** @typedef {import('../bindings/ContactChange').ContactChange} ContactChange */

/** The first page of a pass: enough rows to fill a tall window. */
export const FIRST_PAGE = 100;
/** The pages after it, read in the background. */
export const NEXT_PAGE = 2000;

/**
 * Fetches a page of the selected agency's contacts.
 * @typedef {(offset: number, limit: number) => Promise<ContactsPage>} FetchPage
 */

export class ContactList {
  /** The agency these contacts belong to; null before the first load. @type {string | null} */
  agencyId = null;
  /** @type {(Contact | undefined)[]} */
  rows = [];
  /** Whether every row of this agency has arrived once (with no agency, there is none to wait for). */
  complete = true;
  /**
   * The newest event the rows show, or null while they are being read (or
   * were read across a change).
   * @type {number | null}
   */
  asOf = null;
  /**
   * The first row the view shows, set by the view as it renders, so that
   * a pass reads what the user sees before the rest.
   */
  visibleFrom = 0;
  /** Bumped when the agency changes: a pass of an older one stops. */
  #generation = 0;
  /** Whether another pass is wanted after the one running. */
  #wanted = false;
  /** The passes running, if any. @type {Promise<void> | null} */
  #running = null;

  /**
   * @param {FetchPage} fetchPage
   * @param {() => void} onChange called after every change of the rows
   */
  constructor(fetchPage, onChange) {
    this.fetchPage = fetchPage;
    this.onChange = onChange;
  }

  /** How many contacts the agency has. */
  get total() {
    return this.rows.length;
  }

  /**
   * Shows agency `agencyId`'s contacts: a new agency starts an empty list
   * and reads it from the top; the same agency is read again (after a
   * resync, which may have skipped changes).
   * @param {string | null} agencyId the agency every window shows now
   * @returns {Promise<void>} settles when the rows are read, or a newer
   *   agency took over; rejects if the app could not answer
   */
  load(agencyId) {
    if (agencyId !== this.agencyId) {
      this.agencyId = agencyId;
      this.rows = [];
      this.complete = agencyId === null;
      this.#generation += 1;
      this.onChange();
    }
    return agencyId === null ? Promise.resolve() : this.#pass();
  }

  /**
   * Follows a change made in any window: placed where the app says the
   * contact now stands, or, while the rows are being read, read again.
   * @param {ContactsChange} change
   * @param {number} seq the number of the event that carried it
   * @returns {Promise<void>} settles when the rows reflect the change
   */
  apply(change, seq) {
    if (change.agencyId !== this.agencyId) return Promise.resolve();
    if (this.#running || this.asOf === null) return this.#pass();
    // The rows were read after this change: they show it already.
    if (seq <= this.asOf) return Promise.resolve();
    if (!this.#place(change.change)) return this.#pass();
    this.asOf = seq;
    this.onChange();
    return Promise.resolve();
  }

  /**
   * Places one change in rows that show every change before it.
   * @param {ContactChange} change
   * @returns {boolean} false when the rows cannot hold it (then they are
   *   not what the app has, and must be read again)
   */
  #place(change) {
    // Many contacts came from the server at once: read them again.
    if (change.op === 'refreshed') return false;
    const id = change.op === 'saved' ? change.contact.id : change.id;
    const old = this.rows[change.position]?.id === id ? change.position : this.rows.findIndex((row) => row?.id === id);
    if (old >= 0) this.rows.splice(old, 1);
    if (change.op === 'deleted') return old >= 0;
    if (change.position > this.rows.length) return false;
    this.rows.splice(change.position, 0, change.contact);
    return true;
  }

  /**
   * Settles when the rows being read now have arrived (at once if none
   * are being read); never rejects.
   * @returns {Promise<void>}
   */
  ready() {
    return (this.#running ?? Promise.resolve()).catch(() => {});
  }

  /**
   * The contact with `id`, if its row has arrived.
   * @param {string} id
   */
  find(id) {
    return this.rows.find((row) => row?.id === id);
  }

  /**
   * Asks for a pass: starts one, or, while one runs, one more after it.
   * @returns {Promise<void>}
   */
  #pass() {
    this.#wanted = true;
    this.#running ??= this.#passes();
    return this.#running;
  }

  /**
   * Runs passes while they are wanted. A failure ends them (and rejects);
   * the next change or load starts again.
   */
  async #passes() {
    try {
      while (this.#wanted) {
        this.#wanted = false;
        await this.#read();
      }
    } finally {
      this.#wanted = false;
      this.#running = null;
    }
  }

  /** One pass: every row of the agency, read again. */
  async #read() {
    const { agencyId } = this;
    const generation = this.#generation;
    this.asOf = null;
    if (agencyId === null) return;
    /** The event number every page of this pass was read at, if one. @type {number | null | undefined} */
    let seq;
    /**
     * Reads one page into the rows: how many contacts it held, or null
     * when the pass must stop.
     * @param {number} offset
     * @param {number} limit
     */
    const read = async (offset, limit) => {
      const page = await this.fetchPage(offset, limit);
      // A newer agency took over, or the app answered for another one
      // (its agency-changed event loads the right one).
      if (generation !== this.#generation || page.agencyId !== agencyId) return null;
      seq = seq === undefined || seq === page.seq ? page.seq : null;
      this.rows.length = page.total;
      page.contacts.forEach((contact, index) => {
        this.rows[page.offset + index] = contact;
      });
      this.onChange();
      return page.contacts.length;
    };

    // From the first row the user sees (the top, for a list read for the
    // first time) to the end, until a short page…
    const start = this.complete ? Math.max(0, Math.min(this.visibleFrom, this.total - 1)) : 0;
    for (let offset = start, limit = FIRST_PAGE; ; limit = NEXT_PAGE) {
      const got = await read(offset, limit);
      if (got === null) return;
      offset += got;
      if (got < limit || offset >= this.total) break;
    }
    // …then the rows before it.
    for (let offset = 0; offset < Math.min(start, this.total); ) {
      const got = await read(offset, Math.min(NEXT_PAGE, start - offset));
      if (got === null) return;
      if (got === 0) break;
      offset += got;
    }
    if (!this.complete) {
      this.complete = true;
      this.onChange();
    }
    // A change landed between two pages: they may disagree, so read again.
    if (seq === null) this.#wanted = true;
    else if (seq !== undefined) this.asOf = seq;
  }
}
