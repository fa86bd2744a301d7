// @ts-check
/**
 * The contacts panel: the selected agency's contacts as a virtual list,
 * under the contact editor (contact-editor.js).
 *
 * Invariants:
 * - Only the rows in view (plus a few above and below) are in the DOM,
 *   keyed by contact id and placed by offset: 10,000 contacts cost what
 *   30 do, and scrolling renders in the next frame.
 * - The list is keyboard-driven: with it focused, Up and Down move the
 *   cursor row (kept in view), Page Up and Page Down move a screenful,
 *   Home and End jump, Enter opens the row.
 */

import { createContactEditor } from './contact-editor.js';
import { STAGE_TEXT } from './contact-form.js';
import { createRef, html, nothing, ref, repeat, styles } from './template.js';

/** @typedef {import('../bindings/Contact').Contact} Contact */
/** @typedef {import('../bindings/ContactsChange').ContactsChange} ContactsChange */
/** @typedef {import('./contacts.js').ContactList} ContactList */
/** @typedef {import('./contact-editor.js').ContactActions} ContactActions */

/** Row height in px; the stylesheet's `.contact-row` matches it. */
export const ROW_HEIGHT = 36;
/** Rows rendered beyond each edge of the viewport. */
const OVERSCAN = 8;
/** The viewport height assumed before the list is first laid out, in px. */
const FIRST_VIEWPORT = 400;

/**
 * @param {ContactList} list
 * @param {ContactActions} actions
 * @param {import('./page.js').Page} page
 */
export function createContactsView(list, actions, page) {
  /** @type {import('./template.js').Ref<HTMLElement>} */
  const scroller = createRef();
  const editor = createContactEditor(actions, page);
  /** The keyboard cursor's row index, or -1. */
  let cursor = -1;

  /** @param {Contact | null} contact */
  const open = (contact) => editor.open(contact, list.agencyId);

  /**
   * Opens the contact with `id` as the list holds it now: a row's element
   * may be a frame behind the list.
   * @param {string} id
   */
  function openId(id) {
    const contact = list.find(id);
    if (contact) open(contact);
  }

  /** @param {number} index */
  function moveCursor(index) {
    const element = scroller.value;
    if (list.total === 0 || !element) return;
    cursor = Math.max(0, Math.min(list.total - 1, index));
    const top = cursor * ROW_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight) {
      element.scrollTop = top + ROW_HEIGHT - element.clientHeight;
    }
    page.schedule();
  }

  /** @param {KeyboardEvent} event */
  function keys(event) {
    const screenful = Math.max(1, Math.floor((scroller.value?.clientHeight ?? 0) / ROW_HEIGHT) - 1);
    /** @type {Record<string, () => void>} */
    const moves = {
      ArrowDown: () => moveCursor(cursor + 1),
      ArrowUp: () => moveCursor(cursor - 1),
      PageDown: () => moveCursor(cursor + screenful),
      PageUp: () => moveCursor(cursor - screenful),
      Home: () => moveCursor(0),
      End: () => moveCursor(list.total - 1),
      Enter: () => {
        const contact = list.rows[cursor];
        if (contact) open(contact);
      },
    };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      move();
    }
  }

  /**
   * One row, placed at its index.
   * @param {number} index
   */
  function row(index) {
    const contact = list.rows[index];
    const isOpen = contact !== undefined && editor.openId() === contact.id;
    return html`<div
      class="contact-row${isOpen ? ' open' : ''}${index === cursor ? ' cursor' : ''}"
      role="listitem"
      data-testid="contact-row"
      data-id=${contact?.id ?? ''}
      aria-busy=${String(!contact)}
      style=${styles({ transform: `translateY(${index * ROW_HEIGHT}px)` })}
      @click=${contact ? () => openId(contact.id) : nothing}
    >
      <span class="contact-name">${contact ? contact.name : '…'}</span>
      <span class="contact-company">${contact?.company ?? ''}</span>
      <span class="contact-email">${contact?.email ?? ''}</span>
      <span class="contact-stage" data-stage=${contact?.stage ?? ''}>${contact?.conflict
          ? html`<span class="badge badge-conflict" data-testid="contact-conflict-badge" title="Your edit on this computer lost to a newer version from another computer: open it to compare">conflict</span> `
          : nothing}${contact ? STAGE_TEXT[contact.stage] : ''}</span>
    </div>`;
  }

  /**
   * The rows from `first` to `last` with their keys: a contact keeps its
   * row element as it moves. A row still loading is keyed by its index (a
   * number, never equal to an id), and so is a contact shown twice for a
   * moment (a refresh reads the rows in view before the rest).
   * @param {number} first
   * @param {number} last
   */
  function shownRows(first, last) {
    /** @type {Set<string>} */
    const seen = new Set();
    return Array.from({ length: Math.max(0, last - first) }, (_, i) => {
      const index = first + i;
      const id = list.rows[index]?.id;
      if (id === undefined || seen.has(id)) return { index, key: index };
      seen.add(id);
      return { index, key: id };
    });
  }

  function view() {
    const total = list.total;
    const count = total.toLocaleString();
    const progress = list.complete ? '' : `Loading… ${list.rows.filter(Boolean).length.toLocaleString()} of ${count}`;
    const empty =
      list.agencyId === null
        ? 'Choose an agency to see its contacts.'
        : list.complete && total === 0
          ? 'No contacts yet. Add the first with New contact.'
          : '';
    const top = scroller.value?.scrollTop ?? 0;
    const viewport = scroller.value?.clientHeight || FIRST_VIEWPORT;
    // Tells the list where the user is, so a refresh reads these rows first.
    list.visibleFrom = Math.floor(top / ROW_HEIGHT);
    const first = Math.max(0, list.visibleFrom - OVERSCAN);
    const last = Math.min(total, Math.ceil((top + viewport) / ROW_HEIGHT) + OVERSCAN);
    return html`
      <div class="contacts-head">
        <h2 id="contacts-title">Contacts <span class="count" data-testid="contact-count">${count}</span></h2>
        <span class="contacts-progress" data-testid="contacts-progress">${progress}</span>
        <button
          type="button"
          data-testid="contact-new"
          title="New contact (Ctrl+Shift+C)"
          ?disabled=${list.agencyId === null}
          @click=${() => open(null)}
        >New contact</button>
      </div>
      ${editor.view()}
      <div class="contact-box">
        <div
          class="contact-scroller"
          role="list"
          tabindex="0"
          aria-label="Contacts"
          data-testid="contact-list"
          @scroll=${page.schedule}
          @keydown=${keys}
          ${ref(scroller)}
        >
          <div class="contact-spacer" style=${styles({ height: `${total * ROW_HEIGHT}px` })}></div>
          ${repeat(shownRows(first, last), (shown) => shown.key, (shown) => row(shown.index))}
        </div>
        <p class="empty contact-empty" data-testid="contacts-empty" ?hidden=${empty === ''}>${empty}</p>
      </div>
    `;
  }

  return {
    view,
    /** Opens the editor on a new contact. */
    newContact: () => {
      if (list.agencyId !== null) open(null);
    },
    /**
     * A change from any window: refreshes an untouched editor showing it.
     * @param {ContactsChange} change
     */
    observe: (change) => editor.observe(change),
    /** The editor, for the question a close with unsaved changes asks. */
    editor,
    /** How far the list is scrolled, in CSS pixels. */
    scrollTop: () => Math.round(scroller.value?.scrollTop ?? 0),
    /**
     * Scrolls the list to `top` (as far as its rows allow).
     * @param {number} top CSS pixels
     */
    scrollTo(top) {
      page.render();
      if (scroller.value) scroller.value.scrollTop = top;
      page.schedule();
    },
  };
}
