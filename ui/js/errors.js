// @ts-check
/**
 * Errors as the coordinator answers them: `{ code, message }`, with a code
 * from the fixed set generated from Rust (../bindings/ErrorCode.ts).
 *
 * Code is compared through `errorCode`, never by reading `.code` off an
 * unknown value: the result is an `ErrorCode`, so comparing it with a code
 * that does not exist (a typo, a code Rust renamed) fails the type check.
 *
 * Nothing here touches the DOM or Tauri, so it runs under Node's tests.
 */

/** @typedef {import('../bindings/ErrorCode').ErrorCode} ErrorCode */
/** @typedef {import('../bindings/WireError').WireError} WireError */

/**
 * Every code the UI knows, for checking a code at run time. A `Record` over
 * the generated type, so a code added to or removed from the Rust set fails
 * the type check here until this list follows.
 * @type {Record<ErrorCode, true>}
 */
const KNOWN = {
  invalid_argument: true,
  not_found: true,
  conflict: true,
  lock_unavailable: true,
  lock_timeout: true,
  lock_not_held: true,
  deadlock: true,
  too_many: true,
  invalid_credentials: true,
  network: true,
  not_configured: true,
  signed_out: true,
  internal: true,
};

/**
 * The code of a failed command.
 *
 * Anything that is not a wire error with a known code (a JavaScript
 * exception, Tauri refusing a call before the command ran, a code newer
 * than this page) counts as `internal`: a failure no caller can act on by
 * its code, which is what `internal` means on the wire too.
 * @param {unknown} error a command's rejection
 * @returns {ErrorCode}
 */
export function errorCode(error) {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code } = error;
    if (typeof code === 'string' && Object.hasOwn(KNOWN, code)) return /** @type {ErrorCode} */ (code);
  }
  return 'internal';
}

/**
 * A person-readable message for a failed command.
 * @param {unknown} error
 * @returns {string}
 */
export function describeError(error) {
  if (error && typeof error === 'object' && 'message' in error) {
    return String(/** @type {WireError} */ (error).message);
  }
  return String(error);
}
