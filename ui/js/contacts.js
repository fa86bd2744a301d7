// @ts-check
/**
 * The window's copy of the selected agency's contacts: read from the app a
 * page at a time, in the app's order, and read again when any window
 * changes a contact.
 *
 * The order is the store's (by name, case-insensitively as SQLite's NOCASE
 * collates, then id), and only the store applies it: a change event says
 * what changed, not where it now stands, so the list asks the app again
 * rather than place the row itself.
 *
 * Invariants:
 * - `rows` is what the app answered, in its order. A row is a contact, or
 *   `undefined` while its page has not arrived.
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
   * Follows a change made in any window by reading the rows again.
   * @param {ContactsChange} change
   * @returns {Promise<void>} settles when the rows reflect the change
   */
  apply(change) {
    return change.agencyId === this.agencyId ? this.#pass() : Promise.resolve();
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
    if (agencyId === null) return;
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
  }
}
