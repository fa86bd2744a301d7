// @ts-check
// The contacts list model, the editor's form and agency names, on Node's
// test runner: `npm run test:ui`.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { agencyNameProblem } from '../js/agency-name.js';
import { ContactList, FIRST_PAGE } from '../js/contacts.js';
import { conflictText, editorFields, isDirty } from '../js/contact-form.js';

/** @typedef {import('../bindings/Contact').Contact} Contact */
/** @typedef {import('../bindings/ContactsPage').ContactsPage} ContactsPage */

/**
 * @param {string} id
 * @param {string} name
 * @param {number} [version]
 * @returns {Contact}
 */
function contact(id, name, version = 1) {
  return {
    id,
    agencyId: 'a1',
    name,
    email: '',
    phone: '',
    company: '',
    stage: 'lead',
    notes: '',
    version,
    updatedAt: 0,
    updatedBy: 'crm-2',
  };
}

/**
 * A fake `contacts_list` over `all` (already in order), counting calls.
 * @param {Contact[]} all
 * @param {string} [agencyId]
 */
function server(all, agencyId = 'a1') {
  const calls = /** @type {[number, number][]} */ ([]);
  /** @type {(offset: number, limit: number) => Promise<ContactsPage>} */
  const fetchPage = async (offset, limit) => {
    calls.push([offset, limit]);
    return { agencyId, total: all.length, offset, contacts: all.slice(offset, offset + limit) };
  };
  return { fetchPage, calls };
}

/**
 * Like {@link server}, but each read is answered only when the test says
 * so, from `all` as it is then.
 * @param {Contact[]} all
 */
function heldServer(all) {
  const calls = /** @type {[number, number][]} */ ([]);
  /** @type {(() => void)[]} */
  const held = [];
  /** @type {(offset: number, limit: number) => Promise<ContactsPage>} */
  const fetchPage = (offset, limit) => {
    calls.push([offset, limit]);
    return new Promise((resolve) => {
      held.push(() => resolve({ agencyId: 'a1', total: all.length, offset, contacts: all.slice(offset, offset + limit) }));
    });
  };
  /** Answers the oldest read, and lets what follows it run. */
  const answer = async () => {
    held.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { fetchPage, calls, answer };
}

/** @param {number} n */
function many(n) {
  return Array.from({ length: n }, (_, i) => contact(`c${String(i).padStart(5, '0')}`, `Name ${String(i).padStart(5, '0')}`));
}

test('the first page shows before the rest arrives, and the whole list follows', async () => {
  const all = many(FIRST_PAGE + 250);
  const { fetchPage, calls } = server(all);
  /** @type {number[]} */
  const seen = [];
  const list = new ContactList(fetchPage, () => seen.push(list.rows.filter(Boolean).length));
  await list.load('a1');
  assert.deepEqual(calls, [
    [0, FIRST_PAGE],
    [FIRST_PAGE, 2000],
  ]);
  assert.equal(seen.includes(FIRST_PAGE), true, 'painted after the first page');
  assert.equal(list.total, all.length);
  assert.equal(list.complete, true);
  assert.deepEqual(list.rows.map((c) => c?.id), all.map((c) => c.id));
});

test('rows are in the order the app answers: the list never orders them itself', async () => {
  // Not an order JavaScript's comparisons would give: the store's is the
  // only one that counts.
  const { fetchPage } = server([contact('1', 'b'), contact('2', 'A'), contact('3', 'É'), contact('4', 'a')]);
  const list = new ContactList(fetchPage, () => {});
  await list.load('a1');
  assert.deepEqual(list.rows.map((c) => c?.name), ['b', 'A', 'É', 'a']);
});

test('a change in any window is read back from the app, in its order', async () => {
  const all = [contact('1', 'Ada'), contact('2', 'Grace')];
  const { fetchPage, calls } = server(all);
  const list = new ContactList(fetchPage, () => {});
  await list.load('a1');
  const by = 'crm-1';

  all.splice(1, 0, contact('3', 'Barbara'));
  await list.apply({ agencyId: 'a1', by, change: { op: 'saved', contact: contact('3', 'Barbara') } });
  assert.deepEqual(list.rows.map((c) => c?.name), ['Ada', 'Barbara', 'Grace']);

  // Renamed: it moves where the app now lists it.
  all.splice(0, 1);
  all.push(contact('1', 'Zoe', 2));
  await list.apply({ agencyId: 'a1', by, change: { op: 'saved', contact: contact('1', 'Zoe', 2) } });
  assert.deepEqual(list.rows.map((c) => c?.name), ['Barbara', 'Grace', 'Zoe']);

  all.splice(1, 1);
  await list.apply({ agencyId: 'a1', by, change: { op: 'deleted', id: '2', version: 1 } });
  assert.deepEqual(list.rows.map((c) => c?.name), ['Barbara', 'Zoe']);
  assert.equal(list.total, 2);
  assert.equal(calls.length, 4, 'one read to load, one per change');
});

test('a change of another agency reads nothing', async () => {
  const { fetchPage, calls } = server([contact('1', 'Ada')]);
  const list = new ContactList(fetchPage, () => {});
  await list.load('a1');
  await list.apply({ agencyId: 'other', by: 'crm-1', change: { op: 'deleted', id: '1', version: 1 } });
  assert.equal(calls.length, 1);
  assert.equal(list.total, 1);
});

test('a burst of changes while a read is out costs one more pass, not one each', async () => {
  const all = [contact('1', 'Ada')];
  const { fetchPage, calls, answer } = heldServer(all);
  const list = new ContactList(fetchPage, () => {});
  const loaded = list.load('a1');
  await answer();
  await loaded;

  /** @param {string} id @param {string} name */
  const saved = (id, name) => {
    all.push(contact(id, name));
    return list.apply({ agencyId: 'a1', by: 'crm-2', change: { op: 'saved', contact: contact(id, name) } });
  };
  const first = saved('2', 'Barbara');
  assert.equal(calls.length, 2, 'the first change reads at once');
  const rest = [saved('3', 'Carl'), saved('4', 'Dora'), saved('5', 'Emil')];
  assert.equal(calls.length, 2, 'one read in flight at a time');
  await answer();
  assert.equal(calls.length, 3, 'then one more pass for all the changes that came meanwhile');
  await answer();
  await Promise.all([first, ...rest]);
  assert.equal(calls.length, 3);
  assert.deepEqual(list.rows.map((c) => c?.name), ['Ada', 'Barbara', 'Carl', 'Dora', 'Emil']);
});

test('a refresh reads the rows in view first, then the rest, and never blanks a row', async () => {
  const all = many(FIRST_PAGE + 250);
  const { fetchPage, calls } = server(all);
  /** @type {number[]} */
  const blanks = [];
  const list = new ContactList(fetchPage, () => blanks.push(list.rows.filter((row) => row === undefined).length));
  await list.load('a1');
  calls.length = 0;
  blanks.length = 0;

  list.visibleFrom = 200;
  all[250] = { ...all[250], phone: '+1 555 0100', version: 2 };
  await list.apply({ agencyId: 'a1', by: 'crm-2', change: { op: 'saved', contact: all[250] } });
  assert.deepEqual(calls, [
    [200, FIRST_PAGE],
    [300, 2000],
    [0, 200],
  ]);
  assert.equal(list.rows[250]?.phone, '+1 555 0100', 'the row in view was read first');
  assert.deepEqual(blanks, [0, 0, 0], 'the other rows kept their contacts meanwhile');
  assert.deepEqual(list.rows.map((c) => c?.id), all.map((c) => c.id));
});

test('a change during the first load makes the list read again once it ends, so nothing is lost', async () => {
  const all = many(FIRST_PAGE + 10);
  const { fetchPage, calls } = server(all);
  const list = new ContactList(async (offset, limit) => {
    const page = await fetchPage(offset, limit);
    if (calls.length === 1) {
      all.push(contact('zzz', 'Zed'));
      void list.apply({ agencyId: 'a1', by: 'crm-3', change: { op: 'saved', contact: contact('zzz', 'Zed') } });
    }
    return page;
  }, () => {});
  await list.load('a1');
  assert.equal(calls.length, 4, 'two pages, then two again');
  assert.equal(list.find('zzz')?.name, 'Zed');
  assert.equal(list.total, all.length);
});

test('a failed read rejects, and the next change reads again', async () => {
  const all = [contact('1', 'Ada')];
  const { fetchPage } = server(all);
  let fail = false;
  const list = new ContactList(async (offset, limit) => {
    if (fail) throw { code: 'internal', message: 'the store is busy' };
    return fetchPage(offset, limit);
  }, () => {});
  await list.load('a1');
  fail = true;
  all.push(contact('2', 'Grace'));
  const change = { agencyId: 'a1', by: 'crm-2', change: /** @type {const} */ ({ op: 'saved', contact: contact('2', 'Grace') }) };
  await assert.rejects(list.apply(change), { message: 'the store is busy' });
  fail = false;
  await list.apply(change);
  assert.deepEqual(list.rows.map((c) => c?.name), ['Ada', 'Grace']);
});

test('switching agency starts an empty list, and a page of the old agency is dropped', async () => {
  const { fetchPage } = server([contact('1', 'Ada')], 'a1');
  const list = new ContactList(fetchPage, () => {});
  await list.load('a1');
  await list.load('a2');
  assert.equal(list.agencyId, 'a2');
  assert.equal(list.total, 0, 'the a1 page answered for a2 is not shown');
  await list.load(null);
  assert.equal(list.complete, true);
});

test('agency names are 1 to 120 characters after trimming', () => {
  assert.match(agencyNameProblem('   ') ?? '', /Type a name/);
  assert.equal(agencyNameProblem(' Acme '), null);
  assert.equal(agencyNameProblem('é'.repeat(120)), null);
  assert.match(agencyNameProblem('x'.repeat(121)) ?? '', /at most 120.*121/);
});

test('the editor starts a new contact as a lead, and the conflict bar names the other window', () => {
  assert.deepEqual(editorFields(null), { name: '', email: '', phone: '', company: '', stage: 'lead', notes: '' });
  assert.equal(editorFields(contact('1', 'Ada')).name, 'Ada');
  assert.match(conflictText(contact('1', 'Ada', 4)), /Window 2 saved a newer version .*version 4/);
  assert.match(conflictText(null), /deleted this contact/);
});

test('the editor is dirty once a field differs from the contact it showed', () => {
  const ada = contact('1', 'Ada');
  assert.equal(isDirty(editorFields(ada), ada), false);
  assert.equal(isDirty({ ...editorFields(ada), stage: 'won' }, ada), true);
  assert.equal(isDirty(editorFields(null), null), false);
  assert.equal(isDirty({ ...editorFields(null), notes: 'met at the fair' }, null), true);
});
