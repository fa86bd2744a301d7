// @ts-check
/**
 * The diagnostics window's self-test: the "Run all checks" button, each
 * check's result as it arrives, and the report's copy and save buttons.
 */

import { duration } from './diagnostics-format.js';
import { html, nothing } from './template.js';

/** @typedef {import('../bindings/CheckResult').CheckResult} CheckResult */
/** @typedef {import('../bindings/ChecksRun').ChecksRun} ChecksRun */

/**
 * Where the self-test stands.
 * @typedef {object} ChecksState
 * @property {boolean} running
 * @property {CheckResult[]} results so far (or of the last run)
 * @property {ChecksRun | null} last the last finished run
 * @property {string | null} message what the last copy, save or run said
 */

/**
 * What the buttons do.
 * @typedef {object} ChecksActions
 * @property {() => void} run
 * @property {(format: 'json' | 'markdown') => void} copy
 * @property {(format: 'json' | 'markdown') => void} save
 */

/** @type {Record<CheckResult['outcome'], string>} */
const OUTCOME_TEXT = { passed: 'Pass', failed: 'Fail', skipped: 'Skipped' };

/**
 * @param {ChecksState} state
 * @param {ChecksActions} actions
 */
export function checksView(state, actions) {
  const { running, results, last } = state;
  const verdict = last
    ? last.report.passed
      ? `All checks passed in ${duration(last.report.ms)}.`
      : 'Some checks failed: their details say what they saw.'
    : null;
  return html`<section class="panel diag-checks" aria-labelledby="diag-checks-title" data-testid="checks">
    <h2 id="diag-checks-title">Self-test</h2>
    <p class="diag-note">
      Runs every check of the coordination in a separate test app with windows of its own (they open and close
      beside yours); your windows, data and locks are not touched. The same as <code>axolop-desktop --self-test</code>.
    </p>
    <div class="actions">
      <button type="button" data-testid="checks-run" ?disabled=${running} @click=${actions.run}>
        ${running ? 'Running checks…' : 'Run all checks'}
      </button>
      <button type="button" class="quiet" ?disabled=${!last} @click=${() => actions.copy('markdown')}>Copy as Markdown</button>
      <button type="button" class="quiet" ?disabled=${!last} @click=${() => actions.copy('json')}>Copy as JSON</button>
      <button type="button" class="quiet" ?disabled=${!last} data-testid="checks-save" @click=${() => actions.save('markdown')}>Save as Markdown</button>
      <button type="button" class="quiet" ?disabled=${!last} @click=${() => actions.save('json')}>Save as JSON</button>
    </div>
    <p class="diag-note" role="status" data-testid="checks-status">
      ${running ? `${results.length} done…` : (state.message ?? verdict ?? '')}
    </p>
    ${results.length === 0
      ? nothing
      : html`<table class="diag-table" data-testid="checks-results">
          <thead>
            <tr><th scope="col">Check</th><th scope="col">Result</th><th scope="col">Time</th><th scope="col">What it saw</th></tr>
          </thead>
          <tbody>
            ${results.map(
              (result) => html`<tr data-testid="check" data-id=${result.id} data-outcome=${result.outcome}>
                <th scope="row">${result.title}</th>
                <td class=${`check-${result.outcome}`}>${OUTCOME_TEXT[result.outcome]}</td>
                <td class="nowrap">${duration(result.ms)}</td>
                <td data-testid="check-detail">${result.detail}</td>
              </tr>`,
            )}
          </tbody>
        </table>`}
  </section>`;
}
