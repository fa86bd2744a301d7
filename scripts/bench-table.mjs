// Reads the output of one run of scripts/bench.sh (the app's benches and
// the peer benchmark, tests/peer/peer.mjs) and prints the app against the
// browser approach it replaces, side by side, with the ratio app ÷ peer.
//
//   node scripts/bench-table.mjs target/bench/bench.log

import { readFileSync } from 'node:fs';

const log = readFileSync(process.argv[2] ?? 'target/bench/bench.log', 'utf8');

/** The median (ms) a bench printed for the line starting with `label`. */
function median(label) {
  const line = log.split('\n').find((text) => text.startsWith(`${label}: median `));
  const value = line && /: median ([\d.]+) ms/.exec(line)?.[1];
  return value ? Number(value) : null;
}

/** The first number of MiB on the line starting with `label`. */
function mib(label) {
  const line = log.split('\n').find((text) => text.startsWith(label));
  const value = line && /PSS ([\d.]+) MiB/.exec(line)?.[1];
  return value ? Number(value) : null;
}

const rows = [
  {
    what: 'failover after a clean close, 3 windows / tabs (ms)',
    app: median('(a) failover, close request -> new primary applied primary-changed, one way'),
    peer: median('peer (a) 3 tabs, failover, leader closed -> next tab leads'),
    goal: '≤ 0.2',
  },
  {
    what: "failover after a crash, 3 windows / tabs (ms; the app's a round trip, an upper bound)",
    app: median("(a) crash failover, primary's web process killed -> new primary applied primary-changed, round trip"),
    peer: median("peer (a) 3 tabs, failover, leader's renderer crashed -> next tab leads"),
    goal: '≤ 0.2',
  },
  {
    what: 'fan-out, one message to the last of 3 windows / tabs, one way (ms)',
    app: median('(b) 3 windows, event -> every window applied it, one way'),
    peer: median('peer (b) 3 tabs, message -> every tab received it, one way'),
    goal: '',
  },
  {
    what: 'fan-out, one message to the last of 8 windows / tabs, one way (ms)',
    app: median('(b) 8 windows, event -> every window applied it, one way'),
    peer: median('peer (b) 8 tabs, message -> every tab received it, one way'),
    goal: '≤ 1.0',
  },
  {
    what: 'memory (PSS) each window / tab past the first, with 8 (MiB)',
    app: mib('(c) each window past the first, with 8:'),
    peer: mib('peer (c) each tab past the first, with 8:'),
    goal: '',
  },
];

const show = (value) => (value === null ? 'not measured' : String(value));
console.log('| what | app | peer (Chromium, broadcast-channel) | app ÷ peer | goal |');
console.log('|---|---|---|---|---|');
for (const { what, app, peer, goal } of rows) {
  const ratio = app !== null && peer ? (app / peer).toFixed(2) : '';
  console.log(`| ${what} | ${show(app)} | ${show(peer)} | ${ratio} | ${goal} |`);
}
