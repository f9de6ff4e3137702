/**
 * What the SDK does when the wire misbehaves, with an injected `fetch` (no server): network failures,
 * unreadable answers, timeouts and aborts become typed errors that quote no body, URL or token;
 * `Retry-After` parsing; request ids on auth errors; PKCE without Web Crypto.
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sleep } from '../../packages/client/src/http.js';
import {
  AuthError,
  createClient,
  type FlexgateClient,
  FlexgateError,
  NetworkError,
  RateLimitError,
  ResponseError,
} from '../../packages/client/src/index.js';

const BASE = 'https://fg.test';
const SECRET = 'cs_super-secret-value';
const ACCESS = 'fga_access-token-value';

type Handler = (url: string, init: RequestInit | undefined) => Promise<Response> | Response;

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const tokenResponse = () => json({ access_token: ACCESS, token_type: 'Bearer', expires_in: 3600 });

/** Never answers; rejects with the signal's reason when aborted (as `fetch` does). */
const hang = (init: RequestInit | undefined) =>
  new Promise<Response>((_resolve, reject) => {
    const signal = init?.signal;
    if (signal === undefined || signal === null) return;
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

/** A fake Flexgate: metadata, then `token` and `api` handlers. Counts the calls to each. */
function fake(handlers: { token?: Handler; api?: Handler }) {
  const calls = { metadata: 0, token: 0, api: 0 };
  const fetchFn: typeof globalThis.fetch = async (input, init) => {
    const url = String(input);
    if (url.includes('/.well-known/')) {
      calls.metadata += 1;
      return json({
        issuer: BASE,
        authorization_endpoint: `${BASE}/oauth/authorize`,
        token_endpoint: `${BASE}/oauth/token`,
      });
    }
    if (url.endsWith('/oauth/token')) {
      calls.token += 1;
      return (handlers.token ?? tokenResponse)(url, init);
    }
    calls.api += 1;
    return (handlers.api ?? (() => json({ data: [] })))(url, init);
  };
  return { fetch: fetchFn, calls };
}

function client(fetchFn: typeof globalThis.fetch, extra: Partial<Parameters<typeof createClient>[0]> = {}) {
  return createClient({ baseUrl: BASE, clientId: 'cl_machine', clientSecret: SECRET, fetch: fetchFn, ...extra });
}

/** Everything an error shows, to check that no secret is in it. */
const shown = (error: unknown) =>
  `${(error as Error).message} ${(error as Error).stack} ${inspect(error, { depth: 10 })} ${JSON.stringify(error)}`;

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

describe('network failures and unreadable answers', () => {
  it('fetch rejecting on an API call → NetworkError without the URL, token or cause', async () => {
    const { fetch } = fake({
      api: (url) => {
        throw new TypeError(`fetch failed for ${url}?api_key=${SECRET} with ${ACCESS}`, {
          cause: Object.assign(new Error(`connect ECONNREFUSED ${url}`), { code: 'ECONNREFUSED' }),
        });
      },
    });
    const error = await caught(client(fetch).listContacts({ query: { cursor: 'cur_x' } }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toBeInstanceOf(FlexgateError);
    expect(error).toMatchObject({ reason: 'failed', code: 'ECONNREFUSED' });
    expect((error as Error).cause).toBeUndefined();
    for (const secret of [SECRET, ACCESS, 'fg.test', 'cur_x']) expect(shown(error)).not.toContain(secret);
  });

  it('fetch rejecting on the token request → NetworkError, and the next call tries again', async () => {
    let down = true;
    const { fetch, calls } = fake({
      token: () => {
        if (down) throw new TypeError('fetch failed');
        return tokenResponse();
      },
    });
    const sdk = client(fetch);
    await expect(sdk.getAccessToken()).rejects.toBeInstanceOf(NetworkError);
    down = false;
    await expect(sdk.getAccessToken()).resolves.toBe(ACCESS);
    expect(calls.token).toBe(2);
  });

  it('a 200 with an HTML page (a captive portal) → ResponseError, never the page as data', async () => {
    const page = '<html><body>Sign in to the hotel wifi: session=abc123</body></html>';
    const { fetch } = fake({
      api: () => new Response(page, { status: 200, headers: { 'content-type': 'text/html', 'x-request-id': 'rq_1' } }),
    });
    const error = await caught(client(fetch).listContacts());
    expect(error).toBeInstanceOf(ResponseError);
    expect(error).toMatchObject({ status: 200, requestId: 'rq_1' });
    expect(shown(error)).not.toContain('session=abc123');
  });

  it('a 200 claiming JSON that is not → ResponseError (not a SyntaxError)', async () => {
    const { fetch } = fake({
      api: () => new Response('{"data": [ truncated secret', { headers: { 'content-type': 'application/json' } }),
    });
    const error = await caught(client(fetch).listContacts());
    expect(error).toBeInstanceOf(ResponseError);
    expect(shown(error)).not.toContain('truncated secret');
  });

  it('a token endpoint answering HTML → ResponseError', async () => {
    const { fetch } = fake({
      token: () => new Response('<html>portal</html>', { headers: { 'content-type': 'text/html' } }),
    });
    const error = await caught(client(fetch).getAccessToken());
    expect(error).toBeInstanceOf(ResponseError);
    expect(shown(error)).not.toContain('portal');
  });

  it('204 and empty bodies still resolve with undefined data', async () => {
    const { fetch } = fake({ api: () => new Response(null, { status: 204 }) });
    await expect(
      client(fetch).request({
        operationId: 'deleteContact',
        method: 'DELETE',
        path: '/contacts/{id}',
        pathParams: { id: 'c1' },
      }),
    ).resolves.toMatchObject({ status: 204, data: undefined });
  });
});

describe('timeouts and aborts', () => {
  it('a token request that never answers → NetworkError timeout for every waiting caller; the renewal is not stuck', async () => {
    let answering = false;
    const { fetch, calls } = fake({ token: (_url, init) => (answering ? tokenResponse() : hang(init)) });
    const sdk = client(fetch, { timeoutMs: 50 });
    const errors = await Promise.all([caught(sdk.getAccessToken()), caught(sdk.listContacts())]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(NetworkError);
      expect(error).toMatchObject({ reason: 'timeout' });
    }
    expect(calls.token).toBe(1);
    answering = true;
    await expect(sdk.listContacts()).resolves.toMatchObject({ data: [] });
    expect(calls.token).toBe(2);
  });

  it('an API call and the metadata request time out too', async () => {
    const slowApi = fake({ api: (_url, init) => hang(init) });
    await expect(client(slowApi.fetch, { timeoutMs: 50 }).listContacts()).rejects.toMatchObject({
      name: 'NetworkError',
      reason: 'timeout',
    });
    const slowMetadata: typeof globalThis.fetch = (_input, init) => hang(init);
    await expect(client(slowMetadata, { timeoutMs: 50 }).getAccessToken()).rejects.toBeInstanceOf(NetworkError);
  });

  it('the request’s own signal aborts it → NetworkError aborted', async () => {
    const { fetch } = fake({ api: (_url, init) => hang(init) });
    const controller = new AbortController();
    const pending = client(fetch).request({
      operationId: 'listContacts',
      method: 'GET',
      path: '/contacts',
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'NetworkError', reason: 'aborted' });
    const early = new AbortController();
    early.abort();
    await expect(
      client(fetch).request({ operationId: 'listContacts', method: 'GET', path: '/contacts', signal: early.signal }),
    ).rejects.toBeInstanceOf(NetworkError);
  });
});

describe('rate limits and error details', () => {
  const limited = (retryAfter: string | undefined, times = Number.POSITIVE_INFINITY) => {
    let left = times;
    return fake({
      api: () => {
        if (left <= 0) return json({ data: [] });
        left -= 1;
        return json(
          { error: 'rate_limited' },
          429,
          retryAfter === undefined ? { 'x-request-id': 'rq_429' } : { 'retry-after': retryAfter },
        );
      },
    });
  };

  it('Retry-After: whole seconds or an HTTP date only', async () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    const cases: [string, number | undefined][] = [
      ['7', 7],
      ['1.5', undefined],
      ['-3', undefined],
      ['soon', undefined],
      ['Tue, 01 Jan 2030 00:00:30 GMT', 30],
      ['Tuesday, 01-Jan-30 00:00:30 GMT', 30],
      ['Tue Jan  1 00:00:30 2030', 30],
      ['Mon, 31 Dec 2029 23:00:00 GMT', 0],
    ];
    for (const [header, expected] of cases) {
      const error = await caught(client(limited(header).fetch, { now: () => now }).listContacts());
      expect(error, header).toBeInstanceOf(RateLimitError);
      expect((error as RateLimitError).retryAfterSeconds, header).toBe(expected);
    }
  });

  it('retryOnRateLimit: a 429 without Retry-After is retried once, after 1 s', async () => {
    const once = limited(undefined, 1);
    const started = Date.now();
    await expect(client(once.fetch, { retryOnRateLimit: {} }).listContacts()).resolves.toMatchObject({ data: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(once.calls.api).toBe(2);

    const always = limited(undefined);
    const error = await caught(client(always.fetch, { retryOnRateLimit: { maxRetries: 3 } }).listContacts());
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ requestId: 'rq_429' });
    expect(always.calls.api).toBe(2);
  });

  it('a huge Retry-After beyond maxWaitSeconds is not waited for', async () => {
    const far = limited(String(2 ** 40));
    const started = Date.now();
    const error = await caught(client(far.fetch, { retryOnRateLimit: { maxWaitSeconds: 10 } }).listContacts());
    expect(error).toBeInstanceOf(RateLimitError);
    expect(far.calls.api).toBe(1);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('maxWaitSeconds must be a number of seconds from 0 to a day: createClient refuses anything else', () => {
    const { fetch } = fake({});
    for (const maxWaitSeconds of [-1, Number.NaN, Number.POSITIVE_INFINITY, 86_401, 2 ** 40]) {
      expect(() => client(fetch, { retryOnRateLimit: { maxWaitSeconds } })).toThrow(/maxWaitSeconds/);
    }
    expect(() => client(fetch, { retryOnRateLimit: { maxWaitSeconds: 86_400 } })).not.toThrow();
  });

  it('AuthError carries the request id (header or body)', async () => {
    const header = fake({ api: () => json({ error: 'insufficient_scope' }, 403, { 'x-request-id': 'rq_403' }) });
    await expect(client(header.fetch).listContacts()).rejects.toMatchObject({
      name: 'AuthError',
      status: 403,
      requestId: 'rq_403',
    });
    const body = fake({ api: () => json({ error: 'insufficient_scope', request_id: 'rq_body' }, 403) });
    const error = await caught(client(body.fetch).listContacts());
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ requestId: 'rq_body' });
    expect((error as Error).message).toContain('rq_body');
  });

  it('ValidationError keeps the X-Request-Id header', async () => {
    const { fetch } = fake({ api: () => json({ email: ['is not an email'] }, 400, { 'x-request-id': 'rq_400' }) });
    await expect(client(fetch).listContacts()).rejects.toMatchObject({
      name: 'ValidationError',
      requestId: 'rq_400',
      fields: { email: ['is not an email'] },
    });
  });
});

describe('the wait before a retry', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('an abort during the wait rejects at once and clears the timer', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal).catch((caught: unknown) => caught);
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    expect(await waiting).toBeInstanceOf(NetworkError);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('PKCE without Web Crypto', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('authorizeUrl without crypto.subtle (an insecure origin) → a clear FlexgateError', async () => {
    const real = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: real.getRandomValues.bind(real) });
    const { fetch } = fake({});
    const sdk: FlexgateClient = createClient({ baseUrl: BASE, clientId: 'cl_spa', fetch });
    const error = await caught(sdk.authorizeUrl({ scopes: ['read:contacts'], redirectUri: 'http://app.test/cb' }));
    expect(error).toBeInstanceOf(FlexgateError);
    expect((error as Error).message).toMatch(/PKCE needs crypto\.subtle.*https or localhost/);
  });
});
