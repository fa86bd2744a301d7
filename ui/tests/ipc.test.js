// @ts-check
// The lock commands' wire arguments, over a stand-in for Tauri's invoke:
// `npm run test:ui`. Each test file runs in its own process, so the
// global stand-in touches no other test.
import assert from 'node:assert/strict';
import { test } from 'node:test';

/** @type {{ command: string, args: Record<string, unknown> | undefined }[]} */
const invoked = [];
// Only `core.invoke` is stood in: the commands tested use nothing else.
Object.assign(globalThis, {
  window: {
    __TAURI__: {
      core: {
        /**
         * @param {string} command
         * @param {Record<string, unknown>} [args]
         */
        invoke: async (command, args) => {
          invoked.push({ command, args });
          return null;
        },
      },
    },
  },
});
const { commands } = await import('../js/ipc.js');

/** Runs `call` and answers what it sent. */
async function sent(/** @type {() => Promise<unknown>} */ call) {
  invoked.length = 0;
  await call();
  assert.equal(invoked.length, 1);
  return invoked[0];
}

test('lockAcquire leaves absent options off the wire instead of sending null', async () => {
  assert.deepEqual(await sent(() => commands.lockAcquire('x')), { command: 'lock_acquire', args: { name: 'x' } });
  const bare = await sent(() => commands.lockAcquire('x', { mode: undefined, ttlMs: undefined, waitMs: 0 }));
  assert.deepEqual(bare.args, { name: 'x', waitMs: 0 }, 'a zero wait is a value, not an absence');
  assert.ok(!Object.hasOwn(bare.args ?? {}, 'mode'));
  const full = await sent(() => commands.lockAcquire('x', { mode: 'shared', ttlMs: 500, waitMs: 100 }));
  assert.deepEqual(full.args, { name: 'x', mode: 'shared', ttlMs: 500, waitMs: 100 });
});

test('lockAcquire sends only the fields the coordinator knows', async () => {
  // withLock's own options travel alongside; the coordinator refuses unknown fields.
  const wide = /** @type {import('../js/ipc.js').AcquireOptions} */ ({ ttlMs: 500, keepAlive: true, onLost() {} });
  assert.deepEqual((await sent(() => commands.lockAcquire('x', wide))).args, { name: 'x', ttlMs: 500 });
});

test('release, extend and check name the lease by token', async () => {
  assert.deepEqual(await sent(() => commands.lockRelease('lease-3')), {
    command: 'lock_release',
    args: { token: 'lease-3' },
  });
  assert.deepEqual(await sent(() => commands.lockExtend('lease-3', 2000)), {
    command: 'lock_extend',
    args: { token: 'lease-3', ttlMs: 2000 },
  });
  assert.deepEqual(await sent(() => commands.lockCheck('lease-3')), {
    command: 'lock_check',
    args: { token: 'lease-3' },
  });
});

test('signIn sends the email and password, signOut an empty argument object', async () => {
  assert.deepEqual(await sent(() => commands.signIn('ada@example.com', 'secret')), {
    command: 'session_sign_in',
    args: { email: 'ada@example.com', password: 'secret' },
  });
  assert.deepEqual(await sent(() => commands.signOut()), { command: 'session_sign_out', args: {} });
});
