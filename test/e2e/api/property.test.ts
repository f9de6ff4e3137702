/**
 * Property tests of the REST API: whatever a client sends, the answer is never a 5xx, and its body is JSON in
 * one of the API's two error shapes (or a success). Every route of API_ROUTES is covered, so a new route is
 * fuzzed without touching this file. SQLite only: the properties are about the HTTP layer and validation.
 *
 * Deterministic: a fixed seed, overridable with FAST_CHECK_SEED to explore (a failure prints the seed and
 * the counterexample's path, e.g. `FAST_CHECK_SEED=123 npx vitest run test/e2e/api/property.test.ts`).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../../src/apis/example/index.js';
import { ISO_639_1_CODES } from '../../../src/apis/example/reference/languages.js';
import type { AnyApiRoute } from '../../../src/apis/route.js';
import { API, apiCall, apiClient } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const SEED = Number(process.env.FAST_CHECK_SEED ?? 20_260_131);
/** Runs per route; the whole file stays well under 30 s on 2 cores. */
const RUNS_PER_ROUTE = Number(process.env.FAST_CHECK_RUNS ?? 120);
const RUNS_ROUND_TRIP = Number(process.env.FAST_CHECK_RUNS ?? 120);
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

interface RawResponse {
  status: number;
  contentType: string | null;
  text: string;
}

interface RandomRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** Visible ASCII and space: what fetch lets through in a header value (it refuses CR, LF and NUL). */
const headerChar = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code));
const headerText = (maxLength: number) =>
  fc.string({ unit: headerChar, maxLength }).filter((value) => value.trim() === value);

/** Shape keys of a zod object schema (params, query or body), or none. */
function shapeKeys(schema: unknown): string[] {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape === undefined ? [] : Object.keys(shape);
}

const base64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/** Cursors: random bytes, and base64url JSON that looks like Flexgate's `[at, id]` with odd values. */
const cursorArb = fc.oneof(
  fc.uint8Array({ maxLength: 600 }).map(base64url),
  fc
    .tuple(
      fc.oneof(
        fc.integer(),
        fc.double(),
        fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 1e300, '1'),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      fc.oneof(fc.string({ unit: 'binary', maxLength: 140 }), fc.jsonValue({ maxDepth: 2 })),
    )
    .map((pair) => base64url(Buffer.from(JSON.stringify(pair)))),
  fc.jsonValue({ maxDepth: 3 }).map((value) => base64url(Buffer.from(JSON.stringify(value) ?? ''))),
);

/** A string as it goes into a URL: percent-encoded, or raw with odd percent sequences kept as they are. */
const urlText = (maxLength: number) =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength }).map(encodeURIComponent),
    fc.string({ unit: 'grapheme', maxLength }).map(encodeURIComponent),
    fc.string({ unit: headerChar, maxLength }).map((value) => value.replace(/[#?/\\ ]/g, '')),
  );

const oddSegments = fc.constantFrom(
  '',
  '.',
  '..',
  '%2e%2e',
  '%2E',
  '%',
  '%%',
  '%00',
  '%0',
  '%ZZ',
  '%2F',
  '%2f..%2f',
  '%5C',
  '%C0%AE',
  '%ff',
  '%E0%A4%A',
  '%F0%9F%98%80',
  '%ED%A0%80',
  '%u0041',
  '+',
  ';',
  'ct_',
  `ct_${'a'.repeat(64)}`,
  `ct_${'a'.repeat(65)}`,
  'ct_Q2hhbmdlTWU',
  'msg_Q2hhbmdlTWU',
  '0',
  '-1',
  '1',
  '7',
  '999999999',
  '1000000000',
  '1e3',
  '0x1',
  ' 1',
  'null',
  'undefined',
  '__proto__',
  'constructor',
);

function pathParamArb(realValues: readonly string[]) {
  return fc.oneof(
    { weight: 3, arbitrary: urlText(40) },
    { weight: 3, arbitrary: oddSegments },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 4000 }).map((n) => 'x'.repeat(n)) },
    { weight: 1, arbitrary: fc.integer({ min: 30, max: 1000 }).map((n) => '%41'.repeat(n)) },
    ...(realValues.length === 0 ? [] : [{ weight: 2, arbitrary: fc.constantFrom(...realValues) }]),
  );
}

const queryValueArb = fc.oneof(
  urlText(30),
  fc.integer().map(String),
  fc.constantFrom('', '0', '1', '20', '100', '101', '-1', '1.5', '1e2', 'en', 'EN', 'xx', 'zz', 'true', '%', '%00x'),
  fc.constantFrom('2026-01-31T00:00:00Z', '2026-13-45T99:99:99Z', '2026-01-31', '+275760-09-13T00:00:00.000Z'),
  fc
    .date({ noInvalidDate: false })
    .map((date) => encodeURIComponent(Number.isNaN(date.getTime()) ? 'NaN' : date.toISOString())),
  cursorArb,
  fc.integer({ min: 100, max: 3000 }).map((n) => 'c'.repeat(n)),
);

function queryArb(route: AnyApiRoute) {
  const keys = [...new Set(['limit', 'cursor', 'lang', 'since', ...shapeKeys(route.query)])];
  const key = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...keys) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'a[b]', 'a.b', 'limit[]', '', 'toString') },
    { weight: 1, arbitrary: urlText(12) },
  );
  return fc.oneof(
    fc.constant(''),
    fc
      .array(fc.tuple(key, queryValueArb), { maxLength: 6 })
      .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
    // Odd syntax: bare keys, empty pairs, stray separators.
    fc.constantFrom('&', '&&', '=', '==', 'limit', 'limit=', 'limit=1&limit=2', 'cursor&cursor', '?', '%', 'a=%'),
  );
}

const jsonScalars = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom('', ' ', 'en', 'xx', '+31612345678', '+0', 'a@b.c', 'ct_Q2hhbmdlTWU', 'sms', 'email'),
  fc.constantFrom(1e308, -0, Number.MAX_SAFE_INTEGER + 2),
  fc.array(fc.string({ maxLength: 60 }), { maxLength: 25 }),
  fc.integer({ min: 200, max: 2000 }).map((n) => 'n'.repeat(n)),
);

/** JSON bodies: anything, and objects with the route's real field names holding random values. */
function jsonBodyArb(route: AnyApiRoute) {
  const fields = shapeKeys(route.body);
  const key = fc.oneof(
    { weight: 5, arbitrary: fields.length === 0 ? fc.string({ maxLength: 10 }) : fc.constantFrom(...fields) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', '') },
  );
  return fc.oneof(
    fc.jsonValue().map((value) => JSON.stringify(value)),
    fc
      .array(fc.tuple(key, jsonScalars), { maxLength: 8 })
      .map((entries) => JSON.stringify(Object.fromEntries(entries))),
  );
}

const nested = (depth: number, open: string, close: string, inner = '') =>
  `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

/** Raw bodies sent as application/json: broken JSON, huge numbers, deep nesting, prototype keys. */
const rawBodyArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    '',
    ' ',
    '{',
    '}',
    '[',
    '{"name":',
    '{"name":"a"',
    "{'name':'a'}",
    '{"name":"a",}',
    'null',
    'true',
    '0',
    '"text"',
    '[]',
    '{}',
    'NaN',
    'Infinity',
    '1e999999',
    '-1e999999',
    '123456789012345678901234567890123456789012345678901234567890',
    '{"name":1e999999}',
    '{"tags":[1e999999]}',
    '{"name":"\\ud800"}',
    '{"name":"\\u0000"}',
    '{"name":"a\\u0000b","tags":["\\u0000"]}',
    '\ufeff{"name":"a"}',
    '{"__proto__":{"polluted":true},"name":"a"}',
    '{"name":"a","__proto__":null}',
    '{"constructor":{"prototype":{"polluted":true}},"name":"a"}',
    '{"name":"a","name":"b"}',
    '{"name":"a"} trailing',
    '{"name":"a"}{"name":"b"}',
  ),
  fc.integer({ min: 1, max: 200_000 }).map((depth) => nested(depth, '[', ']')),
  fc.integer({ min: 1, max: 50_000 }).map((depth) => nested(depth, '{"a":', '}', '1')),
  fc.integer({ min: 1, max: 20_000 }).map((depth) => `{"tags":${nested(depth, '[', ']')}}`),
  fc.integer({ min: 1, max: 2_000_000 }).map((n) => `"${'x'.repeat(n)}"`),
  fc.bigInt({ min: -(10n ** 400n), max: 10n ** 400n }).map((n) => `{"name":${n},"tags":[${n}]}`),
);

const acceptArb = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    '*/*',
    'application/*',
    'text/html',
    'application/xml',
    'application/json;q=0',
    'application/json;q=0, */*;q=1',
    'text/*, application/json;q=0.001',
    '',
    ',',
    ';',
    'garbage',
    'application/json;q=2',
    'application/json;q=abc',
  ),
  headerText(80),
);

const contentTypeArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/vnd.api+json',
      'APPLICATION/JSON',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonx',
      'application/json;',
      ';application/json',
      '',
    ),
  },
  { weight: 1, arbitrary: headerText(60) },
);

const idempotencyKeyArb = fc.oneof(
  fc.uuid(),
  headerText(300),
  fc.constantFrom('', ' ', 'k', 'x'.repeat(255), 'x'.repeat(256)),
);

function requestArb(route: AnyApiRoute, realValues: Record<string, readonly string[]>): fc.Arbitrary<RandomRequest> {
  const paramNames = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
  const paramsArb = fc.tuple(...paramNames.map((name) => pathParamArb(realValues[name] ?? [])));
  const methodArb = fc.oneof(
    { weight: 5, arbitrary: fc.constant(route.method) },
    { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
  );
  const bodyArb = fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 4, arbitrary: jsonBodyArb(route) },
    { weight: 2, arbitrary: rawBodyArb },
  );
  return fc
    .record({
      method: methodArb,
      params: paramsArb,
      query: queryArb(route),
      body: bodyArb,
      accept: fc.option(acceptArb, { nil: undefined }),
      contentType: fc.option(contentTypeArb, { nil: undefined, freq: 6 }),
      idempotencyKey: fc.option(idempotencyKeyArb, { nil: undefined, freq: 2 }),
    })
    .map(({ method, params, query, body, accept, contentType, idempotencyKey }) => {
      let index = 0;
      const path = route.path.replace(/\{[^}]+\}/g, () => params[index++] ?? '');
      const headers: Record<string, string> = {};
      if (accept !== undefined) headers.accept = accept;
      const sendsBody = method !== 'GET' && method !== 'HEAD' && body !== undefined;
      if (contentType !== undefined) headers['content-type'] = contentType;
      else if (sendsBody) headers['content-type'] = 'application/json';
      if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
      return { method, path, query, headers, body: sendsBody ? body : undefined };
    });
}

function describeRequest(request: RandomRequest): string {
  const body = request.body === undefined ? '' : ` body(${request.body.length}): ${request.body.slice(0, 300)}`;
  const url = `${API}${request.path}${request.query === '' ? '' : `?${request.query}`}`;
  const shown = url.length > 400 ? `${url.slice(0, 400)}…(${url.length} chars)` : url;
  return `${request.method} ${shown} ${JSON.stringify(request.headers)}${body}`;
}

const isFieldMap = (body: unknown): boolean =>
  body !== null &&
  typeof body === 'object' &&
  !Array.isArray(body) &&
  Object.keys(body).length > 0 &&
  Object.values(body).every(
    (messages) =>
      Array.isArray(messages) && messages.length > 0 && messages.every((message) => typeof message === 'string'),
  );

const isErrorShape = (body: unknown): boolean =>
  body !== null &&
  typeof body === 'object' &&
  typeof (body as { error?: unknown }).error === 'string' &&
  typeof (body as { error_description?: unknown }).error_description === 'string';

/** The invariant: no 5xx; an empty body only for 204 and HEAD; else JSON, in an error shape for 4xx. */
function checkResponse(request: RandomRequest, response: RawResponse): void {
  const context = `${describeRequest(request)}\n→ ${response.status} ${response.contentType} ${response.text.slice(0, 500)}`;
  expect(response.status, context).toBeLessThan(500);
  if (response.status === 204 || request.method === 'HEAD') {
    expect(response.text, context).toBe('');
    return;
  }
  expect(response.contentType ?? '', context).toMatch(/^application\/json/);
  let body: unknown;
  expect(() => {
    body = JSON.parse(response.text);
  }, context).not.toThrow();
  if (response.status < 400) return;
  if (response.status === 400) expect(isFieldMap(body) || isErrorShape(body), context).toBe(true);
  else expect(isErrorShape(body), context).toBe(true);
}

describe('REST API properties (sqlite)', () => {
  let server: TestServer;
  let token: string;
  const realValues: Record<string, string[]> = {};

  async function send(request: RandomRequest): Promise<RawResponse> {
    const url = `${server.baseUrl}${API}${request.path}${request.query === '' ? '' : `?${request.query}`}`;
    const response = await fetch(url, {
      method: request.method,
      headers: { ...request.headers, authorization: `Bearer ${token}` },
      body: request.body ?? null,
    });
    return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
  }

  beforeAll(async () => {
    // Rate limiting off: thousands of requests from one client would otherwise measure the 429.
    server = await startTestServer({ config: { rateLimit: 0 } });
    ({ token } = await apiClient(server));
    const me = await apiCall<{ customer_id: string }>(server.baseUrl, 'GET', '/me', { token });
    const contact = await apiCall<{ id: string }>(server.baseUrl, 'POST', '/contacts', {
      token,
      json: { name: 'Fuzz Target', phone: '+31612345678', language: 'nl' },
    });
    const message = await apiCall<{ id: string }>(server.baseUrl, 'POST', '/messages', {
      token,
      json: { contact_id: contact.body.id, channel: 'sms', body: 'hello' },
    });
    realValues.id = [me.body.customer_id, contact.body.id, message.body.id, '1', '2'].filter(
      (value): value is string => typeof value === 'string',
    );
  });

  afterAll(async () => {
    await server?.close();
  });

  it.each(API_ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    'never answers 5xx or a non-JSON body: %s',
    async (_name, route) => {
      await fc.assert(
        fc.asyncProperty(requestArb(route, realValues), async (request) => {
          checkResponse(request, await send(request));
        }),
        { numRuns: RUNS_PER_ROUTE, seed: SEED },
      );
    },
    60_000,
  );

  it('refuses NUL characters in path, query and body with a 400 in an error shape', async () => {
    const cases: RandomRequest[] = [
      { method: 'GET', path: '/contacts/ct_a%00b', query: '', headers: {}, body: undefined },
      { method: 'GET', path: '/contacts', query: 'cursor=%00', headers: {}, body: undefined },
      {
        method: 'POST',
        path: '/contacts',
        query: '',
        headers: { 'content-type': 'application/json' },
        body: '{"name":"a\\u0000b"}',
      },
    ];
    for (const request of cases) {
      const response = await send(request);
      checkResponse(request, response);
      expect(response.status).toBe(400);
    }
  });

  // Inputs the fuzzer once found to crash the server, kept as fixed regressions.
  it.each([
    ['a query key named like an Object.prototype member', { method: 'GET', path: '/me', query: 'toString=1' }],
    ['__proto__ as a query key', { method: 'GET', path: '/contacts', query: '__proto__=1' }],
    ['constructor as a body field', { method: 'POST', path: '/contacts', query: '', body: '{"constructor":1}' }],
    [
      'valueOf beside a valid field',
      { method: 'POST', path: '/contacts', query: '', body: '{"name":"a","valueOf":"x"}' },
    ],
    ['a path segment of 600 characters', { method: 'GET', path: `/contacts/${'x'.repeat(600)}`, query: '' }],
    ['JSON nested 200 000 deep', { method: 'POST', path: '/contacts', query: '', body: nested(200_000, '[', ']') }],
  ] as const)('answers %s with a 4xx in an error shape', async (_name, partial) => {
    const request: RandomRequest = {
      headers: { 'content-type': 'application/json' },
      body: undefined,
      ...partial,
    };
    const response = await send(request);
    checkResponse(request, response);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  // Valid contacts: what is stored is exactly what was sent (names trimmed by the API are generated trimmed).
  const nameArb = fc
    .oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
    )
    .filter((name) => name.trim() === name && name.length >= 1 && name.length <= 200 && !name.includes('\u0000'));
  const phoneArb = fc
    .tuple(
      fc.integer({ min: 1, max: 9 }),
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 6, maxLength: 14 }),
    )
    .map(([first, rest]) => `+${first}${rest}`);
  const word = (chars: string, minLength: number, maxLength: number) =>
    fc.string({ unit: fc.constantFrom(...chars), minLength, maxLength });
  const alnum = 'abcdefghijklmnopqrstuvwxyz0123456789';
  // The addresses the API's e-mail rule accepts (zod's practical subset of RFC 5322, not all of it).
  const emailArb = fc
    .tuple(
      fc.array(word(`${alnum}_+-`, 1, 12), { minLength: 1, maxLength: 3 }),
      fc.array(word(alnum, 1, 12), { minLength: 1, maxLength: 3 }),
      word('abcdefghijklmnopqrstuvwxyz', 2, 6),
    )
    .map(([local, labels, tld]) => `${local.join('.')}@${labels.join('.')}.${tld}`);
  const tagArb = fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 50 })
    .filter((tag) => tag.trim() === tag && tag.length <= 50 && !tag.includes('\u0000'));
  const contactArb = fc.record(
    {
      name: nameArb,
      email: fc.option(emailArb, { nil: null }),
      phone: fc.option(phoneArb, { nil: null }),
      language: fc.option(fc.constantFrom(...ISO_639_1_CODES), { nil: null }),
      tags: fc.uniqueArray(tagArb, { maxLength: 20 }),
    },
    { requiredKeys: ['name'] },
  );

  it('round-trips a valid contact exactly through POST then GET', async () => {
    await fc.assert(
      fc.asyncProperty(contactArb, async (fields) => {
        const created = await apiCall<Record<string, unknown>>(server.baseUrl, 'POST', '/contacts', {
          token,
          json: fields,
        });
        const context = `${JSON.stringify(fields)} → ${created.status} ${JSON.stringify(created.body)}`;
        expect(created.status, context).toBe(201);
        const expected = {
          name: fields.name,
          email: fields.email ?? null,
          phone: fields.phone ?? null,
          language: fields.language ?? null,
          tags: fields.tags ?? [],
        };
        expect(created.body, context).toMatchObject(expected);
        const read = await apiCall<Record<string, unknown>>(
          server.baseUrl,
          'GET',
          `/contacts/${String(created.body.id)}`,
          {
            token,
          },
        );
        expect(read.status, context).toBe(200);
        expect(read.body, context).toEqual(created.body);
      }),
      { numRuns: RUNS_ROUND_TRIP, seed: SEED },
    );
  }, 60_000);
});
