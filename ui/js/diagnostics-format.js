// @ts-check
/**
 * Words and numbers for the diagnostics window: durations, countdowns,
 * lags and event rates. Pure functions, tested under Node.
 */

/**
 * A duration in milliseconds, as people read it: "350 ms", "4.2 s",
 * "3 min 05 s", "2 h 10 min".
 * @param {number} ms
 * @returns {string}
 */
export function duration(ms) {
  const value = Math.max(0, Math.round(ms));
  if (value < 1000) return `${value} ms`;
  if (value < 10_000) return `${(value / 1000).toFixed(1)} s`;
  const seconds = Math.floor(value / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/**
 * What is left of `leftMs` (as it was `elapsedMs` ago): never below zero.
 * @param {number | undefined} leftMs
 * @param {number} elapsedMs
 * @returns {number | undefined}
 */
export function countdown(leftMs, elapsedMs) {
  return leftMs === undefined ? undefined : Math.max(0, leftMs - elapsedMs);
}

/**
 * How far behind a window is: the events it has not reported applied.
 * @param {number} seq the newest event
 * @param {number | undefined} applied the newest event it applied
 * @returns {string}
 */
export function lag(seq, applied) {
  if (applied === undefined) return 'not reported';
  const behind = Math.max(0, seq - applied);
  return behind === 0 ? 'up to date' : `${behind} behind`;
}

/**
 * Events per second over the last `spanMs`, from the times events arrived.
 * Forgets older arrival times in place.
 * @param {number[]} arrivals arrival times (ms, ascending)
 * @param {number} now
 * @param {number} [spanMs]
 * @returns {number}
 */
export function eventRate(arrivals, now, spanMs = 5000) {
  while (arrivals.length > 0 && arrivals[0] <= now - spanMs) arrivals.shift();
  return arrivals.length / (spanMs / 1000);
}
