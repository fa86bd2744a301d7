// @ts-check
/**
 * The agency picker: the user's agencies to choose from, and a field to
 * create one. It is the mandatory `agency-selection` modal in the window
 * that presents it, and the "switch agency" dialog anywhere once an agency
 * is chosen.
 *
 * Invariants:
 * - Choosing sends the selection version this window last saw, so a choice
 *   made on a stale view is refused (`conflict`) rather than undoing a
 *   newer one; the picker then says so and lists again.
 * - The mandatory picker never closes itself: it goes when the plan says
 *   no agency is required (modal.js). The switcher closes on Escape, on
 *   Cancel, and once its choice is made.
 * - One call at a time: while one is out, choices and the form do nothing.
 *
 * `agencyNameProblem` is pure and runs under Node's tests; the rest touches
 * the DOM only when called.
 */

import { make } from './dom.js';
import { describeError, errorCode } from './errors.js';

/** @typedef {import('../bindings/Agency').Agency} Agency */

/** The longest agency name, as the store allows. */
export const NAME_MAX_CHARS = 120;

/**
 * Why `name` cannot name an agency, or null if it can.
 * @param {string} name
 */
export function agencyNameProblem(name) {
  const trimmed = name.trim();
  if (trimmed === '') return 'Type a name for the new agency.';
  const chars = [...trimmed].length;
  if (chars > NAME_MAX_CHARS) {
    return `An agency name is at most ${NAME_MAX_CHARS} characters (this one has ${chars}).`;
  }
  return null;
}

/**
 * What the picker needs from the coordinator.
 * @typedef {object} AgencyActions
 * @property {() => Promise<Agency[]>} list
 * @property {(name: string) => Promise<Agency>} create
 * @property {(id: string, expectedVersion: number) => Promise<unknown>} select
 * @property {() => number} version the selection version this window has seen
 * @property {() => string | null} selectedId the agency selected now, if any
 */

/**
 * Builds the picker over a dimmed backdrop, not yet in the page.
 * @param {AgencyActions} actions
 * @param {object} options
 * @param {boolean} options.mandatory the modal (no way out) or the switcher
 * @param {() => void} [options.onClose] removes the switcher
 * @returns {{ element: HTMLElement, focus: () => void }}
 */
export function createAgencyPicker(actions, { mandatory, onClose }) {
  const list = make('ul', { class: 'agency-options', 'data-testid': 'agency-options' });
  const status = make('p', { class: 'empty', 'data-testid': 'agency-options-status' }, 'Loading agencies…');
  const name = make('input', {
    type: 'text',
    name: 'agency-name',
    autocomplete: 'off',
    maxlength: String(NAME_MAX_CHARS * 2),
    placeholder: 'e.g. Sunrise Realty',
    'data-testid': 'agency-name-input',
    // modal.js keeps what is typed here for the next presenter.
    'data-draft': '',
  });
  const error = make('p', { class: 'modal-error', role: 'alert', 'data-testid': 'agency-error' });
  error.hidden = true;
  const createButton = make('button', { type: 'submit', 'data-testid': 'agency-create' }, 'Create and select');
  const form = make(
    'form',
    { class: 'modal-form', novalidate: '' },
    make('label', { class: 'field' }, make('span', {}, 'New agency'), name),
    error,
    createButton,
  );
  const title = mandatory ? 'Choose an agency' : 'Switch agency';
  const dialog = make(
    'div',
    {
      class: 'modal agency-modal',
      role: 'dialog',
      'aria-modal': 'true',
      'aria-labelledby': 'agency-title',
      'data-testid': mandatory ? 'agency-modal' : 'agency-switcher',
    },
    make('span', { class: 'logo', 'aria-hidden': 'true' }, 'A'),
    make('h2', { id: 'agency-title' }, title),
    make(
      'p',
      { class: 'modal-intro' },
      'Every Axolop window works in the agency chosen here, and switches with it.',
    ),
    status,
    list,
    form,
  );
  if (!mandatory) {
    const cancel = make('button', { type: 'button', class: 'quiet', 'data-testid': 'agency-cancel' }, 'Cancel');
    cancel.addEventListener('click', () => onClose?.());
    dialog.append(cancel);
  }
  const backdrop = make('div', { class: 'modal-backdrop' }, dialog);

  let busy = false;

  /** @param {string} text */
  function setError(text) {
    if (error.textContent !== text) error.textContent = text;
    error.hidden = text === '';
  }

  /**
   * Runs one call at a time, showing its failure.
   * @param {() => Promise<void>} call
   */
  async function run(call) {
    if (busy) return;
    busy = true;
    dialog.setAttribute('aria-busy', 'true');
    createButton.disabled = true;
    setError('');
    try {
      await call();
      if (!mandatory) onClose?.();
    } catch (failure) {
      setError(
        errorCode(failure) === 'conflict'
          ? 'Another window changed the agency meanwhile. Here is the list again; choose once more.'
          : describeError(failure),
      );
      void refresh();
    } finally {
      busy = false;
      dialog.removeAttribute('aria-busy');
      createButton.disabled = false;
    }
  }

  /** @param {Agency} agency */
  function choose(agency) {
    void run(async () => {
      await actions.select(agency.id, actions.version());
    });
  }

  async function refresh() {
    let agencies;
    try {
      agencies = await actions.list();
    } catch (failure) {
      status.textContent = `The agencies could not be listed: ${describeError(failure)}`;
      status.hidden = false;
      return;
    }
    const selected = actions.selectedId();
    list.replaceChildren(
      ...agencies.map((agency) => {
        const button = make(
          'button',
          { type: 'button', class: 'agency-option', 'data-testid': 'agency-option', 'data-agency-id': agency.id },
          agency.name,
        );
        if (agency.id === selected) {
          button.setAttribute('aria-current', 'true');
          button.append(make('span', { class: 'badge' }, 'current'));
        }
        button.addEventListener('click', () => choose(agency));
        return make('li', {}, button);
      }),
    );
    status.textContent = agencies.length === 0 ? 'No agencies yet: create the first one below.' : '';
    status.hidden = agencies.length !== 0;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const problem = agencyNameProblem(name.value);
    if (problem) {
      setError(problem);
      name.focus();
      return;
    }
    void run(async () => {
      const agency = await actions.create(name.value.trim());
      name.value = '';
      await actions.select(agency.id, actions.version());
    });
  });
  if (!mandatory) {
    backdrop.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        onClose?.();
      }
    });
  }
  void refresh();

  return { element: backdrop, focus: () => name.focus() };
}
