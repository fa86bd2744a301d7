// @ts-check
/**
 * The contact editor, above the contacts list: never overwrites another
 * window's change silently.
 *
 * Invariants:
 * - It saves with the version it last read and the agency it was opened
 *   in. A `conflict` keeps what the user typed and offers two ways on: take
 *   the stored version ("Reload theirs") or save over it at the stored
 *   version ("Overwrite with mine"). Nothing else overwrites.
 * - While the user has not changed the form, a newer version saved in
 *   another window is shown at once instead (no conflict to resolve), and
 *   a deletion in another window closes it with a notice.
 * - A contact whose edit made here lost to a newer version from the
 *   server (`conflict`) opens with that edit in the form and the same two
 *   ways on: "Reload theirs" drops the kept edit, "Overwrite with mine"
 *   saves it over the server's version. Nothing typed is lost silently.
 * - One call at a time: while a save or delete is out, others do nothing.
 * - The form stays in the page, hidden while closed, so what opens it
 *   finds its fields at once.
 */

import { STAGE_TEXT, conflictText, editorFields, isDirty, keptEditText } from './contact-form.js';
import { describeError, errorCode } from './errors.js';
import { createRef, html, live, nothing, ref } from './template.js';
import { windowName } from './window-label.js';

/** @typedef {import('../bindings/Contact').Contact} Contact */
/** @typedef {import('../bindings/ContactsChange').ContactsChange} ContactsChange */
/** @typedef {import('../bindings/ContactDraft').ContactDraft} ContactDraft */
/** @typedef {import('./contact-form.js').EditorFields} EditorFields */
/** @typedef {import('./ipc.js').ContactInput} ContactInput */
/** @typedef {import('../bindings/EditorDraft').EditorDraft} EditorDraft */

/** How long typing must pause before the draft is kept, in ms. */
export const DRAFT_PAUSE_MS = 300;

/**
 * What the editor needs from the coordinator.
 * @typedef {object} ContactActions
 * @property {(contact: ContactInput) => Promise<Contact>} save
 * @property {(subject: string | null) => void} [unsavedChanged] told whenever
 *   the editor starts or stops holding unsaved changes (and, after a pause
 *   in typing, when what it holds them to is renamed)
 * @property {(draft: EditorDraft | null) => Promise<unknown>} [keepDraft]
 *   keeps the text as typed (after a pause in typing), or drops it
 * @property {(id: string, version: number) => Promise<unknown>} remove
 * @property {(id: string) => Promise<Contact>} get
 * @property {(id: string) => Promise<ContactDraft | null>} keptEdit the edit
 *   made here that a newer version from the server replaced, if kept
 * @property {(id: string) => Promise<Contact>} discardKeptEdit
 * @property {(text: string) => void} notify shows a notice
 * @property {() => string | null} currentAgency the agency every window shows now
 */

/** The text fields' labels and input types, in form order. */
const TEXT_FIELDS = /** @type {const} */ ([
  ['name', 'Name', 'text'],
  ['email', 'Email', 'email'],
  ['phone', 'Phone', 'tel'],
  ['company', 'Company', 'text'],
]);

/**
 * @param {ContactActions} actions
 * @param {import('./page.js').Page} page
 */
export function createContactEditor(actions, page) {
  /** @type {import('./template.js').Ref<HTMLInputElement>} */
  const nameField = createRef();
  let isOpen = false;
  /** The contact as last read (null: a new one). @type {Contact | null} */
  let base = null;
  /** The agency the editor was opened in. @type {string | null} */
  let agencyId = null;
  /** What the form holds, as typed. @type {EditorFields} */
  let fields = editorFields(null);
  /** The stored contact a conflict was about (null: deleted; undefined: no conflict). @type {Contact | null | undefined} */
  let conflicting;
  /** Whether the conflict is an edit kept from a push the server refused. */
  let kept = false;
  let error = '';
  let busy = false;
  /** The call out now, if any. @type {Promise<boolean>} */
  let inFlight = Promise.resolve(true);
  /** What `actions.unsavedChanged` was last told. @type {string | null} */
  let toldSubject = null;
  /** Whether a draft of this form is kept. */
  let draftKept = false;
  /** The pending draft write, if any. @type {ReturnType<typeof setTimeout> | undefined} */
  let draftTimer;

  /** Whether the form holds changes not saved. */
  const unsaved = () => isOpen && isDirty(fields, base);

  /** The name of what is being edited, for a question about it. */
  const subject = () => fields.name.trim() || base?.name || 'a new contact';

  /**
   * Tells the shell when the editor starts or stops holding unsaved
   * changes at once (a close must ask from the first key), and a renamed
   * subject when asked to (`renamed`, after a pause in typing).
   */
  function reportUnsaved(renamed = false) {
    const now = unsaved() ? subject() : null;
    if ((now === null) !== (toldSubject === null) || (renamed && now !== toldSubject)) {
      toldSubject = now;
      actions.unsavedChanged?.(now);
    }
  }

  /** Keeps the draft (or drops it, once nothing is unsaved) after a pause. */
  function scheduleDraft() {
    clearTimeout(draftTimer);
    draftTimer = setTimeout(keepDraftNow, DRAFT_PAUSE_MS);
  }

  /** Keeps what the form holds now, or drops the kept draft. */
  function keepDraftNow() {
    clearTimeout(draftTimer);
    reportUnsaved(true);
    if (!actions.keepDraft) return;
    if (unsaved() && agencyId !== null) {
      const draft = {
        agencyId,
        baseVersion: base?.version ?? null,
        fields: { ...fields, ...(base ? { id: base.id } : {}) },
      };
      actions
        .keepDraft(draft)
        .then(() => {
          draftKept = true;
          page.schedule();
        })
        .catch(() => {});
    } else if (draftKept) {
      draftKept = false;
      actions.keepDraft(null).catch(() => {});
      page.schedule();
    }
  }

  /**
   * @param {Contact | null} contact
   * @param {string | null} agency
   */
  function open(contact, agency) {
    isOpen = true;
    base = contact;
    agencyId = agency;
    fields = editorFields(contact);
    conflicting = undefined;
    kept = false;
    error = '';
    reportUnsaved();
    page.render();
    nameField.value?.focus();
    if (contact?.conflict) void showKeptEdit(contact);
  }

  /**
   * Puts the edit kept for `contact` in the form, with the conflict bar.
   * @param {Contact} contact
   */
  async function showKeptEdit(contact) {
    const mine = await actions.keptEdit(contact.id).catch(() => null);
    // Only if the editor still shows this contact, untouched.
    if (!mine || base !== contact || isDirty(fields, contact)) return;
    fields = editorFields({ ...contact, ...mine });
    conflicting = contact;
    kept = true;
    page.render();
  }

  function close() {
    isOpen = false;
    base = null;
    conflicting = undefined;
    kept = false;
    reportUnsaved();
    // Whatever made the form go (saved, deleted, discarded), its draft goes.
    keepDraftNow();
    page.render();
  }

  /**
   * Opens the form on a draft kept before the app last ended. `contact` is
   * the contact as stored now (null: a new one, or deleted meanwhile). The
   * form saves at the version the edit started from, so a newer version
   * saved meanwhile comes back as a conflict to resolve, never overwritten.
   * @param {EditorDraft} draft
   * @param {Contact | null} contact
   */
  function restore(draft, contact) {
    const started = draft.baseVersion;
    open(contact && started !== null ? { ...contact, version: started } : null, draft.agencyId);
    fields = editorFields(draft.fields);
    reportUnsaved();
    // Kept again as this window's; a draft that matches what is stored
    // (nothing unsaved) is dropped, not offered at every launch.
    if (unsaved()) keepDraftNow();
    else void actions.keepDraft?.(null).catch(() => {});
    page.render();
  }

  /**
   * Runs one call at a time; a conflict fetches the stored contact.
   * Answers whether the call succeeded.
   * @param {() => Promise<void>} call
   * @returns {Promise<boolean>}
   */
  function run(call) {
    if (busy) return Promise.resolve(false);
    inFlight = runNow(call);
    return inFlight;
  }

  /**
   * @param {() => Promise<void>} call
   * @returns {Promise<boolean>}
   */
  async function runNow(call) {
    busy = true;
    error = '';
    page.render();
    try {
      await call();
      return true;
    } catch (failure) {
      const code = errorCode(failure);
      // A stale version is this contact's conflict; a switched agency is not
      // (the coordinator's message says so, and reloading cannot help).
      // An update of a contact deleted meanwhile is `not_found`: the same
      // choice, with "overwrite" saving the text as a new contact.
      if ((code === 'conflict' || code === 'not_found') && base !== null && actions.currentAgency() === agencyId) {
        conflicting = await actions.get(base.id).catch(() => null);
      } else {
        error = describeError(failure);
      }
      return false;
    } finally {
      busy = false;
      reportUnsaved();
      page.render();
    }
  }

  /**
   * @param {number | undefined} version the stored version to save over
   * @returns {Promise<boolean>} whether it was saved
   */
  function save(version) {
    return run(async () => {
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

  function remove() {
    const contact = base;
    if (!contact) return;
    void run(async () => {
      await actions.remove(contact.id, contact.version);
      actions.notify(`Deleted ${contact.name}.`);
      close();
    });
  }

  function reloadTheirs() {
    if (conflicting === undefined) return;
    if (kept && conflicting !== null) {
      const id = conflicting.id;
      void run(async () => open(await actions.discardKeptEdit(id), agencyId));
    } else if (conflicting === null) close();
    else open(conflicting, agencyId);
  }

  function overwriteWithMine() {
    if (conflicting === undefined) return;
    if (conflicting === null) {
      // Deleted meanwhile: "overwrite" saves the user's text as a new contact.
      base = null;
      void save(undefined);
    } else {
      void save(conflicting.version);
    }
  }

  /**
   * Keeps what is typed; the field is named after the contact's field.
   * @param {Event} event
   */
  function type(event) {
    const input = /** @type {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} */ (event.target);
    fields = /** @type {EditorFields} */ ({ ...fields, [input.name]: input.value });
    reportUnsaved();
    scheduleDraft();
  }

  /** @param {SubmitEvent} event */
  function submit(event) {
    event.preventDefault();
    void save(base?.version);
  }

  /** @param {KeyboardEvent} event */
  function keys(event) {
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
    } else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      void save(base?.version);
    }
  }

  /**
   * @param {string} text
   * @param {import('./template.js').TemplateResult} input
   */
  const field = (text, input) => html`<label class="field"><span>${text}</span>${input}</label>`;

  // `live`: the fields hold what the user types, so a value is compared
  // with the field as it is, not as last rendered.
  function view() {
    return html`<form
      class="contact-editor"
      novalidate
      data-testid="contact-editor"
      ?hidden=${!isOpen}
      aria-busy=${busy ? 'true' : nothing}
      @submit=${submit}
      @keydown=${keys}
      @input=${type}
    >
      <h3>${base ? `Edit ${base.name}` : 'New contact'}</h3>
      <div class="contact-fields">
        ${TEXT_FIELDS.map(([name, text, kind]) =>
          field(
            text,
            html`<input
              type=${kind}
              name=${name}
              ?required=${name === 'name'}
              data-testid="contact-${name}"
              .value=${live(fields[name])}
              ${ref(name === 'name' ? nameField : undefined)}
            />`,
          ),
        )}
        ${field(
          'Stage',
          html`<select name="stage" data-testid="contact-stage">
            ${Object.entries(STAGE_TEXT).map(
              ([stage, label]) => html`<option value=${stage} .selected=${live(fields.stage === stage)}>${label}</option>`,
            )}
          </select>`,
        )}
      </div>
      ${field('Notes', html`<textarea name="notes" rows="3" data-testid="contact-notes" .value=${live(fields.notes)}></textarea>`)}
      <div class="conflict" role="alert" data-testid="contact-conflict" ?hidden=${conflicting === undefined}>
        <p>${conflicting === undefined ? '' : kept && conflicting ? keptEditText(conflicting) : conflictText(conflicting)}</p>
        <button type="button" class="quiet" data-testid="conflict-reload" @click=${reloadTheirs}>Reload theirs</button>
        <button type="button" data-testid="conflict-overwrite" @click=${overwriteWithMine}>Overwrite with mine</button>
      </div>
      <p class="modal-error" role="alert" data-testid="contact-error" ?hidden=${error === ''}>${error}</p>
      <div class="actions">
        <button type="submit" data-testid="contact-save" ?disabled=${busy}>Save</button>
        <button type="button" class="quiet danger" data-testid="contact-delete" ?hidden=${base === null} @click=${remove}>Delete</button>
        <button type="button" class="quiet" data-testid="contact-close" @click=${close}>Close</button>
        <span class="draft-kept" data-testid="contact-draft-kept" ?hidden=${!draftKept || !unsaved()} title="What you typed is kept on this computer until you save or discard it, even if the app closes unexpectedly">Draft kept</span>
      </div>
    </form>`;
  }

  return {
    view,
    open,
    /** The id of the contact being edited, if any. */
    openId: () => (isOpen ? (base?.id ?? null) : null),
    unsaved,
    /** The name of what is being edited, for a question about it. */
    subject,
    restore,
    /**
     * Saves what the form holds unsaved; answers whether nothing unsaved is
     * left (a form already saved, or closed, is not saved again).
     */
    saveNow: async () => {
      // A save the user started is waited for, not counted as a failure.
      if (busy) await inFlight;
      return unsaved() ? save(base?.version) : true;
    },
    /** Drops what the form holds and closes it. */
    discard: close,
    /**
     * A change from any window: refreshes an untouched editor showing it.
     * @param {ContactsChange} change
     */
    observe(change) {
      if (!isOpen || base === null || change.agencyId !== agencyId) return;
      if (busy || isDirty(fields, base)) return;
      const what = change.change;
      if (what.op === 'saved' && what.contact.id === base.id && what.contact.version > base.version) {
        open(what.contact, agencyId);
      } else if (what.op === 'deleted' && what.id === base.id) {
        const who = change.by === null ? 'Someone on another computer' : windowName(change.by);
        actions.notify(`${who} deleted ${base.name}.`);
        close();
      }
    },
  };
}
