import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApiDocument } from '../../../src/apis/docs/openapi.js';
import { buildPostmanCollection, POSTMAN_SCHEMA, type PostmanRequestItem } from '../../../src/apis/docs/postman.js';
import { API_ROUTES } from '../../../src/apis/example/index.js';
import { e164Phone, languageCode, listOf, resourceId } from '../../../src/apis/example/schemas.js';
import { EXAMPLE_SCOPES } from '../../../src/apis/example/scopes.js';
import { type AnyApiRoute, defineRoute } from '../../../src/apis/route.js';

const ISSUER = 'https://flexgate.example.com';
const contact = z.object({ id: resourceId('ct'), name: z.string().min(1), phone: e164Phone, lang: languageCode });
const contactBody = z.object({ name: z.string().min(1), phone: e164Phone, lang: languageCode }).strict();
const byId = z.object({ id: resourceId('ct') }).strict();
const ok = async () => ({ status: 200 as const });

const route = (partial: Partial<AnyApiRoute> & Pick<AnyApiRoute, 'method' | 'path' | 'operationId' | 'tag'>) =>
  defineRoute({
    summary: `${partial.method} ${partial.path}`,
    scopes: [],
    success: { status: 200, description: 'OK', schema: contact },
    handler: ok,
    ...partial,
  } as AnyApiRoute);

const ROUTES: AnyApiRoute[] = [
  route({
    method: 'DELETE',
    path: '/contacts/{id}',
    operationId: 'deleteContact',
    tag: 'Contacts',
    params: byId,
    success: { status: 204, description: 'Gone' },
  }),
  route({ method: 'GET', path: '/contacts/{id}', operationId: 'getContact', tag: 'Contacts', params: byId }),
  route({
    method: 'PATCH',
    path: '/contacts/{id}',
    operationId: 'patchContact',
    tag: 'Contacts',
    params: byId,
    body: contactBody.partial(),
  }),
  route({
    method: 'POST',
    path: '/contacts',
    operationId: 'createContact',
    tag: 'Contacts',
    body: contactBody,
    idempotent: true,
    success: { status: 201, description: 'Created', schema: contact },
  }),
  route({
    method: 'GET',
    path: '/contacts',
    operationId: 'listContacts',
    tag: 'Contacts',
    success: { status: 200, description: 'A page', schema: listOf(contact) },
  }),
  route({
    method: 'GET',
    path: '/customers/{id}/news',
    operationId: 'listCustomerNews',
    tag: 'News',
    params: z.object({ id: z.string() }).strict(),
    query: z.object({ lang: languageCode.optional() }).strict(),
    success: { status: 200, description: 'A page', schema: listOf(z.object({ id: z.string() })) },
  }),
  route({
    method: 'GET',
    path: '/me',
    operationId: 'getMe',
    tag: 'Me',
    success: { status: 200, description: 'Me', schema: z.object({ client_id: z.string(), customer_id: z.string() }) },
  }),
];

const collection = buildPostmanCollection(buildOpenApiDocument(ROUTES, { issuer: ISSUER, scopes: EXAMPLE_SCOPES }));
const requests = collection.item.flatMap((folder) => folder.item);
const find = (name: string) => requests.find((item) => item.name === name) as PostmanRequestItem;
const script = (item: PostmanRequestItem) =>
  item.event.find((event) => event.listen === 'test')?.script.exec.join('\n') ?? '';

describe('Postman collection', () => {
  it('is a v2.1 collection with one folder per tag, /me first', () => {
    expect(collection.info).toMatchObject({ name: 'Flexgate API', schema: POSTMAN_SCHEMA });
    expect(collection.item.map((folder) => folder.name)).toEqual(['Me', 'Contacts', 'News']);
    expect(requests[0]?.name).toBe('GET /me');
  });

  it('orders creates before reads and updates, deletes last', () => {
    const contacts = collection.item.find((folder) => folder.name === 'Contacts')?.item.map((item) => item.name);
    expect(contacts).toEqual([
      'POST /contacts',
      'GET /contacts',
      'GET /contacts/{id}',
      'PATCH /contacts/{id}',
      'DELETE /contacts/{id}',
    ]);
  });

  it('has the variables, including the ids that scripts capture', () => {
    const variables = Object.fromEntries(collection.variable.map((variable) => [variable.key, variable.value]));
    expect(variables).toMatchObject({
      baseUrl: ISSUER,
      client_id: '',
      client_secret: '',
      contact_id: '',
      customer_id: '',
    });
    expect(
      buildPostmanCollection(buildOpenApiDocument(ROUTES, { issuer: ISSUER, scopes: EXAMPLE_SCOPES }), {
        baseUrl: 'http://x:1',
      }).variable[0],
    ).toEqual({
      key: 'baseUrl',
      value: 'http://x:1',
      type: 'string',
    });
  });

  it('authenticates with OAuth 2 client credentials, fetched by a pre-request script', () => {
    const auth = Object.fromEntries(collection.auth.oauth2.map((entry) => [entry.key, entry.value]));
    expect(collection.auth.type).toBe('oauth2');
    expect(auth).toMatchObject({
      grant_type: 'client_credentials',
      accessTokenUrl: '{{baseUrl}}/oauth2/token',
      clientId: '{{client_id}}',
      clientSecret: '{{client_secret}}',
      accessToken: '{{access_token}}',
      headerPrefix: 'Bearer',
    });
    const prerequest = collection.event.find((event) => event.listen === 'prerequest')?.script.exec.join('\n') ?? '';
    expect(prerequest).toContain('pm.sendRequest');
    expect(prerequest).toContain("mode: 'urlencoded'");
    expect(prerequest).toContain('{{baseUrl}}/oauth2/token');
    expect(prerequest).toContain(EXAMPLE_SCOPES.map((scope) => scope.name).join(' '));
    expect(prerequest).toContain("pm.collectionVariables.set('access_token'");
    // The script is valid JavaScript.
    expect(() => new Function('pm', prerequest)).not.toThrow();
  });

  it('builds URLs, headers, example bodies and test scripts', () => {
    const create = find('POST /contacts');
    expect(create.request.method).toBe('POST');
    expect(create.request.url.raw).toBe('{{baseUrl}}/api/v0.0.1/contacts');
    expect(create.request.header).toEqual(
      expect.arrayContaining([
        { key: 'Accept', value: 'application/json' },
        { key: 'Content-Type', value: 'application/json' },
        { key: 'Idempotency-Key', value: '{{$guid}}' },
      ]),
    );
    const body = JSON.parse(create.request.body?.raw ?? '{}') as Record<string, string>;
    expect(body.phone).toMatch(/^\+[1-9][0-9]{6,14}$/);
    expect(body.lang).toMatch(/^[a-z]{2}$/);
    expect(contactBody.safeParse(body).success).toBe(true);
    expect(script(create)).toContain('pm.response.to.have.status(201)');
    expect(script(create)).toContain("pm.collectionVariables.set('contact_id', String(body.id))");

    const read = find('GET /contacts/{id}');
    expect(read.request.url.raw).toBe('{{baseUrl}}/api/v0.0.1/contacts/{{contact_id}}');
    expect(read.request.url.path).toEqual(['api', 'v0.0.1', 'contacts', '{{contact_id}}']);
    expect(read.request.body).toBeUndefined();
    expect(script(find('DELETE /contacts/{id}'))).toContain('pm.response.to.have.status(204)');
    expect(JSON.parse(find('PATCH /contacts/{id}').request.body?.raw ?? 'null')).toBeTypeOf('object');

    expect(script(find('GET /me'))).toContain("pm.collectionVariables.set('customer_id', String(body.customer_id))");
    const news = find('GET /customers/{id}/news');
    expect(news.request.url.raw).toBe('{{baseUrl}}/api/v0.0.1/customers/{{customer_id}}/news');
    expect(news.request.url.query).toEqual([expect.objectContaining({ key: 'lang', value: 'en', disabled: true })]);
    for (const item of requests) expect(() => new Function('pm', script(item))).not.toThrow();
  });

  it('builds from the real route table', () => {
    const real = buildPostmanCollection(buildOpenApiDocument(API_ROUTES, { issuer: ISSUER, scopes: EXAMPLE_SCOPES }));
    expect(real.item.flatMap((folder) => folder.item)).toHaveLength(API_ROUTES.length);
    for (const item of real.item.flatMap((folder) => folder.item)) {
      expect(item.request.url.raw).not.toMatch(/\{\{(id|undefined)\}\}/);
    }
  });
});
