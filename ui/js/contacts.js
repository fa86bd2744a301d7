// @ts-check
/**
 * The window's copy of the selected agency's contacts: loaded a page at a
 * time, kept in the store's order, and changed live by `contacts-changed`.
 *
 * Invariants:
 * - `rows` is in the store's order: name with ASCII letters folded to
 *   lower case (SQLite's NOCASE), then code points, then id. A row is a
 *   contact, or `undefined` while its page has not arrived.
 * - A contact is never replaced by an older version of itself: events and
 *   pages can cross, and the newer version wins.
 * - Everything belongs to one agency (`agencyId`); pages and changes of
 *   another agency are ignored. A new agency starts a new list.
 * - While pages are still arriving, a change cannot be placed (its
 *   neighbours may not be loaded): the list is marked stale and fetched
 *   again once the load ends, so nothing is lost or shown twice.
 *
 * Pure: the page fetcher is passed in, so this runs under Node's tests.
 */

import { compareNames } from './store.js';

/** @typedef {import('../bindings/Contact').Contact} Contact */
/** @typedef {import('../bindings/ContactsPage').ContactsPage} ContactsPage */
/** @typedef {import('../bindings/ContactsChange').ContactsChange} ContactsChange */

/** The first page: enough rows to fill a tall window. */
export const FIRST_PAGE = 100;
/** The pages after it, fetched in the background. */
export const NEXT_PAGE = 2000;

/**
 * Fetches a page of the selected agency's contacts.
 * @typedef {(offset: number, limit: number) => Promise<ContactsPage>} FetchPage
 */

/**
 * Orders two contacts as the store lists them.
 * @param {Pick<Contact, 'name' | 'id'>} a
 * @param {Pick<Contact, 'name' | 'id'>} b
 */
export function compareContacts(a, b) {
  return compareFolded(a.name, b.name) || compareNames(a.id, b.id);
}

/**
 * SQLite's NOCASE: ASCII A-Z fold to a-z, everything else by code point
 * (which is also UTF-8 byte order, SQLite's own).
 * @param {string} a
 * @param {string} b
 */
function compareFolded(a, b) {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; ) {
    const x = fold(/** @type {number} */ (a.codePointAt(i)));
    const y = fold(/** @type {number} */ (b.codePointAt(i)));
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

/** @param {number} code */
function fold(code) {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

export class ContactList {
  /** The agency these contacts belong to; null before the first load. @type {string | null} */
  agencyId = null;
  /** @type {(Contact | undefined)[]} */
  rows = [];
  /** Whether every page has arrived. */
  complete = false;
  /** Bumped on every change, so a view can tell it must repaint. */
  revision = 0;
  /** Whether a change arrived that could not be placed during a load. */
  #stale = false;
  /** The load in progress; a newer one makes an older one stop. */
  #loadId = 0;

  /**
   * @param {FetchPage} fetchPage
   * @param {() => void} onChange called after every change
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
   * Loads the selected agency's contacts from scratch: the first page (then
   * the list shows), then the rest in the background. Resolves when all
   * have arrived, or a newer load took over.
   * @param {string | null} agencyId the agency every window shows now
   */
  async load(agencyId) {
    const id = ++this.#loadId;
    if (agencyId !== this.agencyId) {
      this.agencyId = agencyId;
      this.rows = [];
      this.complete = false;
      this.#changed();
    }
    if (agencyId === null) {
      this.complete = true;
      return;
    }
    this.#stale = false;
    let offset = 0;
    let limit = FIRST_PAGE;
    /** @type {(Contact | undefined)[]} */
    let rows = [];
    for (;;) {
      const page = await this.fetchPage(offset, limit);
      if (id !== this.#loadId) return;
      if (page.agencyId !== agencyId) {
        // The agency changed under the load; the agency-changed event
        // starts the right one.
        return;
      }
      if (offset === 0) rows = new Array(page.total);
      rows.length = page.total;
      page.contacts.forEach((contact, index) => {
        rows[page.offset + index] = contact;
      });
      offset = page.offset + page.contacts.length;
      const done = page.contacts.length < limit || offset >= page.total;
      // The first page replaces what was shown, so a reload never flashes
      // an empty list; later pages fill the gaps.
      this.rows = rows;
      this.complete = done;
      this.#changed();
      if (done) break;
      limit = NEXT_PAGE;
    }
    if (this.#stale) await this.load(agencyId);
  }

  /**
   * Applies a change another window (or this one) made.
   * @param {ContactsChange} change
   */
  apply(change) {
    if (change.agencyId !== this.agencyId) return;
    if (!this.complete) {
      this.#stale = true;
      return;
    }
    const { change: what } = change;
    if (what.op === 'saved') this.#put(what.contact);
    else this.#remove(what.id, what.version);
  }

  /**
   * The loaded contact with `id`, if any.
   * @param {string} id
   */
  find(id) {
    return this.rows.find((row) => row?.id === id);
  }

  /** @param {Contact} contact */
  #put(contact) {
    const index = this.rows.findIndex((row) => row?.id === contact.id);
    if (index >= 0) {
      const current = /** @type {Contact} */ (this.rows[index]);
      if (current.version >= contact.version) return;
      this.rows.splice(index, 1);
    }
    this.rows.splice(this.#insertionPoint(contact), 0, contact);
    this.#changed();
  }

  /**
   * @param {string} id
   * @param {number} version the version it had when deleted
   */
  #remove(id, version) {
    const index = this.rows.findIndex((row) => row?.id === id);
    if (index < 0) return;
    if (/** @type {Contact} */ (this.rows[index]).version > version) return;
    this.rows.splice(index, 1);
    this.#changed();
  }

  /** @param {Contact} contact */
  #insertionPoint(contact) {
    let low = 0;
    let high = this.rows.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareContacts(/** @type {Contact} */ (this.rows[middle]), contact) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  #changed() {
    this.revision += 1;
    this.onChange();
  }
}
