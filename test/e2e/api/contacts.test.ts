/**
 * /contacts end to end on both storage dialects: CRUD with exact statuses, every validation error of the
 * body, PATCH and PUT semantics, keyset pagination by `next` links, and data separation by environment and
 * by owner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiCall, apiClient, developerAppClients } from '../../helpers/api.js';
import { startTestServer, type TestServer, testDialects } from '../../helpers/server.js';

interface Contact {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  language: string | null;
  tags: string[];
  created_at: string;
  updated_at: string;
}

interface ContactPage {
  data: Contact[];
  next: string | null;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const START = Date.UTC(2026, 10, 30, 9);

describe.each(testDialects())('contacts API (%s)', (dialect) => {
  let server: TestServer;
  let client: ApiClient;

  const call = <T = Record<string, unknown>>(
    method: string,
    path: string,
    options: Parameters<typeof apiCall>[3] = {},
  ) => apiCall<T>(server.baseUrl, method, path, { token: client.token, ...options });

  const create = async (json: Record<string, unknown>, token = client.token): Promise<Contact> => {
    const response = await apiCall<Contact>(server.baseUrl, 'POST', '/contacts', { token, json });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body;
  };

  beforeAll(async () => {
    server = await startTestServer({ dialect, startAt: START, config: { rateLimit: 100_000 } });
    client = await apiClient(server);
  });

  afterAll(async () => {
    await server?.close();
  });

  describe('CRUD', () => {
    it('POST → 201 with Location that resolves, GET → 200, PATCH/PUT → 200, DELETE → 204, then 404', async () => {
      const created = await call<Contact>('POST', '/contacts', {
        json: {
          name: '  Ada Lovelace ',
          email: 'ada@example.com',
          phone: '+31612345678',
          language: 'en',
          tags: ['vip'],
        },
      });
      expect(created.status).toBe(201);
      expect(created.headers.get('content-type')).toMatch(/^application\/json/);
      const contact = created.body;
      expect(contact).toEqual({
        id: expect.stringMatching(/^ct_[A-Za-z0-9_-]+$/),
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        phone: '+31612345678',
        language: 'en',
        tags: ['vip'],
        created_at: new Date(START).toISOString(),
        updated_at: new Date(START).toISOString(),
      });
      const location = created.headers.get('location');
      expect(location).toBe(`/api/v0.0.1/contacts/${contact.id}`);

      const fetched = await call<Contact>('GET', location ?? '');
      expect(fetched.status).toBe(200);
      expect(fetched.body).toEqual(contact);

      server.clock.advance(1000);
      const patched = await call<Contact>('PATCH', `/contacts/${contact.id}`, { json: { name: 'Ada King' } });
      expect(patched.status).toBe(200);
      expect(patched.body).toEqual({ ...contact, name: 'Ada King', updated_at: new Date(START + 1000).toISOString() });

      const replaced = await call<Contact>('PUT', `/contacts/${contact.id}`, { json: { name: 'Countess' } });
      expect(replaced.status).toBe(200);
      expect(replaced.body.name).toBe('Countess');

      const deleted = await call('DELETE', `/contacts/${contact.id}`);
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeUndefined();

      for (const method of ['GET', 'DELETE'] as const) {
        const gone = await call(method, `/contacts/${contact.id}`);
        expect(gone.status).toBe(404);
        expect(gone.body).toEqual({ error: 'not_found', error_description: `Contact ${contact.id} does not exist` });
      }
      const patchGone = await call('PATCH', `/contacts/${contact.id}`, { json: { name: 'x' } });
      expect(patchGone.status).toBe(404);
      const putGone = await call('PUT', `/contacts/${contact.id}`, { json: { name: 'x' } });
      expect(putGone.status).toBe(404);
    });

    it('optional fields default to empty on create', async () => {
      const contact = await create({ name: 'Minimal' });
      expect(contact).toMatchObject({ name: 'Minimal', email: null, phone: null, language: null, tags: [] });
      expect(contact.created_at).toMatch(ISO_TIME);
    });

    it('a well-formed id that does not exist is 404', async () => {
      const response = await call('GET', '/contacts/ct_doesnotexist');
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ error: 'not_found' });
    });
  });

  describe('validation of the body', () => {
    const cases: [string, unknown, Record<string, string[]>][] = [
      ['name missing', {}, { name: ['Is required.'] }],
      ['name blank', { name: '   ' }, { name: ['Is required and may not be blank.'] }],
      ['name too long', { name: 'x'.repeat(201) }, { name: ['Should be at most 200 characters.'] }],
      ['email invalid', { name: 'A', email: 'not-an-email' }, { email: ['Should be a valid e-mail address.'] }],
      [
        'phone not E.164',
        { name: 'A', phone: '0612345678' },
        { phone: ['Should be a phone number in E.164 format, e.g. +31612345678.'] },
      ],
      [
        'phone with spaces',
        { name: 'A', phone: '+31 6 12345678' },
        { phone: ['Should be a phone number in E.164 format, e.g. +31612345678.'] },
      ],
      ['language unknown', { name: 'A', language: 'zz' }, { language: ['Should be valid ISO 639-1 language code.'] }],
      [
        'language a name',
        { name: 'A', language: 'English' },
        { language: ['Should be valid ISO 639-1 language code.'] },
      ],
      [
        'language 3 letters',
        { name: 'A', language: 'eng' },
        { language: ['Should be valid ISO 639-1 language code.'] },
      ],
      ['tags with a blank', { name: 'A', tags: [' '] }, { 'tags[0]': ['Should not be blank.'] }],
      [
        'too many tags',
        { name: 'A', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
        { tags: ['Should have at most 20 tags.'] },
      ],
      ['unknown field', { name: 'A', nickname: 'Ada' }, { nickname: ['Is not a known field.'] }],
      ['id is not writable', { name: 'A', id: 'ct_mine' }, { id: ['Is not a known field.'] }],
      [
        'several fields at once',
        { name: '', email: 'x', language: 'xx' },
        {
          name: ['Is required and may not be blank.'],
          email: ['Should be a valid e-mail address.'],
          language: ['Should be valid ISO 639-1 language code.'],
        },
      ],
    ];

    it.each(cases)('POST: %s → 400 field map', async (_name, json, fields) => {
      const response = await call('POST', '/contacts', { json });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(fields);
    });

    it.each(cases)('PUT: %s → 400 field map', async (_name, json, fields) => {
      const target = await create({ name: 'PUT target' });
      const response = await call('PUT', `/contacts/${target.id}`, { json });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(fields);
    });

    // A value of the wrong type is named as such, never reported as missing.
    const wrongTypes: [string, unknown, Record<string, string[]>][] = [
      ['name not a string', { name: 42 }, { name: ['Should be a string.'] }],
      ['tags not an array', { name: 'A', tags: 'vip' }, { tags: ['Should be an array of strings.'] }],
      ['tags with a number', { name: 'A', tags: ['ok', 7] }, { 'tags[1]': ['Should be a string.'] }],
      ['email a number', { name: 'A', email: 5 }, { email: ['Should be a valid e-mail address.'] }],
      ['body an array', [], { body: ['Should be an object.'] }],
      ['body a string', 'Ada', { body: ['Should be an object.'] }],
    ];

    it.each(wrongTypes)('POST: %s → 400 on the field (status and field name)', async (_name, json, fields) => {
      const response = await call('POST', '/contacts', {
        raw: JSON.stringify(json),
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(400);
      expect(Object.keys(response.body)).toEqual(Object.keys(fields));
    });

    it.each(wrongTypes)('POST: %s → the message names the type, not "Is required."', async (_name, json, fields) => {
      const response = await call('POST', '/contacts', {
        raw: JSON.stringify(json),
        headers: { 'content-type': 'application/json' },
      });
      expect(response.body).toEqual(fields);
    });

    it('a repeated query parameter says "Should be given once."', async () => {
      const response = await call('GET', '/contacts?limit=5&limit=6');
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ limit: ['Should be given once.'] });
    });

    it('a body that is null → 400 {body: ["A JSON body is required."]}', async () => {
      const response = await call('POST', '/contacts', {
        raw: 'null',
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(400);
      expect(Object.keys(response.body)).toEqual(['body']);
    });

    it('invalid JSON → 400 {body: ["Is not valid JSON."]}', async () => {
      const response = await call('POST', '/contacts', {
        raw: '{"name": "Ada",',
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ body: ['Is not valid JSON.'] });
    });

    it('an empty JSON body → 400 on `body`', async () => {
      const response = await call('POST', '/contacts', { raw: '', headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        body: [expect.stringMatching(/^(The JSON body is empty|A JSON body is required)\.$/)],
      });
    });

    it('no body at all → 400 {body: ["A JSON body is required."]}', async () => {
      const response = await call('POST', '/contacts');
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ body: ['A JSON body is required.'] });
    });

    it('a failed create stores nothing', async () => {
      const other = await apiClient(server);
      await apiCall(server.baseUrl, 'POST', '/contacts', { token: other.token, json: { name: '' } });
      const list = await apiCall<ContactPage>(server.baseUrl, 'GET', '/contacts', { token: other.token });
      expect(list.body).toEqual({ data: [], next: null });
    });
  });

  describe('PATCH and PUT semantics', () => {
    const full = { name: 'Grace', email: 'grace@example.com', phone: '+14155550100', language: 'en', tags: ['navy'] };

    it('PATCH changes only the fields sent', async () => {
      const contact = await create(full);
      const response = await call<Contact>('PATCH', `/contacts/${contact.id}`, { json: { phone: '+14155550199' } });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ...contact, phone: '+14155550199', updated_at: response.body.updated_at });
      expect((await call<Contact>('GET', `/contacts/${contact.id}`)).body).toEqual(response.body);
    });

    it('PATCH with null clears an optional field', async () => {
      const contact = await create(full);
      const response = await call<Contact>('PATCH', `/contacts/${contact.id}`, {
        json: { email: null, language: null },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        name: 'Grace',
        email: null,
        language: null,
        phone: full.phone,
        tags: ['navy'],
      });
    });

    it('PATCH with null for the name → 400', async () => {
      const contact = await create(full);
      const response = await call('PATCH', `/contacts/${contact.id}`, { json: { name: null } });
      expect(response.status).toBe(400);
      expect(Object.keys(response.body)).toEqual(['name']);
      expect((await call<Contact>('GET', `/contacts/${contact.id}`)).body.name).toBe('Grace');
    });

    it('an empty PATCH → 400 and nothing changes', async () => {
      const contact = await create(full);
      const response = await call('PATCH', `/contacts/${contact.id}`, { json: {} });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ body: ['Send at least one field to change.'] });
      expect((await call<Contact>('GET', `/contacts/${contact.id}`)).body).toEqual(contact);
    });

    it('PATCH validates like create (language message, unknown field)', async () => {
      const contact = await create(full);
      const response = await call('PATCH', `/contacts/${contact.id}`, { json: { language: 'xx', foo: 1 } });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        language: ['Should be valid ISO 639-1 language code.'],
        foo: ['Is not a known field.'],
      });
    });

    it('PUT replaces every field: those left out become empty', async () => {
      const contact = await create(full);
      server.clock.advance(5000);
      const response = await call<Contact>('PUT', `/contacts/${contact.id}`, { json: { name: 'Grace Hopper' } });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        id: contact.id,
        name: 'Grace Hopper',
        email: null,
        phone: null,
        language: null,
        tags: [],
        created_at: contact.created_at,
        updated_at: new Date(Date.parse(contact.created_at) + 5000).toISOString(),
      });
      expect((await call<Contact>('GET', `/contacts/${contact.id}`)).body).toEqual(response.body);
    });

    it('PUT without a name → 400', async () => {
      const contact = await create(full);
      const response = await call('PUT', `/contacts/${contact.id}`, { json: { email: 'x@example.com' } });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ name: ['Is required.'] });
    });
  });

  describe('pagination', () => {
    let pager: ApiClient;
    let created: Contact[];

    beforeAll(async () => {
      pager = await apiClient(server);
      created = [];
      for (let i = 0; i < 45; i++) {
        // Groups of contacts share an instant, so the id tie-break is exercised too.
        if (i % 4 === 0) server.clock.advance(1000);
        created.push(await create({ name: `Contact ${String(i).padStart(2, '0')}` }, pager.token));
      }
    });

    const page = (path: string) => apiCall<ContactPage>(server.baseUrl, 'GET', path, { token: pager.token });

    it('walking `next` with limit 20 gives 20, 20, 5, every contact once, oldest first', async () => {
      const sizes: number[] = [];
      const seen: Contact[] = [];
      let path: string | null = '/contacts?limit=20';
      while (path !== null) {
        const response = await page(path);
        expect(response.status).toBe(200);
        sizes.push(response.body.data.length);
        seen.push(...response.body.data);
        if (response.body.next !== null) {
          expect(response.body.next).toMatch(/^\/api\/v0\.0\.1\/contacts\?/);
          expect(new URL(response.body.next, server.baseUrl).searchParams.get('limit')).toBe('20');
        }
        path = response.body.next;
        expect(sizes.length).toBeLessThan(10);
      }
      expect(sizes).toEqual([20, 20, 5]);
      const ids = seen.map((contact) => contact.id);
      expect(new Set(ids).size).toBe(45);
      expect(new Set(ids)).toEqual(new Set(created.map((contact) => contact.id)));
      const expected = [...seen].sort((a, b) =>
        a.created_at === b.created_at ? (a.id < b.id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1,
      );
      expect(ids).toEqual(expected.map((contact) => contact.id));
      // Oldest first: the first page starts with the first instant's group (ties ordered by id).
      expect(['Contact 00', 'Contact 01', 'Contact 02', 'Contact 03']).toContain(seen[0]?.name);
      expect(seen.at(-1)?.name).toBe('Contact 44');
    });

    it('the order is stable: walking again gives the same sequence', async () => {
      const walk = async () => {
        const ids: string[] = [];
        let path: string | null = '/contacts?limit=20';
        while (path !== null) {
          const response = await page(path);
          ids.push(...response.body.data.map((contact) => contact.id));
          path = response.body.next;
        }
        return ids;
      };
      expect(await walk()).toEqual(await walk());
    });

    it('default limit is 20; limit=100 returns everything with next null', async () => {
      const first = await page('/contacts');
      expect(first.body.data).toHaveLength(20);
      expect(first.body.next).not.toBeNull();
      const all = await page('/contacts?limit=100');
      expect(all.body.data).toHaveLength(45);
      expect(all.body.next).toBeNull();
    });

    it('an exact last page (limit 45) has next null', async () => {
      const response = await page('/contacts?limit=45');
      expect(response.body.data).toHaveLength(45);
      expect(response.body.next).toBeNull();
    });

    it.each(['0', '101', 'abc', '-1', '1.5', ''])('limit=%s → 400 on `limit`', async (limit) => {
      const response = await page(`/contacts?limit=${limit}`);
      expect(response.status).toBe(400);
      expect(Object.keys(response.body)).toEqual(['limit']);
      expect(response.body as unknown).toEqual({ limit: [expect.stringContaining('use 1 to 100')] });
    });

    it('limit given twice → 400 on `limit`', async () => {
      const response = await page('/contacts?limit=5&limit=6');
      expect(response.status).toBe(400);
      expect(Object.keys(response.body)).toEqual(['limit']);
    });

    it.each([
      'bogus',
      'eyJub3QiOiJhIGN1cnNvciJ9',
      Buffer.from('[1,2]').toString('base64url'),
      'x'.repeat(600),
      // [1,"a\u0000"]: a NUL in the id, which PostgreSQL refuses in a text parameter (was a 500).
      'WzEsImFcdTAwMDAiXQ',
      Buffer.from('[1,"ct_a b"]').toString('base64url'),
      Buffer.from('[1,""]').toString('base64url'),
      Buffer.from(JSON.stringify([1, 'a'.repeat(129)])).toString('base64url'),
    ])('cursor=%s → 400 on `cursor`', async (cursor) => {
      const response = await page(`/contacts?cursor=${cursor}`);
      expect(response.status).toBe(400);
      expect(response.body as unknown).toEqual({ cursor: ['Value is not a cursor of this list.'] });
    });
  });

  describe('separation of data', () => {
    it('a live client of the same application cannot see or change sandbox contacts', async () => {
      const app = await developerAppClients(server, `dev-${dialect}-env`);
      const sandboxContact = await create({ name: 'Sandbox only' }, app.sandbox.token);
      const asLive = (method: string, path: string, json?: unknown) =>
        apiCall(server.baseUrl, method, path, { token: app.live.token, json });

      expect((await asLive('GET', '/contacts')).body).toEqual({ data: [], next: null });
      for (const [method, json] of [
        ['GET', undefined],
        ['PATCH', { name: 'Hijacked' }],
        ['PUT', { name: 'Hijacked' }],
        ['DELETE', undefined],
      ] as const) {
        const response = await asLive(method, `/contacts/${sandboxContact.id}`, json);
        expect(response.status, method).toBe(404);
        expect(response.body).toMatchObject({ error: 'not_found' });
      }
      // Both clients answer for the same owner: only the environment separates them.
      const meSandbox = await apiCall(server.baseUrl, 'GET', '/me', { token: app.sandbox.token });
      const meLive = await apiCall(server.baseUrl, 'GET', '/me', { token: app.live.token });
      expect(meSandbox.body).toMatchObject({ customer_id: app.ownerId, environment: 'sandbox' });
      expect(meLive.body).toMatchObject({ customer_id: app.ownerId, environment: 'live' });
      // Untouched, and the live side's own contacts do not show up in the sandbox.
      await create({ name: 'Live only' }, app.live.token);
      const sandboxList = await apiCall<ContactPage>(server.baseUrl, 'GET', '/contacts', { token: app.sandbox.token });
      expect(sandboxList.body.data).toEqual([sandboxContact]);
    });

    it('two clients made by the CLI have separate data', async () => {
      const first = await apiClient(server, { name: 'CLI client one' });
      const second = await apiClient(server, { name: 'CLI client two' });
      const mine = await create({ name: 'Mine' }, first.token);
      const asSecond = (method: string, json?: unknown) =>
        apiCall(server.baseUrl, method, `/contacts/${mine.id}`, { token: second.token, json });
      expect((await apiCall(server.baseUrl, 'GET', '/contacts', { token: second.token })).body).toEqual({
        data: [],
        next: null,
      });
      expect((await asSecond('GET')).status).toBe(404);
      expect((await asSecond('PATCH', { name: 'x' })).status).toBe(404);
      expect((await asSecond('DELETE')).status).toBe(404);
      const firstList = await apiCall<ContactPage>(server.baseUrl, 'GET', '/contacts', { token: first.token });
      expect(firstList.body.data).toEqual([mine]);
    });

    it('two applications of different developers have separate data', async () => {
      const one = await developerAppClients(server, `dev-${dialect}-one`);
      const two = await developerAppClients(server, `dev-${dialect}-two`);
      const contact = await create({ name: 'One' }, one.sandbox.token);
      const response = await apiCall(server.baseUrl, 'GET', `/contacts/${contact.id}`, { token: two.sandbox.token });
      expect(response.status).toBe(404);
    });
  });
});
