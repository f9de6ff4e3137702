/**
 * Idempotency-Key on creates, end to end on both dialects: a repeat answers 200 with the first resource, a
 * different body 422, keys are per client and per data owner (two users of one app) and expire after 24 h, and parallel repeats create exactly one.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES, type ApiClient, apiCall, apiClient, clientToken } from '../../helpers/api.js';
import { type Fixture, loggedInBrowser, obtainTokens, registerClient, TEST_PASSWORD } from '../../helpers/e2e.js';
import { startTestServer, type TestServer, testDialects } from '../../helpers/server.js';

interface Resource {
  id: string;
  [key: string]: unknown;
}

const DAY = 24 * 60 * 60 * 1000;

describe.each(testDialects())('Idempotency-Key (%s)', (dialect) => {
  let server: TestServer;

  const post = (client: ApiClient, path: string, json: unknown, key?: string) =>
    apiCall<Resource>(server.baseUrl, 'POST', path, {
      token: client.token,
      json,
      ...(key === undefined ? {} : { headers: { 'idempotency-key': key } }),
    });

  const contactCount = async (client: ApiClient) => {
    const list = await apiCall<{ data: Resource[] }>(server.baseUrl, 'GET', '/contacts?limit=100', {
      token: client.token,
    });
    return list.body.data.length;
  };

  beforeAll(async () => {
    server = await startTestServer({ dialect, config: { rateLimit: 100_000 } });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('same key and body: 201, then 200 with the same resource and Location; one contact stored', async () => {
    const client = await apiClient(server);
    const key = randomUUID();
    const first = await post(client, '/contacts', { name: 'Ada', tags: ['a'] }, key);
    expect(first.status).toBe(201);
    const second = await post(client, '/contacts', { name: 'Ada', tags: ['a'] }, key);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(second.headers.get('location')).toBe(`/api/v0.0.1/contacts/${first.body.id}`);
    expect(await contactCount(client)).toBe(1);
  });

  it('the same JSON with its keys in another order counts as the same request', async () => {
    const client = await apiClient(server);
    const key = randomUUID();
    const first = await post(client, '/contacts', { name: 'Ada', email: 'ada@example.com' }, key);
    const second = await post(client, '/contacts', { email: 'ada@example.com', name: 'Ada' }, key);
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.id).toBe(first.body.id);
  });

  it('without a key every POST creates', async () => {
    const client = await apiClient(server);
    const first = await post(client, '/contacts', { name: 'Ada' });
    const second = await post(client, '/contacts', { name: 'Ada' });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.id).not.toBe(first.body.id);
    expect(await contactCount(client)).toBe(2);
  });

  it('same key with a different body → 422 idempotency_key_reused, nothing new stored', async () => {
    const client = await apiClient(server);
    const key = randomUUID();
    expect((await post(client, '/contacts', { name: 'Ada' }, key)).status).toBe(201);
    const reused = await post(client, '/contacts', { name: 'Grace' }, key);
    expect(reused.status).toBe(422);
    expect(Object.keys(reused.body).sort()).toEqual(['error', 'error_description']);
    expect(reused.body.error).toBe('idempotency_key_reused');
    expect(await contactCount(client)).toBe(1);
  });

  it('the same key on another path is a different request → 422', async () => {
    const client = await apiClient(server);
    const key = randomUUID();
    const contact = await post(client, '/contacts', { name: 'Ada', phone: '+31612345678' }, key);
    expect(contact.status).toBe(201);
    const message = await post(client, '/messages', { contact_id: contact.body.id, channel: 'sms', body: 'Hi' }, key);
    expect(message.status).toBe(422);
    expect(message.body.error).toBe('idempotency_key_reused');
  });

  it('a failed create does not use up the key', async () => {
    const client = await apiClient(server);
    const key = randomUUID();
    expect((await post(client, '/contacts', { name: '' }, key)).status).toBe(400);
    const retry = await post(client, '/contacts', { name: 'Ada' }, key);
    expect(retry.status).toBe(201);
  });

  it('the same key used by another client is independent: 201 each', async () => {
    const one = await apiClient(server);
    const two = await apiClient(server);
    const key = randomUUID();
    const a = await post(one, '/contacts', { name: 'Ada' }, key);
    const b = await post(two, '/contacts', { name: 'Ada' }, key);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.id).not.toBe(a.body.id);
    // And a different body from the other client is no conflict either.
    expect((await post(two, '/contacts', { name: 'Other' }, `${key}-x`)).status).toBe(201);
  });

  it('two users of ONE client (authorization code) with the same key and body: 201 each, their own contacts', async () => {
    const client = await registerClient(server);
    /** A user's token for `client`, through the browser flow (login, consent, code, token). */
    const userToken = async (username: string): Promise<ApiClient> => {
      const { id } = await server.createUser(username, TEST_PASSWORD);
      const user = { id, username, password: TEST_PASSWORD };
      const browser = await loggedInBrowser(server.baseUrl, user);
      const fx: Fixture = { server, baseUrl: server.baseUrl, issuer: server.ctx.config.issuer, user, browser };
      const tokens = await obtainTokens(fx, client, { scope: 'read:contacts write:contacts' });
      return { clientId: client.clientId, token: tokens.access_token };
    };
    const alice = await userToken(`alice-${randomUUID().slice(0, 8)}`);
    const bob = await userToken(`bob-${randomUUID().slice(0, 8)}`);
    const key = randomUUID();
    const json = { name: 'Ada', email: 'ada@example.com' };

    const fromAlice = await post(alice, '/contacts', json, key);
    const fromBob = await post(bob, '/contacts', json, key);
    expect([fromAlice.status, fromBob.status]).toEqual([201, 201]);
    expect(fromBob.body.id).not.toBe(fromAlice.body.id);
    expect(fromBob.headers.get('location')).toBe(`/api/v0.0.1/contacts/${fromBob.body.id}`);
    // Each sees only their own contact; Bob cannot reach Alice's.
    expect(await contactCount(alice)).toBe(1);
    expect(await contactCount(bob)).toBe(1);
    const peek = await apiCall(server.baseUrl, 'GET', `/contacts/${fromAlice.body.id}`, { token: bob.token });
    expect(peek.status).toBe(404);
    // Within each user's own key space the key still replays.
    const againBob = await post(bob, '/contacts', json, key);
    expect(againBob.status).toBe(200);
    expect(againBob.body.id).toBe(fromBob.body.id);
    const againAlice = await post(alice, '/contacts', json, key);
    expect(againAlice.status).toBe(200);
    expect(againAlice.body.id).toBe(fromAlice.body.id);
  });

  it('a key is remembered for 24 h: a repeat just before is 200, one after 24 h + 1 s is 201 with a new resource', async () => {
    const { clientId, clientSecret } = await server.createClient({
      name: 'idempotency expiry',
      grantTypes: ['client_credentials'],
      scopes: ALL_SCOPES,
    });
    // Tokens live an hour: take a fresh one for the same client at each step.
    const client = async (): Promise<ApiClient> => ({
      clientId,
      token: await clientToken(server, clientId, clientSecret ?? ''),
    });
    const key = randomUUID();
    const first = await post(await client(), '/contacts', { name: 'Ada' }, key);
    expect(first.status).toBe(201);
    server.clock.advance(DAY - 1000);
    const withinDay = await post(await client(), '/contacts', { name: 'Ada' }, key);
    expect(withinDay.status).toBe(200);
    expect(withinDay.body.id).toBe(first.body.id);
    server.clock.advance(2000);
    const current = await client();
    const afterDay = await post(current, '/contacts', { name: 'Ada' }, key);
    expect(afterDay.status).toBe(201);
    expect(afterDay.body.id).not.toBe(first.body.id);
    expect(afterDay.headers.get('location')).toBe(`/api/v0.0.1/contacts/${afterDay.body.id}`);
    expect(await contactCount(current)).toBe(2);
    // The key now stands for the new request: a repeat returns the new resource.
    const repeat = await post(current, '/contacts', { name: 'Ada' }, key);
    expect(repeat.status).toBe(200);
    expect(repeat.body.id).toBe(afterDay.body.id);
  });

  it('10 parallel POSTs with one key → exactly one 201, nine 200 with the same id, one contact stored', async () => {
    const client = await apiClient(server);
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => post(client, '/contacts', { name: 'Racer', tags: ['x'] }, key)),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
    expect(new Set(responses.map((response) => response.headers.get('location'))).size).toBe(1);
    expect(await contactCount(client)).toBe(1);
  });

  it.each([
    ['too long', 'k'.repeat(256)],
    ['non-ASCII', 'schlüssel-1'],
    ['with a space', 'two words'],
  ])('an invalid key (%s) → 400 on `Idempotency-Key`, nothing stored', async (_name, key) => {
    const client = await apiClient(server);
    const response = await apiCall(server.baseUrl, 'POST', '/contacts', {
      token: client.token,
      json: { name: 'Ada' },
      headers: { 'idempotency-key': asHeaderBytes(key) },
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      'Idempotency-Key': ['Should be 1 to 255 visible ASCII characters, e.g. a UUID.'],
    });
    expect(await contactCount(client)).toBe(0);
  });

  it('a key of exactly 255 visible characters is accepted', async () => {
    const client = await apiClient(server);
    const key = `${randomUUID()}${'~'.repeat(255 - 36)}`;
    expect((await post(client, '/contacts', { name: 'Ada' }, key)).status).toBe(201);
    expect((await post(client, '/contacts', { name: 'Ada' }, key)).status).toBe(200);
  });

  it('POST /messages honours the key: one message, 201 then 200 with the same id', async () => {
    const client = await apiClient(server);
    const contact = await post(client, '/contacts', { name: 'Ada', phone: '+31612345678' });
    const key = randomUUID();
    const json = { contact_id: contact.body.id, channel: 'sms', body: 'Your order has shipped.' };
    const first = await post(client, '/messages', json, key);
    expect(first.status).toBe(201);
    const second = await post(client, '/messages', json, key);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get('location')).toBe(`/api/v0.0.1/messages/${first.body.id}`);
    const conflict = await post(client, '/messages', { ...json, body: 'Another text' }, key);
    expect(conflict.status).toBe(422);
    const list = await apiCall<{ data: Resource[] }>(server.baseUrl, 'GET', '/messages', { token: client.token });
    expect(list.body.data.map((message) => message.id)).toEqual([first.body.id]);
  });
});

/** Header values must be ByteStrings for fetch: send the key's UTF-8 bytes (ASCII keys are unchanged). */
function asHeaderBytes(key: string): string {
  return Buffer.from(key, 'utf8').toString('latin1');
}
