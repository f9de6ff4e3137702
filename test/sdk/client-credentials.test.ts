/**
 * The SDK with the client-credentials grant against a real Flexgate server: token reuse and renewal on the
 * injected clock, one renewal for many concurrent calls, 401 recovery, and the typed API errors.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthError,
  createClient,
  type FlexgateClient,
  MemoryTokenStore,
  OAuthError,
  RateLimitError,
  ValidationError,
} from '../../packages/client/src/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { countingFetch } from './sdk-helpers.js';

let server: TestServer;
let clientId: string;
let clientSecret: string;

beforeAll(async () => {
  server = await startTestServer();
  const created = await server.createClient({
    name: 'Machine',
    grantTypes: ['client_credentials'],
    scopes: ['read:contacts', 'write:contacts'],
  });
  clientId = created.clientId;
  clientSecret = created.clientSecret ?? '';
});
afterAll(() => server.close());

function machine(options: { fetch?: typeof globalThis.fetch; store?: MemoryTokenStore } = {}): FlexgateClient {
  return createClient({
    baseUrl: server.baseUrl,
    clientId,
    clientSecret,
    scopes: ['read:contacts', 'write:contacts'],
    now: () => server.clock.now(),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.store === undefined ? {} : { tokenStore: options.store }),
  });
}

describe('client credentials', () => {
  it('gets a token on first use, reuses it until the margin, then gets a new one', async () => {
    const counter = countingFetch();
    const store = new MemoryTokenStore();
    const sdk = machine({ fetch: counter.fetch, store });
    const first = await sdk.getAccessToken();
    expect(counter.grants('client_credentials')).toBe(1);
    const stored = await store.load();
    expect(stored).toMatchObject({ accessToken: first, tokenType: 'Bearer' });
    expect(stored?.expiresAt).toBe(server.clock.now() + 3600_000);

    await sdk.listContacts();
    server.clock.advance(3600_000 - 61_000); // 61 s left: outside the 60 s margin
    expect(await sdk.getAccessToken()).toBe(first);
    await sdk.listContacts();
    expect(counter.grants('client_credentials')).toBe(1);

    server.clock.advance(2000); // 59 s left: inside the margin
    const second = await sdk.getAccessToken();
    expect(second).not.toBe(first);
    expect(counter.grants('client_credentials')).toBe(2);
    await expect(sdk.listContacts()).resolves.toMatchObject({ data: expect.any(Array) });
  });

  it('20 concurrent calls at expiry share one token request', async () => {
    const counter = countingFetch();
    const sdk = machine({ fetch: counter.fetch });
    await sdk.listContacts();
    server.clock.advance(3600_000 - 30_000);
    const results = await Promise.all(Array.from({ length: 20 }, () => sdk.listContacts()));
    expect(results).toHaveLength(20);
    expect(counter.grants('client_credentials')).toBe(2);
  });

  it('20 concurrent first calls share one token request', async () => {
    const counter = countingFetch();
    const sdk = machine({ fetch: counter.fetch });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => sdk.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(counter.grants('client_credentials')).toBe(1);
    expect(counter.requests.filter((request) => request.url.includes('/.well-known/'))).toHaveLength(1);
  });

  it('a 401 (token revoked at the server) → one new token, the call retried once and it works', async () => {
    const counter = countingFetch();
    const sdk = machine({ fetch: counter.fetch });
    const token = await sdk.getAccessToken();
    const revoke = await fetch(`${server.baseUrl}/oauth/revoke`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${btoa(`${clientId}:${clientSecret}`)}`,
      },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
    });
    expect(revoke.status).toBe(200);
    // The server's revocation list applies the revocation at once: the old token is refused.
    const raw = await fetch(`${server.baseUrl}/api/v0.0.1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(raw.status).toBe(401);

    await expect(sdk.getMe()).resolves.toMatchObject({ client_id: clientId });
    expect(counter.grants('client_credentials')).toBe(2);
    expect(await sdk.getAccessToken()).not.toBe(token);
  });

  it('a second 401 → AuthError, after exactly one new token', async () => {
    const counter = countingFetch();
    // Every API request is sent with a token the server never issued.
    const mangling: typeof globalThis.fetch = (input, init) => {
      if (String(input).includes('/api/')) {
        const headers = new Headers(init?.headers);
        headers.set('authorization', 'Bearer not-a-token');
        return counter.fetch(input, { ...init, headers });
      }
      return counter.fetch(input, init);
    };
    const sdk = machine({ fetch: mangling });
    const error = await sdk.getMe().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ status: 401, error: 'invalid_token' });
    expect(counter.grants('client_credentials')).toBe(2);
    expect(counter.requests.filter((request) => request.url.includes('/api/'))).toHaveLength(2);
  });

  it('a wrong secret → OAuthError invalid_client without the secret in it', async () => {
    const sdk = createClient({ baseUrl: server.baseUrl, clientId, clientSecret: 'wrong-secret-value-123' });
    const error = await sdk.getAccessToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ error: 'invalid_client', status: 401 });
    const text = `${String(error)} ${(error as Error).stack} ${inspect(error)} ${JSON.stringify(error)}`;
    expect(text).not.toContain('wrong-secret-value-123');
  });

  it('never shows the secret or tokens in String, JSON or inspect of the client', async () => {
    const sdk = machine();
    const token = await sdk.getAccessToken();
    for (const text of [String(sdk), JSON.stringify(sdk), inspect(sdk, { showHidden: true, depth: 10 }), `${sdk}`]) {
      expect(text).not.toContain(clientSecret);
      expect(text).not.toContain(token);
    }
    expect(JSON.parse(JSON.stringify(sdk))).toEqual({ baseUrl: server.baseUrl, clientId });
    expect(String(sdk)).toBe(`FlexgateClient(${server.baseUrl}, ${clientId})`);
  });
});

describe('typed API errors', () => {
  it('400 with a field map → ValidationError', async () => {
    const sdk = machine();
    const error = await sdk
      .request({ operationId: 'createContact', method: 'POST', path: '/contacts', body: { email: 42 } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    const { fields } = error as ValidationError;
    expect(Object.keys(fields).length).toBeGreaterThan(0);
    for (const messages of Object.values(fields))
      expect(messages).toEqual(expect.arrayContaining([expect.any(String)]));
  });

  it('404 → ApiError with the request id', async () => {
    const sdk = machine();
    const error = await sdk
      .request({ operationId: 'getContact', method: 'GET', path: '/contacts/{id}', pathParams: { id: 'ct_missing' } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: 'not_found', requestId: expect.any(String) });
    expect((error as ApiError).message).toContain((error as ApiError).requestId);
  });

  it('request() returns status, data and headers', async () => {
    const sdk = machine();
    const response = await sdk.request<{ data: unknown[] }>({
      operationId: 'listContacts',
      method: 'GET',
      path: '/contacts',
      query: { limit: 5, cursor: undefined },
    });
    expect(response.status).toBe(200);
    expect(Array.isArray(response.data.data)).toBe(true);
    expect(response.headers.get('x-request-id')).toEqual(expect.any(String));
  });
});

describe('rate limits', () => {
  let limited: TestServer;
  let limitedClient: { clientId: string; clientSecret: string | undefined };
  beforeAll(async () => {
    limited = await startTestServer({ config: { rateLimit: 2 } });
    limitedClient = await limited.createClient({
      name: 'Busy',
      grantTypes: ['client_credentials'],
      scopes: ['read:contacts'],
    });
  });
  afterAll(() => limited.close());

  const busy = (extra: Partial<Parameters<typeof createClient>[0]> = {}) =>
    createClient({
      baseUrl: limited.baseUrl,
      clientId: limitedClient.clientId,
      clientSecret: limitedClient.clientSecret ?? '',
      scopes: ['read:contacts'],
      now: () => limited.clock.now(),
      ...extra,
    });

  it('429 → RateLimitError with retryAfterSeconds', async () => {
    const sdk = busy();
    await sdk.listContacts();
    await sdk.listContacts();
    const error = await sdk.listContacts().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterSeconds).toBeGreaterThan(0);
    expect((error as RateLimitError).retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('retryOnRateLimit retries a 429 once and the retry succeeds', async () => {
    limited.clock.advance(61_000); // a new window
    const waits: number[] = [];
    // The server's limiter runs on its manual clock: move it on when the SDK is told to wait.
    const advancing: typeof globalThis.fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (response.status === 429) {
        const seconds = Number(response.headers.get('retry-after'));
        waits.push(seconds);
        limited.clock.advance(seconds * 1000 + 1000);
        return new Response(await response.text(), {
          status: 429,
          headers: { 'retry-after': '0', 'content-type': 'application/json' },
        });
      }
      return response;
    };
    const sdk = busy({ fetch: advancing, retryOnRateLimit: { maxRetries: 1, maxWaitSeconds: 10 } });
    await sdk.listContacts();
    await sdk.listContacts();
    await expect(sdk.listContacts()).resolves.toMatchObject({ data: expect.any(Array) });
    expect(waits).toHaveLength(1);
  });
});
