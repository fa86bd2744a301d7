// @ts-check
/**
 * The contact editor's form as data: the fields it shows for a contact,
 * whether the user changed them, and what its conflict bar says.
 *
 * Nothing here touches the DOM or Tauri, so it runs under Node's tests;
 * contact-editor.js renders it.
 */

import { windowName } from './window-label.js';

/** @typedef {import('../bindings/Contact').Contact} Contact */
/** @typedef {import('../bindings/Stage').Stage} Stage */

/**
 * The fields of a contact the editor shows and saves.
 * @typedef {Pick<Contact, 'name' | 'email' | 'phone' | 'company' | 'stage' | 'notes'>} EditorFields
 */

/** The editable fields, in form order. */
const FIELDS = /** @type {const} */ (['name', 'email', 'phone', 'company', 'stage', 'notes']);

/**
 * Each pipeline stage in words, in pipeline order.
 * @type {Record<Stage, string>}
 */
export const STAGE_TEXT = {
  lead: 'Lead',
  contacted: 'Contacted',
  qualified: 'Qualified',
  proposal: 'Proposal',
  won: 'Won',
  lost: 'Lost',
};

/**
 * The editor's fields for `contact` (empty ones for a new contact), or
 * for a kept draft's fields.
 * @param {EditorFields | null} contact
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
 * Whether `fields` differ from what the editor showed for `base`.
 * @param {EditorFields} fields
 * @param {Contact | null} base
 */
export function isDirty(fields, base) {
  const shown = editorFields(base);
  return FIELDS.some((field) => fields[field] !== shown[field]);
}

/**
 * What the conflict bar says when an edit made on this computer, offline
 * or at the same time as someone else's, lost to `current`, the newer
 * version the server had.
 * @param {Contact} current
 */
export function keptEditText(current) {
  return `A newer version of this contact (version ${current.version}) came from another computer after you edited it here. Your edit is in the form.`;
}

/**
 * What the conflict bar says about `current`, the contact as stored now
 * (null: deleted meanwhile).
 * @param {Contact | null} current
 */
export function conflictText(current) {
  if (current === null) {
    return 'This contact was deleted (in another window, or on another computer) while you edited it. Your changes are still here.';
  }
  // A window of this app signs its saves with its label; a change pulled
  // from the server carries the user who made it elsewhere.
  const who = current.updatedBy.startsWith('crm-') ? windowName(current.updatedBy) : 'Someone on another computer';
  return `${who} saved a newer version of this contact (version ${current.version}) while you edited it. Your changes are still here.`;
}
