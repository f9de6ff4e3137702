/**
 * The conventions every REST API route shares, checked over the whole route table (API_ROUTES): a route added
 * to the table is covered here without touching this file.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { API_ROUTES } from '../../../src/apis/example/index.js';
import type { AnyApiRoute } from '../../../src/apis/route.js';
import { ALL_SCOPES, API, type ApiResponse, apiCall, apiClient } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** A route's label in test names, e.g. `GET /contacts/{id}`. */
const label = (route: AnyApiRoute) => `${route.method} ${route.path}`;
const paths = [...new Set(API_ROUTES.map((route) => route.path))];
const routesOf = (path: string) => API_ROUTES.filter((route) => route.path === path);

/** Every error that is not a 400 validation error: `{ error, error_description }` and nothing else. */
function expectErrorShape(response: ApiResponse, status: number, error?: string): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = response.body as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  expect(typeof body.error).toBe('string');
  expect(typeof body.error_description).toBe('string');
  expect(body.error_description).not.toBe('');
  if (error !== undefined) expect(body.error).toBe(error);
}

/** The 400 validation shape: field → non-empty list of messages. */
function expectFieldMap(response: ApiResponse): Record<string, string[]> {
  expect(response.status, JSON.stringify(response.body)).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = response.body as Record<string, unknown>;
  expect(Object.keys(body).length).toBeGreaterThan(0);
  for (const messages of Object.values(body)) {
    expect(Array.isArray(messages)).toBe(true);
    expect((messages as unknown[]).length).toBeGreaterThan(0);
    for (const message of messages as unknown[]) expect(typeof message).toBe('string');
  }
  return body as Record<string, string[]>;
}

function expectRateLimitHeaders(response: ApiResponse): void {
  expect(response.headers.get('ratelimit-limit')).toMatch(/^\d+$/);
  expect(response.headers.get('ratelimit-remaining')).toMatch(/^\d+$/);
  expect(response.headers.get('ratelimit-reset')).toMatch(/^\d+$/);
  expect(response.headers.get('ratelimit-policy')).toMatch(/^\d+;w=\d+$/);
}

const allowOf = (response: ApiResponse) =>
  (response.headers.get('allow') ?? '')
    .split(',')
    .map((method) => method.trim())
    .filter((method) => method !== '')
    .sort();

/** The Allow a path should answer: its methods, HEAD with GET, and OPTIONS. */
function expectedAllow(path: string): string[] {
  const methods = new Set<string>(routesOf(path).map((route) => route.method));
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  return [...methods].sort();
}

/**
 * A syntactically valid value for each path parameter, chosen by the collection it follows; it must pass the
 * route's own params schema (a new kind of parameter fails here, pointing at this function).
 */
function concretePath(route: AnyApiRoute, customerId: string): string {
  const path = route.path.replace(/([^/]+)\/\{([^}]+)\}/g, (_match, collection: string) => {
    const value =
      collection === 'contacts'
        ? 'ct_conventions1'
        : collection === 'messages'
          ? 'msg_conventions1'
          : collection === 'domainTypes'
            ? '7'
            : collection === 'customers'
              ? customerId
              : 'unknown-parameter';
    return `${collection}/${value}`;
  });
  if (route.params !== undefined) {
    const names = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
    const values = path.split('/');
    const template = route.path.split('/');
    const params = Object.fromEntries(names.map((name) => [name, values[template.indexOf(`{${name}}`)] ?? '']));
    const parsed = (route.params as z.ZodType).safeParse(params);
    expect(parsed.success, `no valid path parameters for ${label(route)}: ${JSON.stringify(params)}`).toBe(true);
  }
  return path;
}

describe('REST API conventions over every route', () => {
  let server: TestServer;
  /** A token with every scope. */
  let token: string;
  let customerId: string;
  const narrowTokens = new Map<string, string>();

  beforeAll(async () => {
    server = await startTestServer({ config: { rateLimit: 100_000, rateLimitWindow: 60 } });
    token = (await apiClient(server)).token;
    const me = await apiCall<{ customer_id: string }>(server.baseUrl, 'GET', '/me', { token });
    expect(me.status).toBe(200);
    customerId = me.body.customer_id;
    // One token per distinct scope set the routes need, holding every other scope but those.
    for (const route of API_ROUTES) {
      if (route.scopes.length === 0) continue;
      const key = [...route.scopes].sort().join(' ');
      if (narrowTokens.has(key)) continue;
      const scopes = ALL_SCOPES.filter((scope) => !route.scopes.includes(scope));
      expect(scopes.length, `${label(route)} needs every scope`).toBeGreaterThan(0);
      narrowTokens.set(key, (await apiClient(server, { scopes })).token);
    }
  });

  afterAll(async () => {
    await server?.close();
  });

  it('the route table is not empty and has no duplicate method and path', () => {
    expect(API_ROUTES.length).toBeGreaterThan(0);
    expect(new Set(API_ROUTES.map(label)).size).toBe(API_ROUTES.length);
    for (const route of API_ROUTES) expect(route.path.startsWith('/')).toBe(true);
  });

  describe.each(API_ROUTES.map((route) => [label(route), route] as const))('%s', (_name, route) => {
    const call = (options: Parameters<typeof apiCall>[3] = {}, query = '') =>
      apiCall(server.baseUrl, route.method, `${concretePath(route, customerId)}${query}`, options);

    it('401 without a token, with the bare Bearer challenge', async () => {
      const response = await call();
      expectErrorShape(response, 401, 'invalid_token');
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="flexgate"');
      expectRateLimitHeaders(response);
    });

    it('401 with a garbage token', async () => {
      const response = await call({ token: 'not-a-real-token' });
      expectErrorShape(response, 401, 'invalid_token');
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="flexgate", error="invalid_token"/);
      expectRateLimitHeaders(response);
    });

    it('401 with a well-formed JWT signed by nobody', async () => {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const forged = `${part({ alg: 'ES256', typ: 'at+jwt', kid: 'nope' })}.${part({ sub: 'x' })}.${part({})}`;
      const response = await call({ token: forged });
      expectErrorShape(response, 401, 'invalid_token');
      expectRateLimitHeaders(response);
    });

    it.skipIf(route.scopes.length === 0)("403 with a token lacking the route's scopes", async () => {
      const narrow = narrowTokens.get([...route.scopes].sort().join(' '));
      const response = await call({ token: narrow });
      expectErrorShape(response, 403, 'insufficient_scope');
      const challenge = response.headers.get('www-authenticate') ?? '';
      expect(challenge).toMatch(/^Bearer realm="flexgate", error="insufficient_scope"/);
      expect(challenge).toContain(`scope="${route.scopes.join(' ')}"`);
      expectRateLimitHeaders(response);
    });

    it('406 for Accept: text/html', async () => {
      const response = await call({ token, headers: { accept: 'text/html' } });
      expectErrorShape(response, 406, 'not_acceptable');
      expectRateLimitHeaders(response);
    });

    it.runIf(BODY_METHODS.has(route.method))('415 for a form-encoded body', async () => {
      const response = await call({
        token,
        raw: 'name=Ada&email=ada%40example.com',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expectErrorShape(response, 415, 'unsupported_media_type');
      expectRateLimitHeaders(response);
    });

    it.runIf(BODY_METHODS.has(route.method))('415 for a text/plain body', async () => {
      const response = await call({ token, raw: '{"name":"Ada"}', headers: { 'content-type': 'text/plain' } });
      expectErrorShape(response, 415, 'unsupported_media_type');
      expectRateLimitHeaders(response);
    });

    it('an unknown query parameter is a 400 field map naming it', async () => {
      const json = BODY_METHODS.has(route.method) ? {} : undefined;
      const response = await call({ token, json }, '?bogus_parameter=1');
      const fields = expectFieldMap(response);
      expect(fields.bogus_parameter).toEqual(['Is not a known query parameter.']);
      expectRateLimitHeaders(response);
    });
  });

  describe.each(paths)('path %s', (path) => {
    const pathRoute = () => routesOf(path)[0] as AnyApiRoute;
    const lacking = METHODS.filter((method) => !routesOf(path).some((route) => route.method === method));

    it('OPTIONS → 204 with Allow', async () => {
      const response = await apiCall(server.baseUrl, 'OPTIONS', concretePath(pathRoute(), customerId), { token });
      expect(response.status).toBe(204);
      expect(response.body).toBeUndefined();
      expect(allowOf(response)).toEqual(expectedAllow(path));
      expectRateLimitHeaders(response);
    });

    it.each(lacking)('%s → 405 with the right Allow', async (method) => {
      const response = await apiCall(server.baseUrl, method, concretePath(pathRoute(), customerId), { token });
      expectErrorShape(response, 405, 'method_not_allowed');
      expect(allowOf(response)).toEqual(expectedAllow(path));
      expectRateLimitHeaders(response);
    });
  });

  it('an unknown path under the API base is a 404 JSON error', async () => {
    for (const path of ['/nothing-here', '/contacts/ct_abc/extra', '/v2/contacts']) {
      const response = await apiCall(server.baseUrl, 'GET', `${API}${path}`, { token });
      expectErrorShape(response, 404, 'not_found');
      expectRateLimitHeaders(response);
    }
  });

  it('an invalid path parameter is a 400 field map (routes with parameters)', async () => {
    for (const route of API_ROUTES.filter((candidate) => candidate.params !== undefined)) {
      const path = concretePath(route, customerId).replace(
        /(contacts|messages|domainTypes)\/[^/]+/,
        (_m, collection: string) => `${collection}/-1`,
      );
      if (path === concretePath(route, customerId)) continue;
      const json = BODY_METHODS.has(route.method) ? { name: 'x' } : undefined;
      const response = await apiCall(server.baseUrl, route.method, path, { token, json });
      const fields = expectFieldMap(response);
      expect(fields.id, label(route)).toEqual(['Value -1 is invalid.']);
    }
  });
});

describe('REST API conventions: expired tokens', () => {
  let server: TestServer;
  let expired: string;

  beforeAll(async () => {
    server = await startTestServer({ config: { accessTokenTtl: 60, rateLimit: 100_000 } });
    expired = (await apiClient(server)).token;
    // The verifier reads the server's manual clock (jose's currentDate), so 61 s later the token is expired.
    expect((await apiCall(server.baseUrl, 'GET', '/me', { token: expired })).status).toBe(200);
    server.clock.advance(61_000);
  });

  afterAll(async () => {
    await server?.close();
  });

  it.each(API_ROUTES.map((route) => [label(route), route] as const))('%s → 401 expired', async (_name, route) => {
    const customerId = 'client:whoever';
    const response = await apiCall(server.baseUrl, route.method, concretePath(route, customerId), {
      token: expired,
    });
    expectErrorShape(response, 401, 'invalid_token');
    expect(response.body).toMatchObject({ error_description: 'The access token expired' });
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="flexgate", error="invalid_token"/);
    expectRateLimitHeaders(response);
  });
});
