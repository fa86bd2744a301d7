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
 *   no agency is required (modal-view.js). The switcher closes on Escape,
 *   on Cancel, and once its choice is made.
 * - One call at a time: while one is out, choices and the form do nothing.
 */

import { NAME_MAX_CHARS, agencyNameProblem } from './agency-name.js';
import { describeError, errorCode } from './errors.js';
import { createRef, html, live, nothing, ref, repeat } from './template.js';

/** @typedef {import('../bindings/Agency').Agency} Agency */
/** @typedef {import('./modal-view.js').Dialog} Dialog */

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
 * Makes the picker over a dimmed backdrop, and starts listing the agencies.
 * @param {AgencyActions} actions
 * @param {object} options
 * @param {boolean} options.mandatory the modal (no way out) or the switcher
 * @param {import('./page.js').Page} options.page
 * @param {() => void} [options.onClose] closes the switcher
 * @param {(text: string) => void} [options.onDraft] called with the new
 *   agency's name as it is typed
 * @returns {Dialog}
 */
export function createAgencyPicker(actions, { mandatory, page, onClose, onDraft }) {
  /** @type {import('./template.js').Ref<HTMLInputElement>} */
  const nameField = createRef();
  /** The agencies to choose from; null until listed. @type {Agency[] | null} */
  let agencies = null;
  /** Why the agencies could not be listed, if they could not. */
  let listProblem = '';
  let name = '';
  let error = '';
  let busy = false;

  /**
   * Runs one call at a time, showing its failure.
   * @param {() => Promise<void>} call
   */
  async function run(call) {
    if (busy) return;
    busy = true;
    error = '';
    page.render();
    try {
      await call();
      if (!mandatory) onClose?.();
    } catch (failure) {
      error =
        errorCode(failure) === 'conflict'
          ? 'Another window changed the agency meanwhile. Here is the list again; choose once more.'
          : describeError(failure);
      void refresh();
    } finally {
      busy = false;
      page.render();
    }
  }

  async function refresh() {
    try {
      agencies = await actions.list();
      listProblem = '';
    } catch (failure) {
      listProblem = `The agencies could not be listed: ${describeError(failure)}`;
    }
    page.render();
  }

  /** @param {Agency} agency */
  function choose(agency) {
    void run(async () => {
      await actions.select(agency.id, actions.version());
    });
  }

  /** @param {SubmitEvent} event */
  function create(event) {
    event.preventDefault();
    const problem = agencyNameProblem(name);
    if (problem) {
      error = problem;
      page.render();
      nameField.value?.focus();
      return;
    }
    void run(async () => {
      const agency = await actions.create(name.trim());
      name = '';
      await actions.select(agency.id, actions.version());
    });
  }

  /** @param {InputEvent} event */
  function typeName(event) {
    name = /** @type {HTMLInputElement} */ (event.target).value;
    onDraft?.(name);
  }

  /** @param {KeyboardEvent} event */
  function escape(event) {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose?.();
    }
  }

  /** What the line above the list says: loading, a failure, or no agencies yet. */
  function status() {
    if (listProblem) return listProblem;
    if (agencies === null) return 'Loading agencies…';
    return agencies.length === 0 ? 'No agencies yet: create the first one below.' : '';
  }

  function view() {
    const selected = actions.selectedId();
    const line = status();
    return html`<div class="modal-backdrop" @keydown=${mandatory ? nothing : escape}>
      <div
        class="modal agency-modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="agency-title"
        aria-busy=${busy ? 'true' : nothing}
        data-testid=${mandatory ? 'agency-modal' : 'agency-switcher'}
      >
        <span class="logo" aria-hidden="true">A</span>
        <h2 id="agency-title">${mandatory ? 'Choose an agency' : 'Switch agency'}</h2>
        <p class="modal-intro">Every Axolop window works in the agency chosen here, and switches with it.</p>
        <p class="empty" data-testid="agency-options-status" ?hidden=${line === ''}>${line}</p>
        <ul class="agency-options" data-testid="agency-options">${repeat(
          agencies ?? [],
          (agency) => agency.id,
          (agency) => html`<li><button
            type="button"
            class="agency-option"
            data-testid="agency-option"
            data-agency-id=${agency.id}
            aria-current=${agency.id === selected ? 'true' : nothing}
            @click=${() => choose(agency)}
          >${agency.name}${agency.id === selected ? html`<span class="badge">current</span>` : nothing}</button></li>`,
        )}</ul>
        <form class="modal-form" novalidate @submit=${create}>
          <label class="field"><span>New agency</span><input
            type="text"
            name="agency-name"
            autocomplete="off"
            maxlength=${NAME_MAX_CHARS * 2}
            placeholder="e.g. Sunrise Realty"
            data-testid="agency-name-input"
            .value=${live(name)}
            @input=${typeName}
            ${ref(nameField)}
          /></label>
          <p class="modal-error" role="alert" data-testid="agency-error" ?hidden=${error === ''}>${error}</p>
          <button type="submit" data-testid="agency-create" ?disabled=${busy}>Create and select</button>
        </form>
        ${mandatory ? nothing : html`<button type="button" class="quiet" data-testid="agency-cancel" @click=${() => onClose?.()}>Cancel</button>`}
      </div>
    </div>`;
  }

  void refresh();

  return {
    view,
    focus: () => nameField.value?.focus(),
    restoreDraft(text) {
      if (name !== '') return false;
      name = text;
      page.render();
      return true;
    },
  };
}
