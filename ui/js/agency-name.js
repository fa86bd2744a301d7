// @ts-check
/**
 * What makes a name an agency's, checked before asking the store (which is
 * the authority and checks again).
 *
 * Nothing here touches the DOM or Tauri, so it runs under Node's tests.
 */

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
