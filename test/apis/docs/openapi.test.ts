import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApiDocument } from '../../../src/apis/docs/openapi.js';
import { API_ROUTES } from '../../../src/apis/example/index.js';
import {
  e164Phone,
  integerId,
  languageCode,
  listOf,
  pageCursor,
  pageLimit,
  resourceId,
} from '../../../src/apis/example/schemas.js';
import { EXAMPLE_SCOPES } from '../../../src/apis/example/scopes.js';
import { type AnyApiRoute, defineRoute } from '../../../src/apis/route.js';

const ISSUER = 'https://flexgate.example.com';

const contact = z.object({
  id: resourceId('ct'),
  name: z.string().min(1).max(200),
  phone: e164Phone,
  lang: languageCode,
});
const newContact = contact.omit({ id: true }).strict();

/** Fixture routes shaped like the real ones: a list, an idempotent create, a read, a delete, an integer id. */
const FIXTURE_ROUTES: AnyApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/me',
    operationId: 'getMe',
    summary: 'Who the token belongs to',
    tag: 'Me',
    scopes: [],
    success: {
      status: 200,
      description: 'The token owner',
      schema: z.object({ client_id: z.string(), customer_id: z.string() }),
    },
    handler: async () => ({ status: 200, body: { client_id: 'c', customer_id: 'cu_1' } }),
  }),
  defineRoute({
    method: 'GET',
    path: '/contacts',
    operationId: 'listContacts',
    summary: 'List contacts',
    description: 'Newest first.',
    tag: 'Contacts',
    scopes: ['read:contacts'],
    query: z.object({ limit: pageLimit, cursor: pageCursor }).strict(),
    success: { status: 200, description: 'A page of contacts', schema: listOf(contact) },
    handler: async () => ({ status: 200, body: { data: [], next: null } }),
  }),
  defineRoute({
    method: 'POST',
    path: '/contacts',
    operationId: 'createContact',
    summary: 'Create a contact',
    tag: 'Contacts',
    scopes: ['write:contacts'],
    body: newContact,
    success: { status: 201, description: 'The new contact', schema: contact },
    idempotent: true,
    handler: async () => ({ status: 201, body: { id: 'ct_1', name: 'A', phone: '+31612345678', lang: 'en' } }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/contacts/{id}',
    operationId: 'deleteContact',
    summary: 'Delete a contact',
    tag: 'Contacts',
    scopes: ['write:contacts'],
    params: z.object({ id: resourceId('ct') }).strict(),
    success: { status: 204, description: 'Deleted' },
    handler: async () => ({ status: 204 }),
  }),
  defineRoute({
    method: 'GET',
    path: '/contacts/{id}',
    operationId: 'getContact',
    summary: 'Read a contact',
    tag: 'Contacts',
    scopes: ['read:contacts'],
    params: z.object({ id: resourceId('ct') }).strict(),
    success: { status: 200, description: 'The contact', schema: contact },
    handler: async () => ({ status: 200, body: { id: 'ct_1', name: 'A', phone: '+31612345678', lang: 'en' } }),
  }),
  defineRoute({
    method: 'GET',
    path: '/domainTypes/{id}/domainValues',
    operationId: 'listDomainValues',
    summary: 'List the values of a domain type',
    tag: 'Domain values',
    scopes: [],
    params: z.object({ id: integerId }).strict(),
    success: {
      status: 200,
      description: 'The values',
      schema: listOf(z.object({ id: z.number().int(), value: z.string() })),
    },
    handler: async () => ({ status: 200, body: { data: [], next: null } }),
  }),
];

const redocly = join(process.cwd(), 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');

interface LintResult {
  totals: { errors: number; warnings: number };
  problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }>;
}

/** Runs `redocly lint` (recommended ruleset + redocly.yaml) on a document; the CLI has no library API. */
async function lint(dir: string, name: string, document: object): Promise<LintResult> {
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(document, null, 2));
  const run = promisify(execFile);
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
  const result = await run(process.execPath, [redocly, 'lint', file, '--format=json'], {
    env,
    cwd: process.cwd(),
  }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return JSON.parse(result.stdout) as LintResult;
}

const summary = (result: LintResult) =>
  result.problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? '?'}`);

describe('OpenAPI document', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flexgate-openapi-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const doc = buildOpenApiDocument(FIXTURE_ROUTES, { issuer: ISSUER, scopes: EXAMPLE_SCOPES });

  it('describes the API, its server and its OAuth flows', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Flexgate API', version: '0.0.1' });
    expect(doc.servers).toEqual([{ url: `${ISSUER}/api/v0.0.1`, description: expect.any(String) }]);
    const oauth2 = doc.components.securitySchemes.oauth2 as {
      type: string;
      flows: Record<string, { authorizationUrl?: string; tokenUrl: string; refreshUrl?: string; scopes: object }>;
    };
    expect(oauth2.type).toBe('oauth2');
    const scopes = Object.fromEntries(EXAMPLE_SCOPES.map((s) => [s.name, s.description]));
    expect(oauth2.flows.authorizationCode).toEqual({
      authorizationUrl: `${ISSUER}/oauth/authorize`,
      tokenUrl: `${ISSUER}/oauth/token`,
      refreshUrl: `${ISSUER}/oauth/token`,
      scopes,
    });
    expect(oauth2.flows.clientCredentials).toEqual({ tokenUrl: `${ISSUER}/oauth/token`, scopes });
    expect(doc.tags.map((t) => t.name)).toEqual(['Me', 'Contacts', 'Domain values']);
    for (const tag of doc.tags) expect(tag.description.length).toBeGreaterThan(0);
  });

  it('sorts paths and methods, whatever the order of the table', () => {
    expect(Object.keys(doc.paths)).toEqual(['/contacts', '/contacts/{id}', '/domainTypes/{id}/domainValues', '/me']);
    expect(Object.keys(doc.paths['/contacts/{id}'] ?? {})).toEqual(['get', 'delete']);
    const reversed = buildOpenApiDocument([...FIXTURE_ROUTES].reverse(), { issuer: ISSUER, scopes: EXAMPLE_SCOPES });
    // Tags follow the table's order of first appearance; everything else is sorted.
    expect(JSON.stringify({ ...reversed, tags: doc.tags })).toBe(JSON.stringify(doc));
  });

  it('takes parameters, bodies, security and responses from the route', () => {
    const list = doc.paths['/contacts']?.get;
    expect(list?.security).toEqual([{ oauth2: ['read:contacts'] }]);
    expect(list?.parameters).toEqual([
      expect.objectContaining({
        name: 'limit',
        in: 'query',
        required: false,
        schema: expect.objectContaining({ type: 'integer', maximum: 100 }),
      }),
      expect.objectContaining({ name: 'cursor', in: 'query', required: false }),
    ]);
    expect(list?.description).toContain('Newest first.');
    expect(list?.responses['200']).toMatchObject({
      headers: { 'RateLimit-Limit': { $ref: '#/components/headers/RateLimit-Limit' } },
      content: { 'application/json': { schema: { type: 'object', required: ['data', 'next'] } } },
    });
    expect(Object.keys(list?.responses ?? {})).toEqual(['200', '400', '401', '403', '405', '406', '429', '500']);
    expect(list?.responses['429']).toEqual({ $ref: '#/components/responses/TooManyRequests' });

    const create = doc.paths['/contacts']?.post;
    expect(create?.parameters).toEqual([{ $ref: '#/components/parameters/IdempotencyKey' }]);
    expect(create?.requestBody?.content['application/json'].schema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['name', 'phone', 'lang'],
    });
    expect(create?.responses['201']).toMatchObject({
      headers: { Location: { $ref: '#/components/headers/Location' } },
    });
    expect(create?.responses['200']).toBeDefined();
    expect(Object.keys(create?.responses ?? {})).toEqual(expect.arrayContaining(['415', '422']));

    const del = doc.paths['/contacts/{id}']?.delete;
    expect(del?.responses['204']).not.toHaveProperty('content');
    expect(del?.responses['404']).toEqual({ $ref: '#/components/responses/NotFound' });
    expect(del?.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);

    const values = doc.paths['/domainTypes/{id}/domainValues']?.get;
    expect(values?.parameters?.[0]).toMatchObject({ name: 'id', schema: { type: 'integer', minimum: 1 } });
    expect(values?.parameters?.[0]).not.toHaveProperty('schema.pattern');
    expect(doc.paths['/me']?.get?.security).toEqual([{ oauth2: [] }]);

    expect(doc.components.responses.TooManyRequests).toMatchObject({
      headers: { 'Retry-After': { $ref: '#/components/headers/Retry-After' } },
    });
    expect(Object.keys(doc.components.responses)).toEqual(
      expect.arrayContaining([
        'ValidationError',
        'Unauthorized',
        'Forbidden',
        'NotFound',
        'MethodNotAllowed',
        'NotAcceptable',
        'UnsupportedMediaType',
        'IdempotencyConflict',
        'TooManyRequests',
        'ServerError',
      ]),
    );
  });

  it('moves named schemas to components', () => {
    const Named = z.object({ id: z.string() }).meta({ id: 'Named' });
    const route = defineRoute({
      method: 'GET',
      path: '/named',
      operationId: 'getNamed',
      summary: 'Named',
      tag: 'Named',
      scopes: [],
      success: { status: 200, description: 'ok', schema: z.object({ a: Named, b: Named }) },
      handler: async () => ({ status: 200, body: { a: { id: 'x' }, b: { id: 'y' } } }),
    });
    const named = buildOpenApiDocument([route], { issuer: ISSUER, scopes: EXAMPLE_SCOPES });
    expect(JSON.stringify(named)).not.toContain('$defs');
    expect(named.components.schemas.Named).toMatchObject({ type: 'object' });
  });

  it('passes redocly lint (recommended ruleset) for the fixture routes', async () => {
    const result = await lint(dir, 'fixture', doc);
    expect(summary(result).filter((line) => line.startsWith('error'))).toEqual([]);
    expect(result.totals.errors).toBe(0);
  });

  it('builds and passes redocly lint for the real route table', async () => {
    const real = buildOpenApiDocument(API_ROUTES, { issuer: ISSUER, scopes: EXAMPLE_SCOPES });
    for (const route of API_ROUTES) {
      expect(real.paths[route.path]?.[route.method.toLowerCase() as 'get']?.operationId).toBe(route.operationId);
    }
    if (API_ROUTES.length === 0) return;
    const result = await lint(dir, 'real', real);
    expect(summary(result).filter((line) => line.startsWith('error'))).toEqual([]);
    expect(result.totals.errors).toBe(0);
  });
});
