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
    conflict: false,
  };
}

/**
 * A fake `contacts_list` over `all` (already in order) as of event
 * `state.seq`, counting calls.
 * @param {Contact[]} all
 * @param {string} [agencyId]
 */
function server(all, agencyId = 'a1') {
  const state = { seq: 10 };
  const calls = /** @type {[number, number][]} */ ([]);
  /** @type {(offset: number, limit: number) => Promise<ContactsPage>} */
  const fetchPage = async (offset, limit) => {
    calls.push([offset, limit]);
    return { agencyId, total: all.length, offset, contacts: all.slice(offset, offset + limit), seq: state.seq };
  };
  return { fetchPage, calls, state };
}

/**
 * Like {@link server}, but each read is answered only when the test says
 * so, from `all` as it is then.
 * @param {Contact[]} all
 */
function heldServer(all) {
  const state = { seq: 10 };
  const calls = /** @type {[number, number][]} */ ([]);
  /** @type {(() => void)[]} */
  const held = [];
  /** @type {(offset: number, limit: number) => Promise<ContactsPage>} */
  const fetchPage = (offset, limit) => {
    calls.push([offset, limit]);
    return new Promise((resolve) => {
      held.push(() =>
        resolve({ agencyId: 'a1', total: all.length, offset, contacts: all.slice(offset, offset + limit), seq: state.seq }),
      );
    });
  };
  /** Answers the oldest read, and lets what follows it run. */
  const answer = async () => {
    held.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { fetchPage, calls, answer, state };
}

/**
 * A `contacts-changed` event's data: `contact` saved at `position`.
 * @param {Contact} saved
 * @param {number} position
 * @returns {import('../bindings/ContactsChange').ContactsChange}
 */
function savedAt(saved, position) {
  return { agencyId: 'a1', by: 'crm-2', change: { op: 'saved', contact: saved, position } };
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
  assert.equal(list.asOf, 10, 'every page was read as of event 10');
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

test('a change in any window is placed where the app says it stands, with no read', async () => {
  const { fetchPage, calls } = server([contact('1', 'Ada'), contact('2', 'Grace')]);
  const list = new ContactList(fetchPage, () => {});
  await list.load('a1');

  await list.apply(savedAt(contact('3', 'Barbara'), 1), 11);
  assert.deepEqual(list.rows.map((c) => c?.name), ['Ada', 'Barbara', 'Grace']);

  // Renamed: it moves to where the app now lists it, even where no
  // JavaScript comparison would put it.
  await list.apply(savedAt(contact('1', 'zed', 2), 2), 14);
  assert.deepEqual(list.rows.map((c) => c?.name), ['Barbara', 'Grace', 'zed']);

  await list.apply({ agencyId: 'a1', by: 'crm-1', change: { op: 'deleted', id: '2', version: 1, position: 1 } }, 15);
  assert.deepEqual(list.rows.map((c) => c?.name), ['Barbara', 'zed']);
  assert.equal(list.total, 2);
  assert.equal(list.asOf, 15);
  assert.equal(calls.length, 1, 'only the load read anything');
});

test('an event the rows already show is not applied again', async () => {
  // Event 11 saved Barbara at 1 ([Ada, Barbara]), event 12 Aaron at 0; the
  // page was read after both, and event 11 is delivered only then.
  const all = [contact('0', 'Aaron'), contact('1', 'Ada'), contact('2', 'Barbara')];
  const { fetchPage, state } = server(all);
  const list = new ContactList(fetchPage, () => {});
  state.seq = 12;
  await list.load('a1');
  await list.apply(savedAt(contact('2', 'Barbara'), 1), 11);
  await list.apply(savedAt(contact('0', 'Aaron'), 0), 12);
  assert.deepEqual(list.rows.map((c) => c?.name), ['Aaron', 'Ada', 'Barbara']);
  assert.equal(list.asOf, 12);
});

test('a change that does not fit the rows makes the list read them again', async () => {
  const all = [contact('1', 'Ada')];
  const { fetchPage, calls, state } = server(all);
  const list = new ContactList(fetchPage, () => {});
  await list.load('a1');
  // A deletion of a contact the rows never had: they are not the app's.
  all.length = 0;
  state.seq = 20;
  await list.apply({ agencyId: 'a1', by: 'crm-2', change: { op: 'deleted', id: 'ghost', version: 1, position: 0 } }, 20);
  assert.equal(calls.length, 2);
  assert.equal(list.total, 0);
  assert.equal(list.asOf, 20);
});

test('a change of another agency reads nothing', async () => {
  const { fetchPage, calls } = server([contact('1', 'Ada')]);
  const list = new ContactList(fetchPage, () => {});
  await list.load('a1');
  await list.apply({ agencyId: 'other', by: 'crm-1', change: { op: 'deleted', id: '1', version: 1, position: 0 } }, 11);
  assert.equal(calls.length, 1);
  assert.equal(list.total, 1);
});

test('a burst of changes while a read is out costs one more pass, not one each', async () => {
  const all = [contact('1', 'Ada')];
  const { fetchPage, calls, answer, state } = heldServer(all);
  const list = new ContactList(fetchPage, () => {});
  const loaded = list.load('a1');
  assert.equal(calls.length, 1);

  /** @param {string} id @param {string} name */
  const saved = (id, name) => {
    all.push(contact(id, name));
    state.seq += 1;
    return list.apply(savedAt(contact(id, name), all.length - 1), state.seq);
  };
  const burst = [saved('2', 'Barbara'), saved('3', 'Carl'), saved('4', 'Dora')];
  assert.equal(calls.length, 1, 'one read in flight at a time');
  await answer();
  assert.equal(calls.length, 2, 'then one more pass for all the changes that came meanwhile');
  await answer();
  await Promise.all([loaded, ...burst]);
  assert.equal(calls.length, 2);
  assert.deepEqual(list.rows.map((c) => c?.name), ['Ada', 'Barbara', 'Carl', 'Dora']);
  assert.equal(list.asOf, 13);
});

test('pages read across a change are read again, so no two pages disagree', async () => {
  const all = many(FIRST_PAGE + 10);
  const { fetchPage, calls, state } = server(all);
  const list = new ContactList(async (offset, limit) => {
    const page = await fetchPage(offset, limit);
    if (calls.length === 1) {
      // Written between the first page and the second; its event is not
      // delivered yet.
      all.unshift(contact('aaa', 'Aaron'));
      state.seq = 11;
    }
    return page;
  }, () => {});
  await list.load('a1');
  assert.equal(calls.length, 4, 'two pages, then two again');
  assert.deepEqual(list.rows.map((c) => c?.id), all.map((c) => c.id));
  assert.equal(list.asOf, 11);
});

test('a second load reads the rows in view first, then the rest, and never blanks a row', async () => {
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
  // After a resync, which may have skipped changes.
  await list.load('a1');
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
  const { fetchPage, calls, state } = server(all);
  const list = new ContactList(async (offset, limit) => {
    const page = await fetchPage(offset, limit);
    if (calls.length === 2) {
      all.push(contact('zzz', 'Zed'));
      state.seq = 11;
      void list.apply(savedAt(contact('zzz', 'Zed'), all.length - 1), 11);
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
  const { fetchPage, state } = server(all);
  let fail = true;
  const list = new ContactList(async (offset, limit) => {
    if (fail) throw { code: 'internal', message: 'the store is busy' };
    return fetchPage(offset, limit);
  }, () => {});
  await assert.rejects(list.load('a1'), { message: 'the store is busy' });
  assert.equal(list.asOf, null);
  fail = false;
  all.push(contact('2', 'Grace'));
  state.seq = 11;
  await list.apply(savedAt(contact('2', 'Grace'), 1), 11);
  assert.deepEqual(list.rows.map((c) => c?.name), ['Ada', 'Grace']);
  assert.equal(list.asOf, 11);
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
  assert.match(conflictText(null), /was deleted .* while you edited it/);
});

test('the editor is dirty once a field differs from the contact it showed', () => {
  const ada = contact('1', 'Ada');
  assert.equal(isDirty(editorFields(ada), ada), false);
  assert.equal(isDirty({ ...editorFields(ada), stage: 'won' }, ada), true);
  assert.equal(isDirty(editorFields(null), null), false);
  assert.equal(isDirty({ ...editorFields(null), notes: 'met at the fair' }, null), true);
});

test('many contacts from the server at once are read again, and a change from the server is placed like any', async () => {
  const all = [contact('1', 'Ada'), contact('2', 'Grace')];
  const { fetchPage, calls, state } = server(all);
  const list = new ContactList(fetchPage, () => {});
  await list.load('a1');
  await list.apply({ agencyId: 'a1', by: null, change: { op: 'saved', contact: contact('3', 'Barbara'), position: 1 } }, 11);
  assert.equal(calls.length, 1, 'one change from the server is placed, not read');
  all.push(contact('4', 'Zoe'), contact('5', 'Yan'));
  state.seq = 12;
  await list.apply({ agencyId: 'a1', by: null, change: { op: 'refreshed', count: 60 } }, 12);
  assert.ok(calls.length > 1, 'the list was read again');
  assert.equal(list.total, 4);
  assert.equal(list.asOf, 12);
});
