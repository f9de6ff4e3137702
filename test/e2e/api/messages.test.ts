/**
 * /messages end to end on both dialects: queued on send, the worker (stepped by hand against the manual
 * clock) moves it to sent and, 2 s later, delivered; failures carry their reason; validation and scopes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiCall, apiClient } from '../../helpers/api.js';
import { startTestServer, type TestServer, testDialects } from '../../helpers/server.js';

interface MessageEvent {
  status: string;
  at: string;
  detail: string | null;
}

interface Message {
  id: string;
  contact_id: string;
  channel: string;
  body: string;
  status: string;
  created_at: string;
  updated_at: string;
  events: MessageEvent[];
}

const START = Date.UTC(2026, 10, 30, 10);
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(testDialects())('messages API (%s)', (dialect) => {
  let server: TestServer;
  let client: ApiClient;
  /** A contact with a phone number and an e-mail address, and one with a phone only. */
  let reachable: string;
  let phoneOnly: string;

  const call = <T = Record<string, unknown>>(method: string, path: string, json?: unknown, token = client.token) =>
    apiCall<T>(server.baseUrl, method, path, { token, json });
  const send = (json: unknown, token = client.token) => call<Message>('POST', '/messages', json, token);
  const get = async (id: string) => (await call<Message>('GET', `/messages/${id}`)).body;

  /** Runs the worker until it has nothing to move (the server's own timer may have moved some already). */
  const step = async () => {
    for (let i = 0; i < 5 && (await server.server.messageWorker.runOnce()) > 0; i++) {
      // keep going
    }
  };

  beforeAll(async () => {
    server = await startTestServer({ dialect, startAt: START, config: { rateLimit: 100_000 } });
    client = await apiClient(server);
    const contact = async (json: Record<string, unknown>) => {
      const response = await call<{ id: string }>('POST', '/contacts', json);
      expect(response.status).toBe(201);
      return response.body.id;
    };
    reachable = await contact({ name: 'Ada', phone: '+31612345678', email: 'ada@example.com' });
    phoneOnly = await contact({ name: 'Grace', phone: '+14155550100' });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('send → 201 queued; worker → sent; 2 s later → delivered, with each event and its time', async () => {
    const t0 = server.clock.now();
    const created = await send({ contact_id: reachable, channel: 'sms', body: 'Your order has shipped.' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v0.0.1/messages/${created.body.id}`);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^msg_[A-Za-z0-9_-]+$/),
      contact_id: reachable,
      channel: 'sms',
      body: 'Your order has shipped.',
      status: 'queued',
      created_at: iso(t0),
      updated_at: iso(t0),
      events: [{ status: 'queued', at: iso(t0), detail: null }],
    });
    const id = created.body.id;

    server.clock.advance(500);
    await step();
    const sent = await get(id);
    expect(sent.status).toBe('sent');
    expect(sent.events.map((event) => event.status)).toEqual(['queued', 'sent']);
    const sentAt = Date.parse(sent.events[1]?.at ?? '');
    expect(sentAt).toBeGreaterThanOrEqual(t0);
    expect(sentAt).toBeLessThanOrEqual(t0 + 500);
    expect(sent.updated_at).toBe(sent.events[1]?.at);

    // Not yet delivered before 2 s have passed since sending.
    server.clock.advance(1000);
    await step();
    expect((await get(id)).status).toBe('sent');

    server.clock.advance(1500);
    await step();
    const delivered = await get(id);
    expect(delivered.status).toBe('delivered');
    expect(delivered.events).toEqual([
      { status: 'queued', at: iso(t0), detail: null },
      { status: 'sent', at: sent.events[1]?.at, detail: null },
      { status: 'delivered', at: iso(server.clock.now()), detail: null },
    ]);
    expect(delivered.created_at).toBe(iso(t0));
    expect(delivered.updated_at).toBe(iso(server.clock.now()));

    // Delivered is final: more steps change nothing.
    server.clock.advance(10_000);
    await step();
    expect(await get(id)).toEqual(delivered);
  });

  it('e-mail to a contact without an e-mail address → failed, with the reason', async () => {
    const created = await send({ contact_id: phoneOnly, channel: 'email', body: 'Hello' });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('queued');
    await step();
    const failed = await get(created.body.id);
    expect(failed.status).toBe('failed');
    expect(failed.events.map(({ status, detail }) => ({ status, detail }))).toEqual([
      { status: 'queued', detail: null },
      { status: 'failed', detail: 'the contact has no e-mail address' },
    ]);
    server.clock.advance(5000);
    await step();
    expect((await get(created.body.id)).status).toBe('failed');
  });

  it('e-mail to a contact with an address is sent', async () => {
    const created = await send({ contact_id: reachable, channel: 'email', body: 'Hello' });
    await step();
    expect((await get(created.body.id)).status).toBe('sent');
  });

  it('a contact deleted before the worker runs → failed "the contact no longer exists"', async () => {
    const contact = await call<{ id: string }>('POST', '/contacts', { name: 'Short-lived', phone: '+31600000001' });
    const created = await send({ contact_id: contact.body.id, channel: 'sms', body: 'Hi' });
    expect((await call('DELETE', `/contacts/${contact.body.id}`)).status).toBe(204);
    await step();
    const message = await get(created.body.id);
    // The server's own worker may have sent it before the delete; otherwise it fails with the reason.
    if (message.status === 'failed') expect(message.events.at(-1)?.detail).toBe('the contact no longer exists');
    else expect(message.status).toBe('sent');
  });

  it('an unknown contact_id → 400 on `contact_id`, nothing stored', async () => {
    const before = (await call<{ data: Message[] }>('GET', '/messages?limit=100')).body.data.length;
    const response = await send({ contact_id: 'ct_doesnotexist', channel: 'sms', body: 'Hi' });
    expect(response.status).toBe(400);
    expect(response.body as unknown).toEqual({ contact_id: ['Contact ct_doesnotexist does not exist.'] });
    expect((await call<{ data: Message[] }>('GET', '/messages?limit=100')).body.data.length).toBe(before);
  });

  it("another client's contact is unknown too → 400 on `contact_id`", async () => {
    const other = await apiClient(server);
    const response = await send({ contact_id: reachable, channel: 'sms', body: 'Hi' }, other.token);
    expect(response.status).toBe(400);
    expect(Object.keys(response.body)).toEqual(['contact_id']);
  });

  it.each([
    ['channel invalid', { channel: 'pigeon' }, 'channel'],
    ['channel missing', { channel: undefined }, 'channel'],
    ['contact_id malformed', { contact_id: 'msg_wrongprefix' }, 'contact_id'],
    ['body empty', { body: '' }, 'body'],
    ['body too long', { body: 'x'.repeat(1601) }, 'body'],
    ['unknown field', { priority: 'high' }, 'priority'],
  ])('%s → 400 naming `%s`', async (_name, change, field) => {
    const json = { contact_id: reachable, channel: 'sms', body: 'Hi', ...change };
    const response = await send(json);
    expect(response.status).toBe(400);
    expect(Object.keys(response.body)).toEqual([field]);
  });

  it('the invalid channel message lists the channels', async () => {
    const response = await send({ contact_id: reachable, channel: 'pigeon', body: 'Hi' });
    expect(response.body as unknown).toEqual({ channel: [expect.stringMatching(/^Should be one of: .*sms.*email/)] });
  });

  it('list (oldest first, paginated) and get', async () => {
    const own = await apiClient(server);
    const contact = await call<{ id: string }>(
      'POST',
      '/contacts',
      { name: 'Lister', phone: '+31600000002' },
      own.token,
    );
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      server.clock.advance(1000);
      ids.push((await send({ contact_id: contact.body.id, channel: 'sms', body: `n${i}` }, own.token)).body.id);
    }
    const first = await call<{ data: Message[]; next: string | null }>(
      'GET',
      '/messages?limit=2',
      undefined,
      own.token,
    );
    expect(first.status).toBe(200);
    expect(first.body.data.map((message) => message.id)).toEqual(ids.slice(0, 2));
    expect(first.body.next).not.toBeNull();
    const second = await call<{ data: Message[]; next: string | null }>(
      'GET',
      first.body.next ?? '',
      undefined,
      own.token,
    );
    expect(second.body.data.map((message) => message.id)).toEqual(ids.slice(2));
    expect(second.body.next).toBeNull();
    const one = await call<Message>('GET', `/messages/${ids[1]}`, undefined, own.token);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: ids[1], body: 'n1', contact_id: contact.body.id });
    expect(one.body.events[0]?.status).toBe('queued');
    // Not visible to another client.
    expect((await call('GET', `/messages/${ids[1]}`)).status).toBe(404);
    expect((await call('GET', '/messages/msg_doesnotexist', undefined, own.token)).status).toBe(404);
    expect((await call('GET', '/messages?cursor=bogus', undefined, own.token)).body as unknown).toEqual({
      cursor: ['Value is not a cursor of this list.'],
    });
  });

  describe('scopes', () => {
    it('sending needs write:messages (403 insufficient_scope; nothing queued)', async () => {
      const reader = await apiClient(server, { scopes: ['read:messages', 'read:contacts', 'write:contacts'] });
      const contact = await call<{ id: string }>(
        'POST',
        '/contacts',
        { name: 'S', phone: '+31600000003' },
        reader.token,
      );
      expect(contact.status).toBe(201);
      const response = await send({ contact_id: contact.body.id, channel: 'sms', body: 'Hi' }, reader.token);
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ error: 'insufficient_scope' });
      expect(response.headers.get('www-authenticate')).toContain('scope="write:messages"');
      expect((await call<{ data: Message[] }>('GET', '/messages', undefined, reader.token)).body.data).toEqual([]);
    });

    it('reading needs read:messages; write:messages alone can send', async () => {
      const writer = await apiClient(server, { scopes: ['write:messages', 'write:contacts'] });
      const contact = await call<{ id: string }>(
        'POST',
        '/contacts',
        { name: 'W', phone: '+31600000004' },
        writer.token,
      );
      const sent = await send({ contact_id: contact.body.id, channel: 'sms', body: 'Hi' }, writer.token);
      expect(sent.status).toBe(201);
      expect((await call('GET', '/messages', undefined, writer.token)).status).toBe(403);
      expect((await call('GET', `/messages/${sent.body.id}`, undefined, writer.token)).status).toBe(403);
    });
  });
});
