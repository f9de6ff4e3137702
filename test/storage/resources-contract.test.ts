/**
 * Contract tests of the REST API resources' repositories (src/core/resources/ports.ts): one suite, run
 * against every dialect (SQLite always, PostgreSQL when FLEXGATE_TEST_DATABASE_URL is set).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ContactRecord,
  DataScope,
  MessageRecord,
  NewsRecord,
  PagePosition,
} from '../../src/apis/example/ports.js';
import type { IdempotencyRecord } from '../../src/apis/ports.js';
import { UniqueViolationError } from '../../src/oauth/ports.js';
import type { Storage } from '../../src/storage/storage.js';
import { dialects } from '../helpers/storage-harness.js';

/** 2023-11-14T22:13:20Z, well above 2^32 so that 64-bit handling is exercised. */
const T0 = 1_700_000_000_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

for (const dialect of dialects) {
  (dialect.skip ? describe.skip : describe)(`${dialect.name} resources`, () => {
    const harness = dialect.harness();
    let storage: Storage;
    const fresh = () => harness.open(harness.location());
    let counter = 0;
    const uid = (prefix: string) => `${prefix}-${++counter}-${randomBytes(3).toString('hex')}`;
    /** A new owner in sandbox: its data is isolated from every other test's. */
    const aScope = (): DataScope => ({ ownerId: uid('owner'), environment: 'sandbox' });

    beforeAll(async () => {
      storage = await fresh();
    });

    afterAll(async () => {
      await harness.dispose();
    });

    function aContact(scope: DataScope, overrides: Partial<ContactRecord> = {}): ContactRecord {
      return {
        id: uid('ct'),
        ownerId: scope.ownerId,
        environment: scope.environment,
        name: 'Zoë “test” ✓',
        email: 'zoe@example.com',
        phone: '+31612345678',
        language: 'nl',
        tags: ['vip', 'beta'],
        createdAt: T0,
        updatedAt: T0,
        ...overrides,
      };
    }

    function aMessage(scope: DataScope, overrides: Partial<MessageRecord> = {}): MessageRecord {
      const createdAt = overrides.createdAt ?? T0;
      return {
        id: uid('msg'),
        ownerId: scope.ownerId,
        environment: scope.environment,
        contactId: 'ct-x',
        channel: 'sms',
        body: 'Hello',
        status: 'queued',
        createdAt,
        updatedAt: createdAt,
        events: [{ status: 'queued', at: createdAt, detail: null }],
        ...overrides,
      };
    }

    function aKey(overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord {
      return {
        clientId: uid('client'),
        ownerId: uid('owner'),
        environment: 'live',
        key: uid('key'),
        requestHash: 'aGFzaA',
        location: '/v1/contacts/ct-1',
        responseBody: '{"id":"ct-1"}',
        createdAt: T0,
        expiresAt: T0 + HOUR,
        ...overrides,
      };
    }

    /** Every row of a list, page by page of `size`, continuing after each page's last row. */
    async function pageThrough<T extends { id: string }>(
      size: number,
      fetch: (after: PagePosition | undefined) => Promise<T[]>,
      position: (row: T) => number,
    ): Promise<{ rows: T[]; pages: number }> {
      const rows: T[] = [];
      let after: PagePosition | undefined;
      let pages = 0;
      for (;;) {
        const page = await fetch(after);
        pages++;
        expect(page.length).toBeLessThanOrEqual(size);
        rows.push(...page);
        if (page.length < size) return { rows, pages };
        const last = page[page.length - 1] as T;
        after = { at: position(last), id: last.id };
      }
    }

    describe('contacts', () => {
      it('inserts and finds a contact, round-tripping every field', async () => {
        const scope = aScope();
        const contact = aContact(scope, { email: null, language: null, tags: [] });
        await storage.contacts.insert(contact);
        expect(await storage.contacts.find(scope, contact.id)).toEqual(contact);
        const full = aContact(scope);
        await storage.contacts.insert(full);
        expect(await storage.contacts.find(scope, full.id)).toEqual(full);
      });

      it('rejects a duplicate id with UniqueViolationError', async () => {
        const scope = aScope();
        const contact = aContact(scope);
        await storage.contacts.insert(contact);
        await expect(storage.contacts.insert(contact)).rejects.toBeInstanceOf(UniqueViolationError);
      });

      it('pages through ties on created_at in (created_at, id) order, without duplicates or skips', async () => {
        const scope = aScope();
        const contacts: ContactRecord[] = [];
        // 3 distinct times, 4 contacts each: every page boundary falls inside or at the edge of a tie.
        for (let i = 0; i < 12; i++) contacts.push(aContact(scope, { createdAt: T0 + Math.floor(i / 4) * MINUTE }));
        // Insert in a shuffled order, so that insertion order cannot stand in for the sort.
        for (const c of [...contacts].reverse()) await storage.contacts.insert(c);
        const expected = [...contacts].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));

        for (const size of [1, 3, 5, 12, 20]) {
          const { rows } = await pageThrough(
            size,
            (after) => storage.contacts.list(scope, { limit: size, after }),
            (c) => c.createdAt,
          );
          expect(rows.map((c) => c.id)).toEqual(expected.map((c) => c.id));
        }
        expect(await storage.contacts.list(scope, { limit: 100 })).toEqual(expected);
      });

      it('limits a page and continues strictly after the given position', async () => {
        const scope = aScope();
        const a = aContact(scope, { id: `${uid('x')}-a`, createdAt: T0 });
        const b = aContact(scope, { id: `${a.id}-b`, createdAt: T0 });
        const c = aContact(scope, { id: `${a.id}-0`, createdAt: T0 + 1 });
        for (const x of [c, b, a]) await storage.contacts.insert(x);
        expect((await storage.contacts.list(scope, { limit: 2 })).map((x) => x.id)).toEqual([a.id, b.id]);
        expect(
          (await storage.contacts.list(scope, { limit: 10, after: { at: T0, id: a.id } })).map((x) => x.id),
        ).toEqual([b.id, c.id]);
        expect(await storage.contacts.list(scope, { limit: 10, after: { at: T0 + 1, id: c.id } })).toEqual([]);
      });

      it('isolates owners and environments', async () => {
        const scope = aScope();
        const contact = aContact(scope);
        await storage.contacts.insert(contact);
        const otherOwner: DataScope = { ownerId: uid('owner'), environment: scope.environment };
        const otherEnv: DataScope = { ownerId: scope.ownerId, environment: 'live' };
        for (const other of [otherOwner, otherEnv]) {
          expect(await storage.contacts.find(other, contact.id)).toBeUndefined();
          expect(await storage.contacts.list(other, { limit: 10 })).toEqual([]);
          expect(await storage.contacts.patch(other, contact.id, { name: 'hijack' }, T0 + HOUR)).toBeUndefined();
          expect(await storage.contacts.delete(other, contact.id)).toBe(false);
        }
        expect(await storage.contacts.find(scope, contact.id)).toEqual(contact);
      });

      it('patches every mutable field, returning the stored row; undefined when no row matched', async () => {
        const scope = aScope();
        const contact = aContact(scope);
        await storage.contacts.insert(contact);
        const changes = { name: 'New name', email: null, phone: '+441234567890', language: 'en', tags: ['x'] };
        const changed: ContactRecord = { ...contact, ...changes, updatedAt: T0 + HOUR };
        expect(await storage.contacts.patch(scope, contact.id, changes, T0 + HOUR)).toEqual(changed);
        expect(await storage.contacts.find(scope, contact.id)).toEqual(changed);
        expect(await storage.contacts.patch(scope, uid('missing'), changes, T0 + HOUR)).toBeUndefined();
      });

      it('patches only the given fields (and updatedAt), leaving the others as stored', async () => {
        const scope = aScope();
        const contact = aContact(scope);
        await storage.contacts.insert(contact);
        const afterName = await storage.contacts.patch(scope, contact.id, { name: 'Renamed' }, T0 + 1);
        expect(afterName).toEqual({ ...contact, name: 'Renamed', updatedAt: T0 + 1 });
        const afterEmpty = await storage.contacts.patch(scope, contact.id, {}, T0 + 2);
        expect(afterEmpty).toEqual({ ...contact, name: 'Renamed', updatedAt: T0 + 2 });
        const cleared = await storage.contacts.patch(scope, contact.id, { email: null, tags: [] }, T0 + 3);
        expect(cleared).toEqual({ ...contact, name: 'Renamed', email: null, tags: [], updatedAt: T0 + 3 });
        expect(await storage.contacts.find(scope, contact.id)).toEqual(cleared);
      });

      it('keeps every change of 20 concurrent patches of different fields of one contact', async () => {
        const scope = aScope();
        const contact = aContact(scope, { email: null, phone: null, language: null, tags: [] });
        await storage.contacts.insert(contact);
        // Five fields, four patches each (20 in all, in parallel), every patch setting one field to its target.
        // A read-modify-write would rewrite the other fields with what it read, putting back initial values.
        const target = {
          name: 'Patched name',
          email: 'patched@example.com',
          phone: '+31612345678',
          language: 'nl',
          tags: ['patched'],
        };
        const fields = Object.keys(target) as (keyof typeof target)[];
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => {
            const field = fields[i % fields.length] as keyof typeof target;
            return storage.contacts.patch(scope, contact.id, { [field]: target[field] }, T0 + i + 1);
          }),
        );
        expect(results.every((r) => r !== undefined)).toBe(true);
        const stored = await storage.contacts.find(scope, contact.id);
        expect(stored).toMatchObject(target);
        expect(stored?.id).toBe(contact.id);
      });

      it('deletes and reports whether a row matched', async () => {
        const scope = aScope();
        const contact = aContact(scope);
        await storage.contacts.insert(contact);
        expect(await storage.contacts.delete(scope, contact.id)).toBe(true);
        expect(await storage.contacts.find(scope, contact.id)).toBeUndefined();
        expect(await storage.contacts.delete(scope, contact.id)).toBe(false);
      });
    });

    describe('messages', () => {
      it('stores a message with its first event and finds it', async () => {
        const scope = aScope();
        const message = aMessage(scope, { channel: 'whatsapp', body: 'Hallo “wereld” ✓' });
        await storage.messages.insert(message);
        expect(await storage.messages.find(scope, message.id)).toEqual(message);
        expect(await storage.messages.find({ ...scope, environment: 'live' }, message.id)).toBeUndefined();
        expect(await storage.messages.find({ ...scope, ownerId: uid('owner') }, message.id)).toBeUndefined();
      });

      it('rejects a taken message id with UniqueViolationError, keeping the stored message and its events', async () => {
        const scope = aScope();
        const message = aMessage(scope);
        await storage.messages.insert(message);
        await expect(
          storage.messages.insert({ ...message, body: 'other', events: [{ status: 'failed', at: T0, detail: 'x' }] }),
        ).rejects.toBeInstanceOf(UniqueViolationError);
        expect(await storage.messages.find(scope, message.id)).toEqual(message);
      });

      it('stores nothing when its events cannot be stored: the message row goes with them', async () => {
        const scope = aScope();
        // The message row itself is valid and is written first; its event breaks the status check, so only
        // the transaction around both inserts keeps the message row from staying behind without history.
        const message = aMessage(scope, {
          events: [{ status: 'bogus' as MessageRecord['status'], at: T0, detail: null }],
        });
        await expect(storage.messages.insert(message)).rejects.toThrow();
        expect(await storage.messages.find(scope, message.id)).toBeUndefined();
        expect(await storage.messages.list(scope, { limit: 10 })).toEqual([]);
        // The id is free again: nothing of the failed insert remains.
        const valid = aMessage(scope, { id: message.id });
        await storage.messages.insert(valid);
        expect(await storage.messages.find(scope, message.id)).toEqual(valid);
      });

      it('transitions, recording each event in order', async () => {
        const scope = aScope();
        const message = aMessage(scope);
        await storage.messages.insert(message);
        expect(
          await storage.messages.transition(message.id, 'queued', { status: 'sent', at: T0 + 1, detail: null }),
        ).toBe(true);
        // Not in `queued` any more.
        expect(
          await storage.messages.transition(message.id, 'queued', { status: 'failed', at: T0 + 2, detail: 'late' }),
        ).toBe(false);
        expect(
          await storage.messages.transition(message.id, 'sent', { status: 'failed', at: T0 + 3, detail: 'no route' }),
        ).toBe(true);
        expect(
          await storage.messages.transition(uid('missing'), 'queued', { status: 'sent', at: T0, detail: null }),
        ).toBe(false);
        expect(await storage.messages.find(scope, message.id)).toEqual({
          ...message,
          status: 'failed',
          updatedAt: T0 + 3,
          events: [
            { status: 'queued', at: T0, detail: null },
            { status: 'sent', at: T0 + 1, detail: null },
            { status: 'failed', at: T0 + 3, detail: 'no route' },
          ],
        });
      });

      it('lets exactly one of 10 concurrent transitions from the same status win', async () => {
        const scope = aScope();
        const message = aMessage(scope);
        await storage.messages.insert(message);
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            storage.messages.transition(message.id, 'queued', { status: 'sent', at: T0 + 1 + i, detail: `w${i}` }),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const stored = await storage.messages.find(scope, message.id);
        expect(stored?.status).toBe('sent');
        expect(stored?.events.map((e) => e.status)).toEqual(['queued', 'sent']);
      });

      it('transitions inside a transaction, and rolls the transition back with it', async () => {
        const scope = aScope();
        const message = aMessage(scope);
        await storage.messages.insert(message);
        await expect(
          storage.transaction(async (tx) => {
            expect(
              await tx.messages.transition(message.id, 'queued', { status: 'sent', at: T0 + 1, detail: null }),
            ).toBe(true);
            expect((await tx.messages.find(scope, message.id))?.events).toHaveLength(2);
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await storage.messages.find(scope, message.id)).toEqual(message);
      });

      it('pages through a scope with ties, each message with its own events', async () => {
        const scope = aScope();
        const messages: MessageRecord[] = [];
        for (let i = 0; i < 7; i++) messages.push(aMessage(scope, { createdAt: T0 + Math.floor(i / 3) }));
        for (const m of [...messages].reverse()) await storage.messages.insert(m);
        const target = messages[4] as MessageRecord;
        await storage.messages.transition(target.id, 'queued', { status: 'sent', at: T0 + 10, detail: null });
        await storage.messages.insert(aMessage({ ...scope, environment: 'live' }));
        const expected = [...messages]
          .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
          .map((m) =>
            m.id === target.id
              ? {
                  ...m,
                  status: 'sent' as const,
                  updatedAt: T0 + 10,
                  events: [...m.events, { status: 'sent' as const, at: T0 + 10, detail: null }],
                }
              : m,
          );
        const { rows } = await pageThrough(
          2,
          (after) => storage.messages.list(scope, { limit: 2, after }),
          (m) => m.createdAt,
        );
        expect(rows).toEqual(expected);
      });

      it('lists the queue (due `queued` messages): oldest first, across owners, at most `limit`', async () => {
        const db = await fresh();
        const one = aScope();
        const two: DataScope = { ownerId: uid('owner'), environment: 'live' };
        const m1 = aMessage(one, { id: 'm-b', createdAt: T0 + 2 });
        const m2 = aMessage(two, { id: 'm-a', createdAt: T0 + 2 });
        const m3 = aMessage(two, { id: 'm-z', createdAt: T0 + 1 });
        const m4 = aMessage(one, { id: 'm-c', createdAt: T0 });
        for (const m of [m1, m2, m3, m4]) await db.messages.insert(m);
        await db.messages.transition('m-c', 'queued', { status: 'sent', at: T0 + 5, detail: null });
        // A queued message was never changed since its insert: `updatedAt` is its creation, so due `queued`
        // messages come oldest first (ties by id). m-c is `sent` now and is not in the queue.
        const queued = async (before: number, limit = 10) =>
          (await db.messages.listDue('queued', before, limit)).map((m) => m.id);
        expect(await queued(T0 + 100)).toEqual(['m-z', 'm-a', 'm-b']);
        expect(await db.messages.listDue('queued', T0 + 100, 2)).toEqual([m3, m2]);
        expect(await queued(T0 + 1)).toEqual(['m-z']);
        expect(await db.messages.listDue('failed', T0 + 100, 10)).toEqual([]);
      });

      it('lists what is due: a status unchanged since `before`, longest unchanged first, at most `limit`', async () => {
        const db = await fresh();
        const one = aScope();
        const two: DataScope = { ownerId: uid('owner'), environment: 'live' };
        // Created in one order, sent in another: listDue follows the send (updatedAt), not the creation.
        const early = aMessage(one, { id: 'd-early', createdAt: T0 + 3 });
        const tieB = aMessage(two, { id: 'd-tie-b', createdAt: T0 });
        const tieA = aMessage(one, { id: 'd-tie-a', createdAt: T0 + 1 });
        const late = aMessage(two, { id: 'd-late', createdAt: T0 + 2 });
        const queued = aMessage(one, { id: 'd-queued', createdAt: T0 });
        for (const m of [early, tieB, tieA, late, queued]) await db.messages.insert(m);
        await db.messages.transition('d-early', 'queued', { status: 'sent', at: T0 + 10, detail: null });
        await db.messages.transition('d-tie-b', 'queued', { status: 'sent', at: T0 + 20, detail: null });
        await db.messages.transition('d-tie-a', 'queued', { status: 'sent', at: T0 + 20, detail: null });
        await db.messages.transition('d-late', 'queued', { status: 'sent', at: T0 + 30, detail: null });

        const ids = async (before: number, limit = 10) =>
          (await db.messages.listDue('sent', before, limit)).map((m) => m.id);
        expect(await ids(T0 + 9)).toEqual([]);
        expect(await ids(T0 + 10)).toEqual(['d-early']);
        expect(await ids(T0 + 29)).toEqual(['d-early', 'd-tie-a', 'd-tie-b']);
        expect(await ids(T0 + 30)).toEqual(['d-early', 'd-tie-a', 'd-tie-b', 'd-late']);
        expect(await ids(T0 + 30, 2)).toEqual(['d-early', 'd-tie-a']);
        const [first] = await db.messages.listDue('sent', T0 + 10, 1);
        expect(first).toMatchObject({ id: 'd-early', status: 'sent', updatedAt: T0 + 10 });
        expect(first?.events.map((e) => e.status)).toEqual(['queued', 'sent']);
        // Other statuses are not listed; a status with nothing due lists nothing.
        expect((await db.messages.listDue('queued', T0 + 100, 10)).map((m) => m.id)).toEqual(['d-queued']);
        expect(await db.messages.listDue('delivered', T0 + 100, 10)).toEqual([]);
      });
    });

    describe('news', () => {
      const aNews = (overrides: Partial<NewsRecord> = {}): NewsRecord => ({
        id: uid('news'),
        environment: 'sandbox',
        customerId: null,
        lang: 'en',
        title: 'Title ✓',
        body: 'Body',
        publishedAt: T0,
        ...overrides,
      });

      it('lists newest first, paging with ties, filtered by environment, customer, lang and since', async () => {
        const db = await fresh();
        const customer = uid('cust');
        const publicNews: NewsRecord[] = [];
        for (let i = 0; i < 7; i++) publicNews.push(aNews({ publishedAt: T0 + Math.floor(i / 3) * MINUTE }));
        const dutch = aNews({ lang: 'nl', publishedAt: T0 + HOUR });
        const addressed = aNews({ customerId: customer, publishedAt: T0 + 5 });
        const otherCustomer = aNews({ customerId: uid('cust') });
        const live = aNews({ environment: 'live' });
        for (const n of [...publicNews, dutch, addressed, otherCustomer, live]) await db.news.insert(n);

        const byDesc = (a: NewsRecord, b: NewsRecord) => b.publishedAt - a.publishedAt || (a.id < b.id ? 1 : -1);
        const filter = { environment: 'sandbox' as const, customerId: null, lang: 'en' };
        for (const size of [1, 2, 3, 7, 10]) {
          const { rows } = await pageThrough(
            size,
            (after) => db.news.list(filter, { limit: size, after }),
            (n) => n.publishedAt,
          );
          expect(rows).toEqual([...publicNews].sort(byDesc));
        }
        // Without lang: every public sandbox item.
        expect(await db.news.list({ environment: 'sandbox', customerId: null }, { limit: 100 })).toEqual(
          [...publicNews, dutch].sort(byDesc),
        );
        // A customer sees only its own news (not the public ones: the caller asks for those separately).
        expect(await db.news.list({ environment: 'sandbox', customerId: customer }, { limit: 100 })).toEqual([
          addressed,
        ]);
        expect(await db.news.list({ environment: 'live', customerId: null }, { limit: 100 })).toEqual([live]);
        expect(await db.news.list({ environment: 'live', customerId: customer }, { limit: 100 })).toEqual([]);
        // since is inclusive.
        expect(
          await db.news.list({ ...filter, since: T0 + MINUTE }, { limit: 100 }).then((r) => r.map((n) => n.id)),
        ).toEqual(
          publicNews
            .filter((n) => n.publishedAt >= T0 + MINUTE)
            .sort(byDesc)
            .map((n) => n.id),
        );
      });
    });

    describe('idempotency keys', () => {
      it('stores and finds a live record', async () => {
        const record = aKey();
        await storage.idempotencyKeys.insert(record);
        expect(await storage.idempotencyKeys.find(record, record.key, T0)).toEqual(record);
        expect(
          await storage.idempotencyKeys.find({ ...record, environment: 'sandbox' }, record.key, T0),
        ).toBeUndefined();
        expect(
          await storage.idempotencyKeys.find({ ...record, clientId: uid('client') }, record.key, T0),
        ).toBeUndefined();
        // Another owner of the same client (another user of one app) has a key space of its own.
        expect(
          await storage.idempotencyKeys.find({ ...record, ownerId: uid('owner') }, record.key, T0),
        ).toBeUndefined();
      });

      it('rejects a live duplicate with UniqueViolationError, keeping the first', async () => {
        const record = aKey();
        await storage.idempotencyKeys.insert(record);
        await expect(
          storage.idempotencyKeys.insert({ ...record, requestHash: 'other', createdAt: T0 + 1 }),
        ).rejects.toBeInstanceOf(UniqueViolationError);
        expect(await storage.idempotencyKeys.find(record, record.key, T0)).toEqual(record);
        // The same key is fine for another client, owner or environment.
        await storage.idempotencyKeys.insert({ ...record, environment: 'sandbox' });
        await storage.idempotencyKeys.insert({ ...record, clientId: uid('client') });
        const otherOwner = { ...record, ownerId: uid('owner'), requestHash: 'other', location: '/v1/contacts/ct-2' };
        await storage.idempotencyKeys.insert(otherOwner);
        expect(await storage.idempotencyKeys.find(otherOwner, record.key, T0)).toEqual(otherOwner);
        expect(await storage.idempotencyKeys.find(record, record.key, T0)).toEqual(record);
      });

      it('lets exactly one of 10 concurrent inserts of the same key succeed', async () => {
        const record = aKey();
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) =>
            storage.idempotencyKeys.insert({ ...record, location: `/v1/contacts/${i}` }),
          ),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) {
          if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(UniqueViolationError);
        }
      });

      it('ignores expired records, lets a new insert replace one, and purges them', async () => {
        const db = await fresh();
        const record = aKey({ expiresAt: T0 + HOUR });
        const other = aKey({ expiresAt: T0 + 2 * HOUR });
        await db.idempotencyKeys.insert(record);
        await db.idempotencyKeys.insert(other);
        expect(await db.idempotencyKeys.find(record, record.key, T0 + HOUR - 1)).toEqual(record);
        expect(await db.idempotencyKeys.find(record, record.key, T0 + HOUR)).toBeUndefined();

        const again = { ...record, requestHash: 'new', createdAt: T0 + HOUR, expiresAt: T0 + 3 * HOUR };
        await db.idempotencyKeys.insert(again);
        expect(await db.idempotencyKeys.find(record, record.key, T0 + HOUR)).toEqual(again);

        expect(await db.idempotencyKeys.deleteExpired(T0 + 2 * HOUR - 1)).toBe(0);
        expect(await db.idempotencyKeys.deleteExpired(T0 + 2 * HOUR)).toBe(1);
        expect(await db.idempotencyKeys.find(other, other.key, T0)).toBeUndefined();
        expect(await db.idempotencyKeys.find(record, record.key, T0 + HOUR)).toEqual(again);
      });
    });

    describe('transaction', () => {
      it('rolls back a contact when the idempotency key inside the same transaction is taken', async () => {
        const scope = aScope();
        const taken = aKey();
        await storage.idempotencyKeys.insert(taken);
        const contact = aContact(scope);
        const outcome = storage.transaction(async (tx) => {
          await tx.contacts.insert(contact);
          await tx.messages.insert(aMessage(scope, { contactId: contact.id }));
          await tx.idempotencyKeys.insert({ ...taken, requestHash: 'other' });
        });
        await expect(outcome).rejects.toBeInstanceOf(UniqueViolationError);
        expect(await storage.contacts.find(scope, contact.id)).toBeUndefined();
        expect(await storage.messages.list(scope, { limit: 10 })).toEqual([]);
      });

      it('commits resources written together', async () => {
        const scope = aScope();
        const contact = aContact(scope);
        const key = aKey();
        await storage.transaction(async (tx) => {
          await tx.contacts.insert(contact);
          await tx.idempotencyKeys.insert(key);
        });
        expect(await storage.contacts.find(scope, contact.id)).toEqual(contact);
        expect(await storage.idempotencyKeys.find(key, key.key, T0)).toEqual(key);
      });
    });
  });
}
