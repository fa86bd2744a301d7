// @ts-check
/**
 * Where this computer stands with the Supabase project, in words: what the
 * status bar says of the sync engine's status (the coordinator's
 * `SyncStatus`, the same in every window).
 *
 * Nothing here touches the DOM or Tauri, so it runs under Node's tests.
 */

/** @typedef {import('../bindings/SyncStatus').SyncStatus} SyncStatus */

const count = new Intl.NumberFormat('en');

/**
 * "1 change" or "3 changes".
 * @param {number} n
 */
function changes(n) {
  return `${count.format(n)} ${n === 1 ? 'change' : 'changes'}`;
}

/**
 * What the status bar shows for `sync`: `null` when there is nothing to
 * sync with (local mode, or nobody signed in).
 * @param {SyncStatus} sync
 * @returns {{ text: string, title: string } | null}
 */
export function serverStatus(sync) {
  if (sync.signingOut && sync.state !== 'off') {
    return {
      text: `Signing out once ${changes(sync.waiting)} ${sync.waiting === 1 ? 'is' : 'are'} sent…`,
      title: sync.state === 'offline' ? (sync.problem ?? 'The server cannot be reached.') : '',
    };
  }
  switch (sync.state) {
    case 'off':
      return null;
    case 'syncing': {
      const { progress } = sync;
      if (progress) {
        return {
          text: `Syncing contacts… ${count.format(progress.rows)} of ${count.format(progress.total)}`,
          title: 'The contacts that have arrived can be used already.',
        };
      }
      return { text: 'Syncing…', title: '' };
    }
    case 'online':
      return sync.waiting === 0
        ? { text: 'Synced', title: 'Everything saved here is on the server.' }
        : { text: `Sending ${changes(sync.waiting)}…`, title: '' };
    case 'offline':
      return {
        text: sync.waiting === 0 ? 'Offline' : `Offline: ${changes(sync.waiting)} waiting`,
        title: `${sync.problem ?? 'The server cannot be reached.'} They are sent when it answers again.`,
      };
  }
}
