// @ts-check
/**
 * The contacts panel: a virtual list of the selected agency's contacts and
 * an editor that never overwrites another window's change silently.
 *
 * Invariants:
 * - The list holds at most a screenful of row elements (plus a few above
 *   and below), reused as it scrolls: 10,000 contacts cost what 30 do.
 * - The editor saves with the version it last read and the agency it was
 *   opened in. A `conflict` keeps what the user typed and offers two ways
 *   on: take the stored version ("Reload theirs") or save over it at the
 *   stored version ("Overwrite with mine"). Nothing else overwrites.
 * - While the user has not changed the form, a newer version saved in
 *   another window is shown at once instead (no conflict to resolve), and
 *   a deletion in another window closes it with a notice.
 * - The list is keyboard-driven: with it focused, Up and Down move the
 *   cursor row (kept in view), Home and End jump, Enter opens the row.
 *
 * `editorFields` and `conflictText` are pure and run under Node's tests.
 */

import { make } from './dom.js';
import { describeError, errorCode } from './errors.js';
import { windowNumber } from './view.js';

/** @typedef {import('../bindings/Contact').Contact} Contact */
/** @typedef {import('../bindings/ContactsChange').ContactsChange} ContactsChange */
/** @typedef {import('../bindings/Stage').Stage} Stage */
/** @typedef {import('./ipc.js').ContactInput} ContactInput */
/** @typedef {import('./contacts.js').ContactList} ContactList */

/** Row height in px; the stylesheet's `.contact-row` matches it. */
export const ROW_HEIGHT = 36;
/** Rows rendered beyond each edge of the viewport. */
const OVERSCAN = 8;

/** @type {Record<Stage, string>} */
export const STAGE_TEXT = {
  lead: 'Lead',
  contacted: 'Contacted',
  qualified: 'Qualified',
  proposal: 'Proposal',
  won: 'Won',
  lost: 'Lost',
};

/** The editable fields, in form order. */
const FIELDS = /** @type {const} */ (['name', 'email', 'phone', 'company', 'stage', 'notes']);

/**
 * The fields of a contact the editor shows and saves.
 * @typedef {Pick<Contact, 'name' | 'email' | 'phone' | 'company' | 'stage' | 'notes'>} EditorFields
 */

/**
 * The editor's fields for `contact` (empty ones for a new contact).
 * @param {Contact | null} contact
 * @returns {EditorFields}
 */
export function editorFields(contact) {
  return {
    name: contact?.name ?? '',
    email: contact?.email ?? '',
    phone: contact?.phone ?? '',
    company: contact?.company ?? '',
    stage: contact?.stage ?? 'lead',
    notes: contact?.notes ?? '',
  };
}

/**
 * What the conflict bar says about `current`, the contact as stored now
 * (null: deleted meanwhile).
 * @param {Contact | null} current
 */
export function conflictText(current) {
  if (current === null) {
    return 'Another window deleted this contact while you edited it. Your changes are still here.';
  }
  const who = current.updatedBy.startsWith('crm-')
    ? `Window ${windowNumber(current.updatedBy)}`
    : 'Another window';
  return `${who} saved a newer version of this contact (version ${current.version}) while you edited it. Your changes are still here.`;
}

/**
 * What the panel needs from the coordinator.
 * @typedef {object} ContactActions
 * @property {(contact: ContactInput) => Promise<Contact>} save
 * @property {(id: string, version: number) => Promise<unknown>} remove
 * @property {(id: string) => Promise<Contact>} get
 * @property {(text: string) => void} notify shows a notice
 * @property {() => string | null} currentAgency the agency every window shows now
 */

/**
 * Builds the panel into `root`.
 * @param {HTMLElement} root
 * @param {ContactList} list
 * @param {ContactActions} actions
 */
export function createContactsView(root, list, actions) {
  const count = make('span', { class: 'count', 'data-testid': 'contact-count' }, '0');
  const progress = make('span', { class: 'contacts-progress', 'data-testid': 'contacts-progress' });
  const newButton = make(
    'button',
    { type: 'button', 'data-testid': 'contact-new', title: 'New contact (Ctrl+Shift+C)' },
    'New contact',
  );
  const head = make(
    'div',
    { class: 'contacts-head' },
    make('h2', { id: 'contacts-title' }, 'Contacts ', count),
    progress,
    newButton,
  );
  const spacer = make('div', { class: 'contact-spacer' });
  const scroller = make(
    'div',
    { class: 'contact-scroller', role: 'list', tabindex: '0', 'aria-label': 'Contacts', 'data-testid': 'contact-list' },
    spacer,
  );
  const empty = make('p', { class: 'empty', 'data-testid': 'contacts-empty' });
  const editor = createEditor(actions, () => render());
  root.replaceChildren(head, editor.element, scroller, empty);

  /** The keyboard cursor's row index, or -1. */
  let cursor = -1;
  /** Row elements in use, by the index they show. @type {Map<number, HTMLElement>} */
  let shown = new Map();
  /** Row elements free for reuse. @type {HTMLElement[]} */
  const spare = [];
  let paintedRevision = -1;
  let frame = 0;

  function schedule() {
    if (frame === 0) {
      frame = requestAnimationFrame(() => {
        frame = 0;
        render();
      });
    }
  }

  /** @param {HTMLElement} row @param {Contact | undefined} contact @param {number} index */
  function fill(row, contact, index) {
    row.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
    const key = contact ? `${contact.id}@${contact.version}` : '';
    if (row.dataset.key === key && row.dataset.key !== '') return;
    row.dataset.key = key;
    row.dataset.id = contact?.id ?? '';
    const [name, company, email, stage] = /** @type {HTMLElement[]} */ ([...row.children]);
    name.textContent = contact ? contact.name : '…';
    company.textContent = contact?.company ?? '';
    email.textContent = contact?.email ?? '';
    stage.textContent = contact ? STAGE_TEXT[contact.stage] : '';
    stage.dataset.stage = contact?.stage ?? '';
    row.setAttribute('aria-busy', String(!contact));
  }

  function makeRow() {
    const row = make(
      'div',
      { class: 'contact-row', role: 'listitem', 'data-testid': 'contact-row' },
      make('span', { class: 'contact-name' }),
      make('span', { class: 'contact-company' }),
      make('span', { class: 'contact-email' }),
      make('span', { class: 'contact-stage' }),
    );
    return row;
  }

  function render() {
    const total = list.total;
    const height = `${total * ROW_HEIGHT}px`;
    if (spacer.style.height !== height) spacer.style.height = height;
    const countText = total.toLocaleString();
    if (count.textContent !== countText) count.textContent = countText;
    const progressText = list.complete ? '' : `Loading… ${list.rows.filter(Boolean).length.toLocaleString()} of ${countText}`;
    if (progress.textContent !== progressText) progress.textContent = progressText;
    const emptyText = list.agencyId === null ? 'Choose an agency to see its contacts.' : list.complete && total === 0 ? 'No contacts yet. Add the first with New contact.' : '';
    if (empty.textContent !== emptyText) empty.textContent = emptyText;
    empty.hidden = emptyText === '';
    newButton.disabled = list.agencyId === null;

    const top = scroller.scrollTop;
    const viewport = scroller.clientHeight || 400;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(total, Math.ceil((top + viewport) / ROW_HEIGHT) + OVERSCAN);
    const revisionChanged = paintedRevision !== list.revision;
    /** @type {Map<number, HTMLElement>} */
    const next = new Map();
    for (const [index, row] of shown) {
      if (index >= first && index < last && !revisionChanged) next.set(index, row);
      else spare.push(row);
    }
    for (let index = first; index < last; index += 1) {
      let row = next.get(index);
      if (!row) {
        row = spare.pop() ?? makeRow();
        if (!row.isConnected) scroller.append(row);
        next.set(index, row);
      }
      fill(row, list.rows[index], index);
      row.classList.toggle('open', editor.openId() === list.rows[index]?.id && row.dataset.id !== '');
      row.classList.toggle('cursor', index === cursor);
    }
    for (const row of spare) row.remove();
    spare.length = 0;
    shown = next;
    paintedRevision = list.revision;
  }

  scroller.addEventListener('scroll', schedule, { passive: true });
  window.addEventListener('resize', schedule);
  scroller.addEventListener('click', (event) => {
    const row = event.target instanceof Element ? event.target.closest('.contact-row') : null;
    const contact = row instanceof HTMLElement ? list.find(row.dataset.id ?? '') : undefined;
    if (contact) editor.open(contact, list.agencyId);
  });
  /** @param {number} index */
  function moveCursor(index) {
    if (list.total === 0) return;
    cursor = Math.max(0, Math.min(list.total - 1, index));
    const top = cursor * ROW_HEIGHT;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top + ROW_HEIGHT > scroller.scrollTop + scroller.clientHeight) {
      scroller.scrollTop = top + ROW_HEIGHT - scroller.clientHeight;
    }
    paintedRevision = -1;
    schedule();
  }
  scroller.addEventListener('keydown', (event) => {
    const page = Math.max(1, Math.floor(scroller.clientHeight / ROW_HEIGHT) - 1);
    /** @type {Record<string, () => void>} */
    const moves = {
      ArrowDown: () => moveCursor(cursor + 1),
      ArrowUp: () => moveCursor(cursor - 1),
      PageDown: () => moveCursor(cursor + page),
      PageUp: () => moveCursor(cursor - page),
      Home: () => moveCursor(0),
      End: () => moveCursor(list.total - 1),
      Enter: () => {
        const contact = list.rows[cursor];
        if (contact) editor.open(contact, list.agencyId);
      },
    };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      move();
    }
  });
  newButton.addEventListener('click', () => editor.open(null, list.agencyId));

  return {
    /** Repaints on the next frame. */
    schedule,
    /** Opens the editor on a new contact. */
    newContact: () => {
      if (list.agencyId !== null) editor.open(null, list.agencyId);
    },
    /**
     * A change from any window: refreshes an untouched editor showing it.
     * @param {ContactsChange} change
     */
    observe: (change) => editor.observe(change),
  };
}

/**
 * The contact editor.
 * @param {ContactActions} actions
 * @param {() => void} onChange repaints the list (the open row is marked)
 */
function createEditor(actions, onChange) {
  /** @type {Record<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>} */
  const inputs = {
    name: make('input', { type: 'text', name: 'name', required: '', 'data-testid': 'contact-name' }),
    email: make('input', { type: 'email', name: 'email', 'data-testid': 'contact-email' }),
    phone: make('input', { type: 'tel', name: 'phone', 'data-testid': 'contact-phone' }),
    company: make('input', { type: 'text', name: 'company', 'data-testid': 'contact-company' }),
    stage: make(
      'select',
      { name: 'stage', 'data-testid': 'contact-stage' },
      ...Object.entries(STAGE_TEXT).map(([value, text]) => make('option', { value }, text)),
    ),
    notes: make('textarea', { name: 'notes', rows: '3', 'data-testid': 'contact-notes' }),
  };
  const title = make('h3', {}, 'New contact');
  const error = make('p', { class: 'modal-error', role: 'alert', 'data-testid': 'contact-error' });
  error.hidden = true;
  const conflictLine = make('p', {});
  const reload = make('button', { type: 'button', class: 'quiet', 'data-testid': 'conflict-reload' }, 'Reload theirs');
  const overwrite = make('button', { type: 'button', 'data-testid': 'conflict-overwrite' }, 'Overwrite with mine');
  const conflict = make('div', { class: 'conflict', role: 'alert', 'data-testid': 'contact-conflict' }, conflictLine, reload, overwrite);
  conflict.hidden = true;
  const saveButton = make('button', { type: 'submit', 'data-testid': 'contact-save' }, 'Save');
  const deleteButton = make('button', { type: 'button', class: 'quiet danger', 'data-testid': 'contact-delete' }, 'Delete');
  const closeButton = make('button', { type: 'button', class: 'quiet', 'data-testid': 'contact-close' }, 'Close');
  const label = (/** @type {string} */ text, /** @type {HTMLElement} */ input) =>
    make('label', { class: 'field' }, make('span', {}, text), input);
  const form = make(
    'form',
    { class: 'contact-editor', novalidate: '', 'data-testid': 'contact-editor' },
    title,
    make(
      'div',
      { class: 'contact-fields' },
      label('Name', inputs.name),
      label('Email', inputs.email),
      label('Phone', inputs.phone),
      label('Company', inputs.company),
      label('Stage', inputs.stage),
    ),
    label('Notes', inputs.notes),
    conflict,
    error,
    make('div', { class: 'actions' }, saveButton, deleteButton, closeButton),
  );
  form.hidden = true;

  /** The contact as last read (null: a new one). @type {Contact | null} */
  let base = null;
  /** The agency the editor was opened in. @type {string | null} */
  let agencyId = null;
  /** The stored contact a conflict was about (null: deleted). @type {Contact | null | undefined} */
  let conflicting;
  let busy = false;

  /** @returns {EditorFields} */
  function read() {
    return {
      name: inputs.name.value,
      email: inputs.email.value,
      phone: inputs.phone.value,
      company: inputs.company.value,
      stage: /** @type {Stage} */ (inputs.stage.value),
      notes: inputs.notes.value,
    };
  }

  /** @param {EditorFields} fields */
  function write(fields) {
    for (const field of FIELDS) inputs[field].value = fields[field];
  }

  function dirty() {
    const now = read();
    const then = editorFields(base);
    return FIELDS.some((field) => now[field] !== then[field]);
  }

  /** @param {string} text */
  function setError(text) {
    error.textContent = text;
    error.hidden = text === '';
  }

  /** @param {Contact | null | undefined} current undefined: no conflict */
  function setConflict(current) {
    conflicting = current;
    conflict.hidden = current === undefined;
    if (current !== undefined) conflictLine.textContent = conflictText(current);
  }

  /**
   * @param {Contact | null} contact
   * @param {string | null} agency
   */
  function open(contact, agency) {
    base = contact;
    agencyId = agency;
    title.textContent = contact ? `Edit ${contact.name}` : 'New contact';
    deleteButton.hidden = contact === null;
    write(editorFields(contact));
    setConflict(undefined);
    setError('');
    form.hidden = false;
    inputs.name.focus();
    onChange();
  }

  function close() {
    form.hidden = true;
    base = null;
    setConflict(undefined);
    onChange();
  }

  /**
   * Runs one call at a time; a conflict fetches the stored contact.
   * @param {() => Promise<void>} call
   */
  async function run(call) {
    if (busy) return;
    busy = true;
    saveButton.disabled = true;
    form.setAttribute('aria-busy', 'true');
    setError('');
    try {
      await call();
    } catch (failure) {
      const code = errorCode(failure);
      // A stale version is this contact's conflict; a switched agency is not
      // (the coordinator's message says so, and reloading cannot help).
      // An update of a contact deleted meanwhile is `not_found`: the same
      // choice, with "overwrite" saving the text as a new contact.
      if ((code === 'conflict' || code === 'not_found') && base !== null && actions.currentAgency() === agencyId) {
        setConflict(await actions.get(base.id).catch(() => null));
      } else {
        setError(describeError(failure));
      }
    } finally {
      busy = false;
      saveButton.disabled = false;
      form.removeAttribute('aria-busy');
    }
  }

  /** @param {number | undefined} version the stored version to save over */
  function save(version) {
    void run(async () => {
      const fields = read();
      /** @type {ContactInput} */
      const input = { ...fields, agencyId: agencyId ?? undefined };
      if (base !== null && version !== undefined) {
        input.id = base.id;
        input.version = version;
      }
      const saved = await actions.save(input);
      actions.notify(base === null || version === undefined ? `Added ${saved.name}.` : `Saved ${saved.name}.`);
      close();
    });
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    save(base?.version);
  });
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
    } else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      save(base?.version);
    }
  });
  closeButton.addEventListener('click', close);
  deleteButton.addEventListener('click', () => {
    const contact = base;
    if (!contact) return;
    void run(async () => {
      await actions.remove(contact.id, contact.version);
      actions.notify(`Deleted ${contact.name}.`);
      close();
    });
  });
  reload.addEventListener('click', () => {
    if (conflicting === undefined) return;
    if (conflicting === null) {
      close();
      return;
    }
    open(conflicting, agencyId);
  });
  overwrite.addEventListener('click', () => {
    if (conflicting === undefined) return;
    if (conflicting === null) {
      // Deleted meanwhile: "overwrite" saves the user's text as a new contact.
      base = null;
      save(undefined);
    } else {
      save(conflicting.version);
    }
  });

  return {
    element: form,
    open,
    /** The id of the contact being edited, if any. */
    openId: () => (form.hidden ? null : (base?.id ?? null)),
    /** @param {ContactsChange} change */
    observe(change) {
      if (form.hidden || base === null || change.agencyId !== agencyId) return;
      const what = change.change;
      if (busy || dirty()) return;
      if (what.op === 'saved' && what.contact.id === base.id && what.contact.version > base.version) {
        open(what.contact, agencyId);
      } else if (what.op === 'deleted' && what.id === base.id) {
        actions.notify(`Window ${windowNumber(change.by)} deleted ${base.name}.`);
        close();
      }
    },
  };
}
