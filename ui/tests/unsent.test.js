import { test } from 'node:test';
import assert from 'node:assert/strict';

import { unsentText } from '../js/modal.js';

test('the question counts the changes and says what signing out does', () => {
  assert.equal(
    unsentText(3),
    '3 changes made on this computer are not on the server yet. Signing out removes your CRM data from this computer.',
  );
  assert.match(unsentText(1), /^1 change made on this computer is not/);
});
