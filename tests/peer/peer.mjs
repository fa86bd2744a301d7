// The peer benchmark: the browser approach Axolop CRM Desktop replaces, in
// the distribution's headless Chromium (driven by puppeteer-core; nothing
// downloads a browser), measured the way the app's own benches measure it:
//
// (a) leader failover with 3 and 8 tabs: from the leader tab's close
//     (clean) or its renderer crashing (`Page.crash`) to the next tab's
//     LeaderElection (the `broadcast-channel` package on Web Locks)
//     resolving `awaitLeadership`;
// (b) fan-out: one BroadcastChannel message from a sending tab to every one
//     of 3 and 8 other tabs, one way (the last tab's receipt);
// (c) memory: PSS of all of Chromium's processes with 1 tab and with 8,
//     and what each tab past the first adds.
//
// Stamps are `performance.timeOrigin + performance.now()` in Node and in
// the pages: one wall clock, high resolution (Chromium coarsens page
// clocks to 0.1 ms). Lines print in the app benches' format, so
// scripts/bench-table.mjs reads both.
//
//   node tests/peer/peer.mjs            (CHROMIUM=/path/to/chromium to pick one)

import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const FAILOVERS = 20;
const MESSAGES = 60;
const MESSAGE_GAP_MS = 30;
const TABS = [3, 8];

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const files = {
  '/peer.html': ['text/html', readFileSync(join(here, 'peer.html'))],
  '/peer.js': ['text/javascript', readFileSync(join(here, 'peer.js'))],
  '/broadcast-channel.js': [
    'text/javascript',
    readFileSync(join(dirname(require.resolve('broadcast-channel/package.json')), 'dist/lib/browser.min.js')),
  ],
};

/** Node's stamp on the pages' clock. */
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` answers something other than null/undefined/false. */
async function until(what, check, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`peer: timed out waiting for ${what}`);
    await sleep(2);
  }
}

/** Prints samples as the app's benches do (`axolop_e2e::report_ms`). */
function report(what, samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.round((sorted.length - 1) * q)];
  const f = (ms) => ms.toFixed(2);
  console.log(
    `${what}: median ${f(at(0.5))} ms, p95 ${f(at(0.95))} ms, min ${f(sorted[0])} ms, max ${f(sorted[sorted.length - 1])} ms (${sorted.length} samples)`,
  );
}

/** The PSS (KiB) of process `root` and every process below it. */
function pssOfTree(root) {
  const parents = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // It ended meanwhile.
    }
  }
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, parent] of parents) {
      if (tree.has(parent) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let kib = 0;
  for (const pid of tree) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      kib += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // It ended meanwhile.
    }
  }
  return kib;
}

const server = createServer((request, response) => {
  const file = files[new URL(request.url ?? '/', 'http://localhost').pathname];
  if (!file) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' }).end(file[1]);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  // Root on CI: Chromium's sandbox needs an unprivileged user.
  args: ['--no-sandbox', '--no-first-run', '--no-default-browser-check'],
});
console.log(`peer: ${await browser.version()}`);

/** Opens a tab on the peer page, once its elector is waiting or leading. */
async function openTab() {
  const page = await browser.newPage();
  await page.goto(`${origin}/peer.html`);
  await page.waitForFunction(() => window.peer !== undefined);
  return page;
}

const leaderAt = (page) => page.evaluate(() => window.peer.leaderAt);

async function failover(tabs, how) {
  const open = [];
  for (let i = 0; i < tabs; i++) open.push(await openTab());
  await until('a first leader', async () => (await leaderAt(open[0])) !== null);
  const samples = [];
  for (let run = 0; run < FAILOVERS; run++) {
    const leader = open.shift();
    const session = how === 'crash' ? await leader.createCDPSession() : null;
    const startedAt = now();
    if (session) {
      // The renderer dies; Chromium releases its Web Locks.
      session.send('Page.crash').catch(() => {});
    } else {
      void leader.close({ runBeforeUnload: true });
    }
    const elected = await until('a new leader', async () => {
      for (const page of open) {
        const at = await leaderAt(page);
        if (at !== null) return at;
      }
      return null;
    });
    samples.push(elected - startedAt);
    if (session) await leader.close().catch(() => {});
    // The new leader goes last in line so the order stays the same;
    // a fresh tab takes the closed one's place.
    open.push(await openTab());
    await sleep(20);
  }
  for (const page of open) await page.close();
  return samples;
}

async function fanout(tabs) {
  const sender = await openTab();
  const receivers = [];
  for (let i = 0; i < tabs; i++) receivers.push(await openTab());
  for (let id = 0; id < MESSAGES; id++) {
    await sender.evaluate((id) => window.peer.send(id), id);
    await sleep(MESSAGE_GAP_MS);
  }
  await until('every message in every tab', async () => {
    for (const page of receivers) {
      if ((await page.evaluate(() => window.peer.received.length)) < MESSAGES) return false;
    }
    return true;
  });
  const lastArrival = new Array(MESSAGES).fill(0);
  const perTab = [];
  for (const page of receivers) {
    for (const { id, sentAt, at } of await page.evaluate(() => window.peer.received)) {
      perTab.push(at - sentAt);
      lastArrival[id] = Math.max(lastArrival[id], at - sentAt);
    }
  }
  for (const page of [sender, ...receivers]) await page.close();
  return { perTab, all: lastArrival };
}

async function memory() {
  const pid = browser.process()?.pid;
  if (!pid) throw new Error('peer: no Chromium process to measure');
  const tabs = [await openTab()];
  await sleep(3000);
  const one = pssOfTree(pid);
  while (tabs.length < 8) tabs.push(await openTab());
  await sleep(3000);
  const eight = pssOfTree(pid);
  for (const page of tabs) await page.close();
  return { one, eight };
}

try {
  for (const tabs of TABS) {
    report(`peer (a) ${tabs} tabs, failover, leader closed -> next tab leads`, await failover(tabs, 'close'));
    report(`peer (a) ${tabs} tabs, failover, leader's renderer crashed -> next tab leads`, await failover(tabs, 'crash'));
  }
  for (const tabs of TABS) {
    const { perTab, all } = await fanout(tabs);
    report(`peer (b) ${tabs} tabs, message -> a tab received it, one way`, perTab);
    report(`peer (b) ${tabs} tabs, message -> every tab received it, one way`, all);
  }
  const { one, eight } = await memory();
  const mib = (kib) => (kib / 1024).toFixed(1);
  console.log(`peer (c) 1 tab: PSS ${mib(one)} MiB; 8 tabs: PSS ${mib(eight)} MiB`);
  console.log(`peer (c) each tab past the first, with 8: PSS ${mib((eight - one) / 7)} MiB`);
} finally {
  await browser.close();
  server.close();
}
