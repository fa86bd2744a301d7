// @ts-check
// The served copy of the UI's npm packages (ui/vendor) is exactly what
// node_modules holds: `npm run test:ui`.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { differences } from '../../scripts/vendor-ui.mjs';

test('ui/vendor is an exact copy of the packages in node_modules', () => {
  const found = differences();
  assert.deepEqual(
    found,
    [],
    `ui/vendor differs from node_modules; run \`node scripts/vendor-ui.mjs\` (npm ci runs it) and commit ui/vendor:\n  ${found.join('\n  ')}`,
  );
});
