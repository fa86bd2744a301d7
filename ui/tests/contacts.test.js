// @ts-check
// The contacts list model and the editor's pure parts: `npm run test:ui`.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { agencyNameProblem } from '../js/agency-picker.js';
import { ContactList, FIRST_PAGE, compareContacts } from '../js/contacts.js';
import { conflictText, editorFields } from '../js/contacts-view.js';

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

/** @param {number} n */
function many(n) {
  return Array.from({ length: n }, (_, i) => contact(`c${String(i).padStart(5, '0')}`, `Name ${String(i).padStart(5, '0')}`));
}

test('contacts are ordered as SQLite NOCASE orders them: ASCII folded, then code points, then id', () => {
  const names = ['b', 'A', 'a', 'É', 'z', 'Z'];
  const sorted = names.map((name, i) => contact(`id${i}`, name)).sort(compareContacts).map((c) => c.name);
  assert.deepEqual(sorted, ['A', 'a', 'b', 'z', 'Z', 'É']);
});

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

test('a saved contact is placed in order, and an older version never replaces a newer one', async () => {
  const { fetchPage } = server([contact('1', 'Ada'), contact('2', 'Grace')]);
  const list = new ContactList(fetchPage, () => {});
  await list.load('a1');
  const by = 'crm-1';
  list.apply({ agencyId: 'a1', by, change: { op: 'saved', contact: contact('3', 'Barbara') } });
  assert.deepEqual(list.rows.map((c) => c?.name), ['Ada', 'Barbara', 'Grace']);
  list.apply({ agencyId: 'a1', by, change: { op: 'saved', contact: contact('1', 'Zoe', 3) } });
  list.apply({ agencyId: 'a1', by, change: { op: 'saved', contact: contact('1', 'Old', 2) } });
  assert.deepEqual(list.rows.map((c) => c?.name), ['Barbara', 'Grace', 'Zoe']);
  list.apply({ agencyId: 'a1', by, change: { op: 'deleted', id: '2', version: 1 } });
  assert.deepEqual(list.rows.map((c) => c?.name), ['Barbara', 'Zoe']);
  list.apply({ agencyId: 'other', by, change: { op: 'deleted', id: '3', version: 1 } });
  assert.equal(list.total, 2, 'another agency’s change is ignored');
});

test('a change during a load makes the list load again, so nothing is lost', async () => {
  const all = many(FIRST_PAGE + 10);
  const { fetchPage, calls } = server(all);
  const list = new ContactList(async (offset, limit) => {
    const page = await fetchPage(offset, limit);
    if (calls.length === 1) {
      all.push(contact('zzz', 'Zed'));
      list.apply({ agencyId: 'a1', by: 'crm-3', change: { op: 'saved', contact: contact('zzz', 'Zed') } });
    }
    return page;
  }, () => {});
  await list.load('a1');
  assert.equal(calls.length, 4, 'two pages, then two again');
  assert.equal(list.find('zzz')?.name, 'Zed');
  assert.equal(list.total, all.length);
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
