// @ts-check
/**
 * The quit and update questions in words: what the quit dialog lists, and
 * what the update dialog and badge say.
 *
 * Nothing here touches the DOM or Tauri, so it runs under Node's tests.
 */

import { windowName } from './window-label.js';

/** @typedef {import('../bindings/QuitStatus').QuitStatus} QuitStatus */
/** @typedef {import('../bindings/UnsavedEditor').UnsavedEditor} UnsavedEditor */
/** @typedef {import('../bindings/UpdateStatus').UpdateStatus} UpdateStatus */

/**
 * One line of the quit dialog's list: "Window 2: Jane Doe".
 * @param {UnsavedEditor} editor
 */
export function editorLine(editor) {
  return `${windowName(editor.window)}: ${editor.subject}`;
}

/**
 * The quit dialog's introduction.
 * @param {QuitStatus} quit
 */
export function quitIntro(quit) {
  const count = quit.editors.length;
  if (quit.stage === 'saving') {
    return count === 1 ? 'Saving 1 contact, then Axolop CRM quits…' : `Saving ${count} contacts, then Axolop CRM quits…`;
  }
  if (count === 0) return 'Nothing is left unsaved (the windows that had changes closed or reloaded; their text is kept as drafts).';
  return count === 1
    ? '1 window has a contact with changes that are not saved:'
    : `${count} windows have contacts with changes that are not saved:`;
}

/**
 * Whether this window must save its editor for a quit: the user chose
 * "Save all and quit" and this window's editor is listed.
 * @param {QuitStatus} quit
 * @param {string} self this window's label
 */
export function mustSaveForQuit(quit, self) {
  return quit.stage === 'saving' && quit.editors.some((editor) => editor.window === self);
}

/**
 * A byte count in words ("3.4 MB").
 * @param {number} bytes
 */
export function byteText(bytes) {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(0)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/**
 * How far a download got, as a fraction (null while the size is unknown).
 * @param {UpdateStatus} update
 */
export function downloadFraction(update) {
  if (update.stage !== 'downloading' || !update.total) return null;
  return Math.min(1, update.received / update.total);
}

/**
 * What the update dialog says under its title.
 * @param {UpdateStatus} update
 */
export function updateText(update) {
  switch (update.stage) {
    case 'none':
      return '';
    case 'available':
      return `Axolop CRM ${update.offer.version} is available (you have ${update.offer.current}). Installing it restarts the app; your windows come back.`;
    case 'downloading': {
      const got = byteText(update.received);
      return update.total ? `Downloading: ${got} of ${byteText(update.total)}` : `Downloading: ${got}`;
    }
    case 'installing':
      return 'Installing; Axolop CRM restarts in a moment.';
    case 'failed':
      return `The update could not be installed: ${update.message}. Axolop CRM keeps running version ${update.offer.current}.`;
  }
}

/**
 * The badge a window shows while an update is known, or null.
 * @param {UpdateStatus} update
 */
export function updateBadge(update) {
  switch (update.stage) {
    case 'available':
    case 'failed':
      return `Update ${update.offer.version} ready`;
    case 'downloading':
    case 'installing':
      return `Updating to ${update.offer.version}…`;
    default:
      return null;
  }
}
