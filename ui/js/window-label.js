// @ts-check
/**
 * Windows in words. A CRM window's label is `crm-N`; people know it as
 * "Window N".
 *
 * Nothing here touches the DOM or Tauri, so it runs under Node's tests.
 */

/**
 * The number of window `label` ("3" for `crm-3`).
 * @param {string} label
 */
export function windowNumber(label) {
  return label.replace(/^crm-/, '');
}

/**
 * What people call window `label` ("Window 3" for `crm-3`).
 * @param {string} label
 */
export function windowName(label) {
  return `Window ${windowNumber(label)}`;
}
