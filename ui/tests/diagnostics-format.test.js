// @ts-check
// The diagnostics window's words and numbers, on Node's test runner.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { countdown, duration, eventRate, lag } from '../js/diagnostics-format.js';

test('durations read naturally at every scale', () => {
  assert.equal(duration(0), '0 ms');
  assert.equal(duration(-5), '0 ms');
  assert.equal(duration(349.6), '350 ms');
  assert.equal(duration(4_249), '4.2 s');
  assert.equal(duration(42_000), '42 s');
  assert.equal(duration(185_000), '3 min 05 s');
  assert.equal(duration(7_800_000), '2 h 10 min');
});

test('a countdown stops at zero and knows nothing of a missing deadline', () => {
  assert.equal(countdown(5_000, 1_200), 3_800);
  assert.equal(countdown(5_000, 9_000), 0);
  assert.equal(countdown(undefined, 10), undefined);
});

test('lag counts the events a window has not applied yet', () => {
  assert.equal(lag(42, 42), 'up to date');
  assert.equal(lag(42, 39), '3 behind');
  assert.equal(lag(42, undefined), 'not reported');
});

test('the event rate counts the last five seconds and forgets the rest', () => {
  const arrivals = [0, 1_000, 6_000, 6_500, 7_000];
  assert.equal(eventRate(arrivals, 7_000), 0.6);
  assert.deepEqual(arrivals, [6_000, 6_500, 7_000]);
  assert.equal(eventRate(arrivals, 20_000), 0);
});
