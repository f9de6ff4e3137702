/**
 * The OpenAPI document describes what the server sends: every status a real response has is documented for
 * its operation, and the headers documented for that status are on the response. Also the answers that
 * are easy to get wrong: the idempotent replay (200 with Location), the challenge only on bearer errors,
 * X-Request-Id on the router's own errors, 405 for methods Fastify does not route, NUL as a field map, 413.
 */

import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument, type OpenApiDocument } from '../../../src/apis/docs/openapi.js';
import { API_ROUTES } from '../../../src/apis/example/index.js';
import { EXAMPLE_SCOPES } from '../../../src/apis/example/scopes.js';
import type { AnyApiRoute } from '../../../src/apis/route.js';
import { API, type ApiResponse, apiCall, apiClient } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const label = (route: AnyApiRoute) => `${route.method} ${route.path}`;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

type Headers = Record<string, { $ref?: string }>;
interface Response {
  $ref?: string;
  headers?: Headers;
  content?: Record<string, { schema: Record<string, unknown> }>;
}

const document: OpenApiDocument = buildOpenApiDocument(API_ROUTES, {
  issuer: 'http://localhost',
  scopes: EXAMPLE_SCOPES,
});

function operationOf(route: AnyApiRoute) {
  const operation = document.paths[route.path]?.[route.method.toLowerCase() as 'get'];
  if (operation === undefined) throw new Error(`${label(route)} is not documented`);
  return operation;
}

function documentedResponse(route: AnyApiRoute, status: number): Response | undefined {
  const response = operationOf(route).responses[String(status)] as Response | undefined;
  if (response?.$ref === undefined) return response;
  return document.components.responses[response.$ref.replace('#/components/responses/', '')] as Response;
}

/**
 * The response's status is documented for the route, and every header documented for that status is on it
 * (WWW-Authenticate, documented on 400 for a malformed Authorization header only, is checked by its tests).
 */
function expectDocumented(route: AnyApiRoute, response: ApiResponse): void {
  const documented = documentedResponse(route, response.status);
  expect(documented, `${label(route)} answered an undocumented ${response.status}`).toBeDefined();
  const headers = Object.keys(documented?.headers ?? {});
  expect(headers).toContain('X-Request-Id');
  for (const header of headers) {
    if (header === 'WWW-Authenticate' && response.status === 400) continue;
    expect(response.headers.get(header), `${label(route)} ${response.status}: ${header}`).not.toBeNull();
  }
  expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  const bearerError = response.status === 400 && (response.body as { error?: unknown }).error === 'invalid_request';
  if (response.status !== 401 && response.status !== 403 && !bearerError) {
    expect(response.headers.get('www-authenticate'), `${label(route)} ${response.status}`).toBeNull();
  }
}

/** Sends a request with any method (fetch refuses TRACE), returning status, headers and parsed body. */
function rawRequest(baseUrl: string, method: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: unknown }>(
    (resolve, reject) => {
      const url = new URL(path, baseUrl);
      const req = httpRequest(url, { method, headers: { accept: 'application/json', ...headers } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text === '' ? undefined : JSON.parse(text),
          }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('the OpenAPI document matches the responses', () => {
  let server: TestServer;
  let token: string;
  let customerId: string;
  let contactId: string;
  let messageId: string;

  /** The route's path with real ids (an existing contact and message, the token's customer). */
  const pathOf = (route: AnyApiRoute) =>
    route.path.replace(/([^/]+)\/\{id\}/, (_match, collection: string) => {
      const id =
        collection === 'contacts'
          ? contactId
          : collection === 'messages'
            ? messageId
            : collection === 'customers'
              ? customerId
              : '7';
      return `${collection}/${id}`;
    });

  /** A body each write route accepts. */
  const bodyOf = (route: AnyApiRoute): unknown =>
    route.path.startsWith('/messages')
      ? { contact_id: contactId, channel: 'sms', body: 'Hello' }
      : route.method === 'PATCH'
        ? { name: 'Ada L.' }
        : { name: 'Ada', phone: '+31612345678' };

  beforeAll(async () => {
    server = await startTestServer({ config: { rateLimit: 100_000, rateLimitWindow: 60 } });
    await server.server.messageWorker.stop();
    token = (await apiClient(server)).token;
    const me = await apiCall<{ customer_id: string }>(server.baseUrl, 'GET', '/me', { token });
    customerId = me.body.customer_id;
    const contact = await apiCall<{ id: string }>(server.baseUrl, 'POST', '/contacts', {
      token,
      json: { name: 'Ada', phone: '+31612345678' },
    });
    contactId = contact.body.id;
    const message = await apiCall<{ id: string }>(server.baseUrl, 'POST', '/messages', {
      token,
      json: { contact_id: contactId, channel: 'sms', body: 'Hello' },
    });
    messageId = message.body.id;
  });

  afterAll(async () => {
    await server?.close();
  });

  // DELETE last: the other routes use the contact it deletes.
  const ordered = [...API_ROUTES].sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));

  describe.each(ordered.map((route) => [label(route), route] as const))('%s', (_name, route) => {
    const call = (options: Parameters<typeof apiCall>[3] = {}, query = '') =>
      apiCall(server.baseUrl, route.method, `${pathOf(route)}${query}`, options);
    const json = () => (BODY_METHODS.has(route.method) ? bodyOf(route) : undefined);

    it('without a token: documented 401 with the bare challenge', async () => {
      const response = await call({ json: json() });
      expect(response.status).toBe(401);
      expectDocumented(route, response);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="flexgate"');
    });

    it('a malformed Authorization header: documented 400 in the error shape, with its challenge', async () => {
      const response = await call({ headers: { authorization: 'Bearer a b' }, json: json() });
      expect(response.status).toBe(400);
      expectDocumented(route, response);
      expect(response.body).toMatchObject({ error: 'invalid_request' });
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="flexgate", error="invalid_request"');
    });

    it('406, and an unknown query parameter (400): documented with their headers', async () => {
      expectDocumented(route, await call({ token, headers: { accept: 'text/html' }, json: json() }));
      const unknown = await call({ token, json: json() }, '?bogus=1');
      expect(unknown.status).toBe(400);
      expectDocumented(route, unknown);
    });

    it('success: the documented status and headers (Location on a create)', async () => {
      const response = await call({ token, json: json() });
      expect(response.status, JSON.stringify(response.body)).toBe(route.success.status);
      expectDocumented(route, response);
      if (route.success.status === 201) expect(response.headers.get('location')).toMatch(/^\/api\//);
    });

    it.runIf(route.idempotent === true)('an Idempotency-Key replay: documented 200 with the Location', async () => {
      const key = randomUUID();
      const first = await call({ token, json: json(), headers: { 'idempotency-key': key } });
      const replay = await call({ token, json: json(), headers: { 'idempotency-key': key } });
      expect([first.status, replay.status]).toEqual([201, 200]);
      expectDocumented(route, replay);
      expect(replay.headers.get('location')).toBe(first.headers.get('location'));
      expect(documentedResponse(route, 200)?.headers).toHaveProperty('Location');
    });

    it.runIf(route.body !== undefined)('a body over the limit: documented 413 payload_too_large', async () => {
      const response = await call({
        token,
        raw: `{"name":"${'x'.repeat(1024 * 1024)}"}`,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(413);
      expect(response.body).toMatchObject({ error: 'payload_too_large' });
      expectDocumented(route, response);
    });

    it.runIf(route.body !== undefined)('a NUL character is a documented 400 field map naming the field', async () => {
      const body = { ...(bodyOf(route) as Record<string, unknown>), extra_nul: 'a\u0000b' };
      const response = await call({ token, json: body });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ extra_nul: ['Must not contain NUL characters.'] });
      expectDocumented(route, response);
    });
  });

  it('NUL in a query parameter, a nested field or a path parameter: the field map names it', async () => {
    const query = await apiCall(server.baseUrl, 'GET', '/contacts?limit=1%00', { token });
    expect(query.status).toBe(400);
    expect(query.body).toEqual({ limit: ['Must not contain NUL characters.'] });
    const nested = await apiCall(server.baseUrl, 'POST', '/contacts', {
      token,
      json: { name: 'Ada', tags: ['ok', 'n\u0000'] },
    });
    expect(nested.body).toEqual({ 'tags[1]': ['Must not contain NUL characters.'] });
    const path = await apiCall(server.baseUrl, 'GET', '/contacts/ct_a%00b', { token });
    expect(path.status).toBe(400);
    expect(path.body).toEqual({ id: ['Must not contain NUL characters.'] });
    expect(path.headers.get('www-authenticate')).toBeNull();
  });

  it('without a token, 404, 405, 406 and OPTIONS carry no WWW-Authenticate; 401 does', async () => {
    const noChallenge = [
      await apiCall(server.baseUrl, 'GET', '/nothing-here'),
      await apiCall(server.baseUrl, 'DELETE', '/contacts'),
      await apiCall(server.baseUrl, 'OPTIONS', '/contacts'),
      await apiCall(server.baseUrl, 'GET', '/contacts', { headers: { accept: 'text/html' } }),
      await apiCall(server.baseUrl, 'GET', '/contacts', { token: 'garbage-token', headers: { accept: 'text/html' } }),
    ];
    expect(noChallenge.map((response) => response.status)).toEqual([404, 405, 204, 406, 406]);
    for (const response of noChallenge) {
      expect(response.headers.get('www-authenticate')).toBeNull();
      expect(response.headers.get('x-request-id')).not.toBeNull();
    }
    expect((await apiCall(server.baseUrl, 'OPTIONS', '/contacts')).headers.get('allow')).toBe(
      'GET, POST, HEAD, OPTIONS',
    );
    const unauthorized = await apiCall(server.baseUrl, 'GET', '/contacts');
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('www-authenticate')).toBe('Bearer realm="flexgate"');
  });

  it("the router's own errors (malformed URL, too long a segment) carry X-Request-Id", async () => {
    for (const path of [`${API}/contacts/%E0%A4%A`, `${API}/contacts/${'a'.repeat(600)}`]) {
      const response = await rawRequest(server.baseUrl, 'GET', path, { authorization: `Bearer ${token}` });
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
      expect(response.body).toMatchObject({ error: 'invalid_request' });
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it.each(['TRACE', 'PROPFIND', 'MKCOL'])('%s on an API path → 405 with its Allow; elsewhere 404', async (method) => {
    const headers = { authorization: `Bearer ${token}` };
    for (const [path, allow] of [
      ['/contacts', 'GET, POST, HEAD, OPTIONS'],
      [`/contacts/${contactId}`, 'GET, PUT, PATCH, DELETE, HEAD, OPTIONS'],
      ['/customers/c1/news', 'GET, HEAD, OPTIONS'],
    ] as const) {
      const response = await rawRequest(server.baseUrl, method, `${API}${path}`, headers);
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.body).toMatchObject({ error: 'method_not_allowed' });
      expect(response.headers.allow).toBe(allow);
      expect(response.headers['ratelimit-policy']).toMatch(/^\d+;w=\d+$/);
      expect(response.headers['x-request-id']).toBeDefined();
    }
    for (const path of ['/nothing', '/contacts/a/b', '/contacts/']) {
      const response = await rawRequest(server.baseUrl, method, `${API}${path}`, headers);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.body).toMatchObject({ error: 'not_found' });
    }
    // Without a token it is still a 405, and without the challenge.
    const anonymous = await rawRequest(server.baseUrl, method, `${API}/contacts`);
    expect(anonymous.status).toBe(405);
    expect(anonymous.headers['www-authenticate']).toBeUndefined();
  });

  it('documents X-Request-Id and RateLimit-Policy, and a 413 on every route with a body', () => {
    expect(document.components.headers).toHaveProperty('X-Request-Id');
    expect(document.components.headers).toHaveProperty('RateLimit-Policy');
    expect(document.info.description).toMatch(/When rate limiting is on/);
    for (const route of API_ROUTES) {
      expect(operationOf(route).responses['413'] !== undefined, label(route)).toBe(route.body !== undefined);
    }
    const validation = document.components.responses.ValidationError as Response;
    expect(validation.content?.['application/json']?.schema).toEqual({
      oneOf: [{ $ref: '#/components/schemas/ValidationErrors' }, { $ref: '#/components/schemas/Error' }],
    });
  });
});
