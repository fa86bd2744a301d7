// @ts-check
/**
 * The diagnostics window's page: reads the coordination when the page
 * loads and again at every coordinator event (never on a timer), hears
 * each window's heartbeat as it arrives, and redraws. Ages and countdowns
 * tick on the page's own clock between reads.
 */

import { checksView } from './checks-view.js';
import { eventRate } from './diagnostics-format.js';
import { diagnosticsView } from './diagnostics-view.js';
import { describeError } from './errors.js';
import { commands, onCoordinatorEvent } from './ipc.js';
import { html, render } from './template.js';

/** @typedef {import('../bindings/DiagnosticsView').DiagnosticsView} DiagnosticsView */
/** @typedef {import('./checks-view.js').ChecksState} ChecksState */
/** @typedef {import('../bindings/CheckResult').CheckResult} CheckResult */

/** The event each CRM window's heartbeat sends this window. */
const HEARTBEAT_EVENT = 'diagnostics-heartbeat';
/** The event each self-test result sends this window as it comes. */
const PROGRESS_EVENT = 'checks-progress';
/** How often ages and countdowns are redrawn. */
const TICK_MS = 250;

/** @type {DiagnosticsView | null} */
let view = null;
let readAt = 0;
/** @type {string | null} */
let problem = null;
/** @type {number[]} when coordinator events arrived */
const arrivals = [];
/** @type {Map<string, { at: number, appliedSeq?: number }>} */
const heartbeats = new Map();

let reading = false;
let readAgain = false;

/** What the diagnostic report's button said last. */
const report = { saving: false, message: /** @type {string | null} */ (null) };

async function saveReport() {
  report.saving = true;
  draw();
  try {
    report.message = `Report saved to ${await commands.reportSave()}`;
  } catch (error) {
    report.message = `The report could not be saved: ${describeError(error)}`;
  } finally {
    report.saving = false;
    draw();
  }
}

/** @type {ChecksState} */
const checks = { running: false, results: [], last: null, message: null };

const checkActions = {
  async run() {
    Object.assign(checks, { running: true, results: [], message: null });
    draw();
    try {
      checks.last = await commands.checksRun();
      checks.results = checks.last.report.checks;
    } catch (error) {
      checks.message = `The checks could not run: ${describeError(error)}`;
    } finally {
      checks.running = false;
      draw();
    }
  },
  /** @param {'json' | 'markdown'} format */
  async copy(format) {
    if (!checks.last) return;
    const text = format === 'json' ? JSON.stringify(checks.last.report, null, 2) : checks.last.markdown;
    const copied = await copyText(text);
    checks.message = copied
      ? `Copied as ${format === 'json' ? 'JSON' : 'Markdown'}.`
      : 'Copying is not available here: save the report instead.';
    draw();
  },
  /** @param {'json' | 'markdown'} format */
  async save(format) {
    try {
      checks.message = `Saved to ${await commands.checksSave(format)}`;
    } catch (error) {
      checks.message = `The report could not be saved: ${describeError(error)}`;
    }
    draw();
  },
};

/**
 * Puts `text` on the clipboard; false when the webview allows no copying.
 * @param {string} text
 */
async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Older WebKitGTK: copy through a selection.
    const area = document.createElement('textarea');
    area.value = text;
    document.body.append(area);
    area.select();
    const copied = document.execCommand('copy');
    area.remove();
    return copied;
  }
}

/**
 * When each event arrived and when a view reflecting it was first drawn
 * (page clock, ms), by sequence number: the end-to-end tests read how long
 * the view took to follow an event.
 */
const timeline = { arrived: /** @type {Record<number, number>} */ ({}), drawn: /** @type {Record<number, number>} */ ({}) };
/** @type {any} */ (window).__diagnostics = timeline;

/**
 * Reads the coordination; a read asked for while one is out follows it,
 * so the last event is always reflected and reads never pile up.
 */
async function read() {
  if (reading) {
    readAgain = true;
    return;
  }
  reading = true;
  try {
    do {
      readAgain = false;
      view = await commands.diagnosticsSnapshot();
      readAt = performance.now();
      problem = null;
      for (const window of view.coordination.windows) {
        heartbeats.set(window.label, { at: readAt - window.silentMs, appliedSeq: window.appliedSeq });
      }
    } while (readAgain);
  } catch (error) {
    problem = `The coordination could not be read: ${describeError(error)}`;
  } finally {
    reading = false;
  }
  draw();
}

function draw() {
  const now = performance.now();
  render(
    diagnosticsView({
      view,
      elapsedMs: now - readAt,
      rate: eventRate(arrivals, now),
      problem,
      checks: checksView(checks, checkActions),
      report: html`<div class="diag-report">
        <button type="button" class="quiet small" data-testid="report-save" ?disabled=${report.saving} @click=${saveReport}>
          ${report.saving ? 'Saving…' : 'Save a diagnostic report'}
        </button>
        <span class="diag-note" role="status" data-testid="report-status">${report.message ?? ''}</span>
      </div>`,
      heartbeat: (label) => {
        const beat = heartbeats.get(label);
        return beat && { agoMs: now - beat.at, appliedSeq: beat.appliedSeq };
      },
    }),
    document.body,
  );
  const seq = view?.coordination.seq;
  document.documentElement.dataset.seq = String(seq ?? '');
  if (seq !== undefined && timeline.drawn[seq] === undefined) timeline.drawn[seq] = now;
}

await onCoordinatorEvent((envelope) => {
  const now = performance.now();
  arrivals.push(now);
  timeline.arrived[envelope.seq] = now;
  void read();
});
await window.__TAURI__.webviewWindow.getCurrentWebviewWindow().listen(HEARTBEAT_EVENT, (event) => {
  const beat = /** @type {{ label: string, appliedSeq?: number }} */ (event.payload);
  heartbeats.set(beat.label, { at: performance.now(), appliedSeq: beat.appliedSeq });
});
await window.__TAURI__.webviewWindow.getCurrentWebviewWindow().listen(PROGRESS_EVENT, (event) => {
  if (!checks.running) return;
  checks.results = [...checks.results, /** @type {CheckResult} */ (event.payload)];
  draw();
});
await read();
setInterval(draw, TICK_MS);

// Escape or Ctrl/Cmd+W closes this window (it has no menu of its own).
document.addEventListener('keydown', (event) => {
  const command = event.ctrlKey || event.metaKey;
  if (event.key === 'Escape' || (command && event.key.toLowerCase() === 'w')) {
    event.preventDefault();
    void window.__TAURI__.webviewWindow.getCurrentWebviewWindow().close();
  }
});
