// @ts-check
/**
 * The diagnostics window's view: the coordination as it happens. Every
 * part is a table or a list with a heading, so a screen reader can move
 * by heading and read rows by their column names; every part has a
 * `data-testid` for the end-to-end tests.
 */

import { countdown, duration, lag } from './diagnostics-format.js';
import { html, nothing, repeat } from './template.js';

/** @typedef {import('../bindings/DiagnosticsView').DiagnosticsView} DiagnosticsView */
/** @typedef {import('../bindings/Diagnostics').Diagnostics} Diagnostics */
/** @typedef {import('../bindings/LockDiagnostics').LockDiagnostics} LockDiagnostics */
/** @typedef {import('../bindings/SessionDiagnostics').SessionDiagnostics} SessionDiagnostics */
/** @typedef {import('./template.js').View} View */

/**
 * A window's latest heartbeat: how long ago, and the event it had applied.
 * @typedef {object} Heartbeat
 * @property {number} agoMs
 * @property {number} [appliedSeq]
 */

/**
 * What the page knows when it renders.
 * @typedef {object} DiagnosticsState
 * @property {DiagnosticsView | null} view the last view read
 * @property {number} elapsedMs since that view was read
 * @property {(label: string) => Heartbeat | undefined} heartbeat a window's
 *   latest heartbeat, as heard since the view was read
 * @property {number} rate coordinator events per second, lately
 * @property {string | null} problem why the view could not be read, if so
 * @property {View} [checks] the checks section
 * @property {View} [report] the diagnostic report's button and what it said
 */

/**
 * The whole page.
 * @param {DiagnosticsState} state
 * @returns {View}
 */
export function diagnosticsView(state) {
  const { view, problem } = state;
  return html`<header class="topbar">
      <div class="brand">
        <span class="logo" aria-hidden="true">A</span>
        <h1 class="diag-title">Diagnostics</h1>
      </div>
      <p class="diag-summary" aria-live="polite" data-testid="diag-summary">
        ${view ? summary(view.coordination, state.rate) : 'Reading the coordination…'}
      </p>
      ${state.report ?? nothing}
    </header>
    <main class="diag-content">
      ${problem ? html`<p class="diag-problem" role="alert" data-testid="diag-problem">${problem}</p>` : nothing}
      ${state.checks ?? nothing}
      ${view ? sections(view, state) : nothing}
    </main>`;
}

/**
 * @param {Diagnostics} coordination
 * @param {number} rate
 */
function summary(coordination, rate) {
  const primary = coordination.primary;
  return html`Primary:
    <strong data-testid="diag-primary">${primary ? primary.label : 'none'}</strong>
    · epoch <strong data-testid="diag-epoch">${primary ? primary.epoch : '–'}</strong>
    · ${coordination.windows.length} ${coordination.windows.length === 1 ? 'window' : 'windows'}
    · event <span data-testid="diag-seq">${coordination.seq}</span>
    · <span data-testid="diag-rate">${rate.toFixed(1)}</span> events/s`;
}

/**
 * @param {DiagnosticsView} view
 * @param {DiagnosticsState} state
 */
function sections(view, state) {
  const { coordination } = view;
  return html`${windowsSection(coordination, state.heartbeat)} ${electionsSection(coordination)}
    ${locksSection(coordination.locks, state.elapsedMs)} ${sessionSection(coordination.session, state.elapsedMs)}
    ${sharedSection(coordination)} ${refusalsSection(view)} ${appSection(view)}`;
}

/**
 * @param {Diagnostics} coordination
 * @param {(label: string) => Heartbeat | undefined} heartbeat
 */
function windowsSection(coordination, heartbeat) {
  return html`<section class="panel" aria-labelledby="diag-windows-title">
    <h2 id="diag-windows-title">Windows</h2>
    <table class="diag-table" data-testid="diag-windows">
      <thead>
        <tr>
          <th scope="col">Window</th>
          <th scope="col">Role</th>
          <th scope="col">State</th>
          <th scope="col">Last heartbeat</th>
          <th scope="col">Events</th>
        </tr>
      </thead>
      <tbody>
        ${repeat(
          coordination.windows,
          (window) => window.label,
          (window) => {
            const beat = heartbeat(window.label);
            return html`<tr data-testid="diag-window" data-label=${window.label} data-role=${window.role} data-state=${window.state}>
              <th scope="row">${window.label}</th>
              <td>${window.role}</td>
              <td class=${`diag-state diag-state-${window.state}`}>${window.state}</td>
              <td>${beat ? `${duration(beat.agoMs)} ago` : '–'}</td>
              <td>${lag(coordination.seq, beat?.appliedSeq ?? window.appliedSeq)}</td>
            </tr>`;
          },
        )}
      </tbody>
    </table>
    <p class="diag-note">A ready window silent for ${duration(coordination.heartbeatTimeoutMs)} is unresponsive: it loses primacy and its locks until it beats again.</p>
  </section>`;
}

/** @param {Diagnostics} coordination */
function electionsSection(coordination) {
  return html`<section class="panel" aria-labelledby="diag-elections-title">
    <h2 id="diag-elections-title">Elections</h2>
    ${coordination.elections.length === 0
      ? html`<p class="diag-empty">No election yet.</p>`
      : html`<ol class="diag-list" data-testid="diag-elections">
          ${coordination.elections.map(
            (election) => html`<li data-testid="diag-election" data-epoch=${election.epoch} data-cause=${election.cause}>
              <strong>Epoch ${election.epoch}</strong>: ${election.from ?? 'none'} → ${election.to ?? 'none'}
              <span class="diag-muted">(${election.cause}; hand-over ${duration(election.handoverMs)};
              ${duration(election.agoMs)} ago)</span>
            </li>`,
          )}
        </ol>`}
  </section>`;
}

/**
 * @param {LockDiagnostics[]} locks
 * @param {number} elapsedMs
 */
function locksSection(locks, elapsedMs) {
  return html`<section class="panel" aria-labelledby="diag-locks-title">
    <h2 id="diag-locks-title">Locks</h2>
    ${locks.length === 0
      ? html`<p class="diag-empty" data-testid="diag-locks-empty">No lock is held or awaited.</p>`
      : html`<table class="diag-table" data-testid="diag-locks">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Mode</th>
              <th scope="col">Held by (lease left)</th>
              <th scope="col">Waiting, in order</th>
              <th scope="col">Fence</th>
            </tr>
          </thead>
          <tbody>
            ${repeat(
              locks,
              (lock) => lock.name,
              (lock) => html`<tr data-testid="diag-lock" data-name=${lock.name}>
                <th scope="row">${lock.name}</th>
                <td>${lock.mode}</td>
                <td data-testid="diag-lock-holders">
                  ${lock.holders.length === 0
                    ? 'nobody'
                    : lock.holders
                        .map((holder) => `${holder.window} (${duration(countdown(holder.leaseLeftMs, elapsedMs) ?? 0)})`)
                        .join(', ')}
                </td>
                <td data-testid="diag-lock-waiting">
                  ${lock.waiting.length === 0
                    ? 'nobody'
                    : lock.waiting.map((waiter) => `${waiter.window} (${waiter.mode})`).join(' → ')}
                </td>
                <td>${lock.fence}</td>
              </tr>`,
            )}
          </tbody>
        </table>`}
  </section>`;
}

/**
 * @param {SessionDiagnostics} session
 * @param {number} elapsedMs
 */
function sessionSection(session, elapsedMs) {
  const accessLeft = countdown(session.accessLeftMs, elapsedMs);
  const nextRefresh = countdown(session.nextRefreshInMs, elapsedMs);
  /** @type {[string, string][]} */
  const rows = [
    ['Status', session.status],
    ['Signed in as', session.user?.email ?? session.user?.id ?? '–'],
    ['Access token runs out in', accessLeft === undefined ? '–' : duration(accessLeft)],
    ['Next refresh', session.refreshing ? 'in flight now' : nextRefresh === undefined ? '–' : `in ${duration(nextRefresh)}`],
    ['Refreshes done', String(session.refreshes)],
    ['Refreshes failed', String(session.failures)],
    [
      'Backoff',
      session.backoffFailures === 0 ? 'none' : `${session.backoffFailures} in a row (${session.backoffReason ?? 'no reason given'})`,
    ],
  ];
  return html`<section class="panel" aria-labelledby="diag-session-title">
    <h2 id="diag-session-title">Session</h2>
    ${facts(rows, 'diag-session', { status: session.status })}
  </section>`;
}

/** @param {Diagnostics} coordination */
function sharedSection(coordination) {
  const { agency, modal, sync } = coordination;
  /** @type {[string, string][]} */
  const rows = [
    ['Agency', agency.selected ? agency.selected.name : 'none selected'],
    ['Selection version', String(agency.version)],
    ['Chosen in', agency.changedBy ?? '–'],
    ['Mandatory prompt', modal.required ?? 'none'],
    ['Presented by', modal.presenter ?? '–'],
    ['Sync', sync.waiting > 0 ? `${sync.state}, ${sync.waiting} waiting` : sync.state],
  ];
  return html`<section class="panel" aria-labelledby="diag-shared-title">
    <h2 id="diag-shared-title">Agency, prompt and sync</h2>
    ${facts(rows, 'diag-shared', { modal: modal.required ?? 'none', presenter: modal.presenter ?? '' })}
  </section>`;
}

/** @param {DiagnosticsView} view */
function refusalsSection(view) {
  return html`<section class="panel" aria-labelledby="diag-refusals-title">
    <h2 id="diag-refusals-title">Recent refusals</h2>
    ${view.refusals.length === 0
      ? html`<p class="diag-empty">No call was refused lately.</p>`
      : html`<ol class="diag-list" data-testid="diag-refusals">
          ${view.refusals.slice(0, 12).map(
            (refusal) => html`<li data-testid="diag-refusal" data-code=${refusal.code} data-command=${refusal.command}>
              <code>${refusal.code}</code> for <code>${refusal.command}</code> from ${refusal.window}
              <span class="diag-muted">(${duration(refusal.agoMs)} ago)</span>
            </li>`,
          )}
        </ol>`}
  </section>`;
}

/** @param {DiagnosticsView} view */
function appSection(view) {
  /** @type {[string, string][]} */
  const rows = [
    ['Axolop CRM', view.app.version],
    ['Tauri', view.app.tauri],
    ['Webview', view.app.webview],
    ['System', view.app.os],
  ];
  return html`<section class="panel" aria-labelledby="diag-app-title">
    <h2 id="diag-app-title">This app</h2>
    ${facts(rows, 'diag-app', {})}
  </section>`;
}

/**
 * A definition list of `[name, value]` rows.
 * @param {[string, string][]} rows
 * @param {string} testid
 * @param {Record<string, string>} data `data-*` attributes for the tests
 */
function facts(rows, testid, data) {
  return html`<dl
    class="diag-facts"
    data-testid=${testid}
    data-status=${data.status ?? nothing}
    data-modal=${data.modal ?? nothing}
    data-presenter=${data.presenter ?? nothing}
  >
    ${rows.map(([name, value]) => html`<dt>${name}</dt><dd>${value}</dd>`)}
  </dl>`;
}
