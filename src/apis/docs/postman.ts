import { API_BASE } from '../route.js';
import type { JsonSchema, OpenApiDocument, OpenApiOperation, OpenApiParameter } from './openapi.js';

/**
 * A Postman Collection v2.1 made from the OpenAPI document: one folder per tag, requests ordered so that
 * creates run before the reads, updates and deletes that use their ids, and scripts that capture those ids.
 * A collection-level pre-request script fetches a client-credentials token, so newman runs it headless.
 */

export const POSTMAN_SCHEMA = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';

interface PostmanOptions {
  /** Value of the `baseUrl` variable (the issuer); default: the document's server URL without the API base. */
  baseUrl?: string;
}

interface KeyValue {
  key: string;
  value: string;
  type?: string;
  disabled?: boolean;
  description?: string;
}

interface PostmanEvent {
  listen: 'prerequest' | 'test';
  script: { type: 'text/javascript'; exec: string[] };
}

export interface PostmanRequestItem {
  name: string;
  request: {
    method: string;
    header: KeyValue[];
    url: { raw: string; host: string[]; path: string[]; query?: KeyValue[] };
    description?: string;
    body?: { mode: 'raw'; raw: string; options: { raw: { language: 'json' } } };
  };
  event: PostmanEvent[];
}

export interface PostmanCollection {
  info: { name: string; description: string; schema: string };
  auth: { type: 'oauth2'; oauth2: KeyValue[] };
  event: PostmanEvent[];
  variable: KeyValue[];
  item: Array<{ name: string; description?: string; item: PostmanRequestItem[] }>;
}

const METHOD_RANK: Record<string, number> = { post: 0, get: 1, put: 2, patch: 3, delete: 4 };

interface Entry {
  path: string;
  method: string;
  operation: OpenApiOperation;
}

export function buildPostmanCollection(openapi: OpenApiDocument, options: PostmanOptions = {}): PostmanCollection {
  const serverUrl = openapi.servers[0]?.url ?? '';
  const baseUrl = options.baseUrl ?? (serverUrl.endsWith(API_BASE) ? serverUrl.slice(0, -API_BASE.length) : serverUrl);
  const oauth2 = openapi.components.securitySchemes.oauth2 as
    | { flows?: { clientCredentials?: { scopes?: Record<string, string> } } }
    | undefined;
  const scopes = Object.keys(oauth2?.flows?.clientCredentials?.scopes ?? {});

  const entries: Entry[] = [];
  for (const [path, item] of Object.entries(openapi.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (operation !== undefined) entries.push({ path, method, operation });
    }
  }
  const idVariables = new Set<string>();
  for (const entry of entries) for (const name of pathVariables(entry.path).values()) idVariables.add(name);

  // Folders: the one holding GET /me first (it yields customer_id), then the document's tag order.
  const tagOrder = openapi.tags.map((tag) => tag.name);
  const meTag = entries.find((entry) => entry.path === '/me' && entry.method === 'get')?.operation.tags[0];
  const folderNames = [...new Set([...(meTag === undefined ? [] : [meTag]), ...tagOrder])];
  for (const entry of entries) {
    const tag = entry.operation.tags[0] ?? 'Other';
    if (!folderNames.includes(tag)) folderNames.push(tag);
  }

  const folders: PostmanCollection['item'] = folderNames
    .map((name) => {
      const inFolder = entries
        .filter((entry) => (entry.operation.tags[0] ?? 'Other') === name)
        .sort(
          (a, b) =>
            Number(b.path === '/me') - Number(a.path === '/me') ||
            (METHOD_RANK[a.method] ?? 9) - (METHOD_RANK[b.method] ?? 9) ||
            a.path.split('/').length - b.path.split('/').length ||
            (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
        );
      const description = openapi.tags.find((tag) => tag.name === name)?.description;
      return {
        name,
        ...(description === undefined ? {} : { description }),
        item: inFolder.map((entry) => requestItem(entry, openapi, idVariables)),
      };
    })
    .filter((folder) => folder.item.length > 0);
  // A delete runs after every request that uses the deleted resource's id (POST /messages uses contact_id):
  // deletes that later folders depend on move to a last folder.
  const cleanUp: PostmanRequestItem[] = [];
  folders.forEach((folder, index) => {
    const later = JSON.stringify(folders.slice(index + 1).map((other) => other.item.map((item) => item.request)));
    folder.item = folder.item.filter((item) => {
      const used = (item.request.url.raw.match(/\{\{[a-z_]+\}\}/g) ?? []).filter((v) => v !== '{{baseUrl}}');
      const moves = item.request.method === 'DELETE' && used.some((variable) => later.includes(variable));
      if (moves) cleanUp.push(item);
      return !moves;
    });
  });
  if (cleanUp.length > 0) {
    folders.push({
      name: 'Clean-up',
      description: 'Deletes what the requests above created; runs last.',
      item: cleanUp,
    });
  }

  return {
    info: {
      name: openapi.info.title,
      description:
        `${openapi.info.description}\n\nSet the variables \`client_id\` and \`client_secret\` to a confidential ` +
        'client with the client_credentials grant: the collection fetches its own access token.',
      schema: POSTMAN_SCHEMA,
    },
    auth: {
      type: 'oauth2',
      oauth2: [
        { key: 'grant_type', value: 'client_credentials', type: 'string' },
        { key: 'accessTokenUrl', value: '{{baseUrl}}/oauth2/token', type: 'string' },
        { key: 'clientId', value: '{{client_id}}', type: 'string' },
        { key: 'clientSecret', value: '{{client_secret}}', type: 'string' },
        { key: 'scope', value: scopes.join(' '), type: 'string' },
        { key: 'client_authentication', value: 'body', type: 'string' },
        { key: 'accessToken', value: '{{access_token}}', type: 'string' },
        { key: 'headerPrefix', value: 'Bearer', type: 'string' },
        { key: 'addTokenTo', value: 'header', type: 'string' },
        { key: 'tokenName', value: 'Flexgate', type: 'string' },
      ],
    },
    event: [{ listen: 'prerequest', script: { type: 'text/javascript', exec: tokenScript(scopes) } }],
    variable: [
      { key: 'baseUrl', value: baseUrl, type: 'string' },
      { key: 'client_id', value: '', type: 'string' },
      { key: 'client_secret', value: '', type: 'string' },
      { key: 'access_token', value: '', type: 'string' },
      { key: 'access_token_expires_at', value: '0', type: 'string' },
      ...[...idVariables].sort().map((key) => ({ key, value: '', type: 'string' })),
    ],
    item: folders,
  };
}

/** Gets a client-credentials token when there is none or it is about to expire; stores it for the auth. */
function tokenScript(scopes: readonly string[]): string[] {
  return [
    "const token = pm.collectionVariables.get('access_token');",
    "const expiresAt = Number(pm.collectionVariables.get('access_token_expires_at') || 0);",
    'if (!token || Date.now() > expiresAt - 30000) {',
    '  pm.sendRequest({',
    "    url: pm.variables.replaceIn('{{baseUrl}}/oauth2/token'),",
    "    method: 'POST',",
    "    header: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },",
    '    body: {',
    "      mode: 'urlencoded',",
    '      urlencoded: [',
    "        { key: 'grant_type', value: 'client_credentials' },",
    "        { key: 'client_id', value: pm.variables.get('client_id') },",
    "        { key: 'client_secret', value: pm.variables.get('client_secret') },",
    `        { key: 'scope', value: ${JSON.stringify(scopes.join(' '))} },`,
    '      ],',
    '    },',
    '  }, function (error, response) {',
    '    if (error) throw error;',
    '    if (response.code !== 200) {',
    "      throw new Error('token request failed: ' + response.code + ' ' + response.text());",
    '    }',
    '    const body = response.json();',
    "    pm.collectionVariables.set('access_token', body.access_token);",
    "    pm.collectionVariables.set('access_token_expires_at', String(Date.now() + body.expires_in * 1000));",
    '  });',
    '}',
  ];
}

/** `contacts` → `contact`, `domainTypes` → `domainType`. */
const singular = (word: string) => (word.endsWith('ies') ? `${word.slice(0, -3)}y` : word.replace(/s$/, ''));

const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** Path parameter → collection variable: `{id}` after `/contacts` is `contact_id`; `{contactId}` is `contact_id`. */
function pathVariables(path: string): Map<string, string> {
  const names = new Map<string, string>();
  const segments = path.split('/').filter((segment) => segment.length > 0);
  segments.forEach((segment, index) => {
    const match = /^\{(.+)\}$/.exec(segment);
    if (match?.[1] === undefined) return;
    const previous = segments[index - 1];
    const variable = match[1] === 'id' && previous !== undefined ? `${snake(singular(previous))}_id` : snake(match[1]);
    names.set(match[1], variable);
  });
  return names;
}

function requestItem(entry: Entry, openapi: OpenApiDocument, idVariables: Set<string>): PostmanRequestItem {
  const { path, method, operation } = entry;
  const variables = pathVariables(path);
  const segments = `${API_BASE}${path}`
    .split('/')
    .filter((segment) => segment.length > 0)
    .map((segment) => segment.replace(/^\{(.+)\}$/, (_all, name: string) => `{{${variables.get(name) ?? name}}}`));
  const parameters = (operation.parameters ?? []).map((parameter) => resolve(openapi, parameter) as OpenApiParameter);
  const query = parameters
    .filter((parameter) => parameter.in === 'query')
    .map((parameter) => {
      const value = exampleFor(parameter.schema, parameter.name, idVariables, openapi);
      const item: KeyValue = { key: parameter.name, value: value === undefined ? '' : String(value) };
      // Optional filters are listed (with a sample value) but not sent unless switched on.
      if (!parameter.required) item.disabled = true;
      if (parameter.description !== undefined) item.description = parameter.description;
      return item;
    });
  const queryString = query
    .filter((item) => item.disabled !== true)
    .map((item) => `${item.key}=${item.value}`)
    .join('&');
  const url = {
    raw: `{{baseUrl}}/${segments.join('/')}${queryString === '' ? '' : `?${queryString}`}`,
    host: ['{{baseUrl}}'],
    path: segments,
    ...(query.length === 0 ? {} : { query }),
  };

  const header: KeyValue[] = [{ key: 'Accept', value: 'application/json' }];
  const request: PostmanRequestItem['request'] = { method: method.toUpperCase(), header, url };
  if (operation.description !== undefined) request.description = operation.description;
  const bodySchema = operation.requestBody?.content['application/json'].schema;
  if (bodySchema !== undefined) {
    header.push({ key: 'Content-Type', value: 'application/json' });
    const example = exampleFor(bodySchema, '', idVariables, openapi, method === 'patch' ? 'patch' : 'full');
    request.body = { mode: 'raw', raw: JSON.stringify(example ?? {}, null, 2), options: { raw: { language: 'json' } } };
  }
  if (parameters.some((parameter) => parameter.in === 'header' && parameter.name === 'Idempotency-Key')) {
    header.push({ key: 'Idempotency-Key', value: '{{$guid}}' });
  }

  const status = Object.keys(operation.responses).find((code) => /^2\d\d$/.test(code) && code !== '200') ?? '200';
  const success = resolve(openapi, operation.responses[status]) as {
    content?: { 'application/json'?: { schema: JsonSchema } };
  };
  const name = `${method.toUpperCase()} ${path}`;
  const exec = [
    `pm.test(${JSON.stringify(`${name} answers ${status}`)}, function () {`,
    `  pm.response.to.have.status(${status});`,
    '});',
    ...captureScript(entry, success?.content?.['application/json']?.schema, idVariables, openapi),
  ];
  return {
    name: operation.summary || name,
    request,
    event: [{ listen: 'test', script: { type: 'text/javascript', exec } }],
  };
}

/** Saves ids later requests need: a create's id, a list's first id, or a same-named field (customer_id of /me). */
function captureScript(
  entry: Entry,
  schema: JsonSchema | undefined,
  idVariables: Set<string>,
  openapi: OpenApiDocument,
): string[] {
  const lines: string[] = [];
  const segments = entry.path.split('/').filter((segment) => segment.length > 0);
  const last = segments[segments.length - 1];
  const collectionVariable = last !== undefined && !last.startsWith('{') ? `${snake(singular(last))}_id` : undefined;
  const resolved = schema === undefined ? undefined : (resolve(openapi, schema) as JsonSchema);
  const properties = (resolved?.properties ?? {}) as Record<string, JsonSchema>;

  if (collectionVariable !== undefined && idVariables.has(collectionVariable)) {
    if (entry.method === 'post') {
      lines.push(
        `  if (body && body.id !== undefined) pm.collectionVariables.set('${collectionVariable}', String(body.id));`,
      );
    } else if (entry.method === 'get' && 'data' in properties) {
      lines.push(
        `  if (!pm.collectionVariables.get('${collectionVariable}') && Array.isArray(body.data) && body.data.length > 0) {`,
        `    pm.collectionVariables.set('${collectionVariable}', String(body.data[0].id));`,
        '  }',
      );
    }
  }
  const wanted = [...idVariables].filter((variable) => variable in properties);
  for (const variable of wanted.sort()) {
    lines.push(
      `  if (body && body.${variable} != null) pm.collectionVariables.set('${variable}', String(body.${variable}));`,
    );
  }
  if (lines.length === 0) return [];
  return ['if (pm.response.code < 300 && pm.response.text()) {', '  const body = pm.response.json();', ...lines, '}'];
}

/** Follows a local `$ref` (components only). */
function resolve(openapi: OpenApiDocument, value: unknown): unknown {
  let current = value;
  for (let depth = 0; depth < 10; depth++) {
    if (current === null || typeof current !== 'object' || !('$ref' in current)) return current;
    const ref = (current as { $ref: unknown }).$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/')) return current;
    let target: unknown = openapi;
    for (const part of ref.slice(2).split('/')) {
      target = target !== null && typeof target === 'object' ? (target as Record<string, unknown>)[part] : undefined;
    }
    current = target;
  }
  return current;
}

/**
 * A sample value for a JSON schema: its example, default or first enum value; else one made from its type,
 * format and the property name (phones are E.164, languages ISO 639-1, `…_id` fields use the variable).
 * `patch` keeps only the properties that have their own example (all of them if none has).
 */
function exampleFor(
  input: JsonSchema,
  name: string,
  idVariables: Set<string>,
  openapi: OpenApiDocument,
  mode: 'full' | 'patch' = 'full',
): unknown {
  const schema = resolve(openapi, input) as JsonSchema;
  const snakeName = snake(name);
  const isString = schema.type === 'string' || (Array.isArray(schema.type) && schema.type.includes('string'));
  // An id field of another resource takes the id that an earlier request captured (`contact_id`).
  if (idVariables.has(snakeName) && (isString || schema.anyOf !== undefined)) return `{{${snakeName}}}`;
  // A null example or default says nothing useful: a sample of the non-null type is shown instead.
  if (schema.example !== undefined && schema.example !== null) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (schema.default !== undefined && schema.default !== null) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options)) {
      const branch = (options as JsonSchema[]).find((option) => option.type !== 'null');
      if (branch !== undefined) return exampleFor(branch, name, idVariables, openapi, mode);
    }
  }
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string | undefined];
  const type = types.find((candidate) => candidate !== 'null');
  if (type === 'object' || schema.properties !== undefined) {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    const hasExample = (property: JsonSchema) => {
      const target = resolve(openapi, property) as JsonSchema;
      return target.example !== undefined || target.default !== undefined || Array.isArray(target.enum);
    };
    let keys = Object.keys(properties).filter((key) => required.has(key) || hasExample(properties[key] as JsonSchema));
    if (mode === 'patch' || keys.length === 0) {
      const withExamples = Object.keys(properties).filter((key) => hasExample(properties[key] as JsonSchema));
      keys = withExamples.length > 0 ? withExamples : Object.keys(properties);
    }
    return Object.fromEntries(
      keys.map((key) => [key, exampleFor(properties[key] as JsonSchema, key, idVariables, openapi)]),
    );
  }
  if (type === 'array') {
    const item =
      schema.items === undefined ? undefined : exampleFor(schema.items as JsonSchema, name, idVariables, openapi);
    return item === undefined ? [] : [item];
  }
  if (type === 'integer' || type === 'number') {
    return typeof schema.minimum === 'number' ? schema.minimum : 1;
  }
  if (type === 'boolean') return true;
  if (/phone|mobile|msisdn/i.test(name)) return '+31612345678';
  if (/^(lang|language|locale)$/i.test(name)) return 'en';
  switch (schema.format) {
    case 'email':
      return 'ada@example.com';
    case 'date-time':
      return '2026-01-31T00:00:00Z';
    case 'date':
      return '2026-01-31';
    case 'uri':
    case 'url':
      return 'https://example.com/';
    case 'uuid':
      return '5c8f0a4e-4b1f-4f7e-9a57-0e3f6f1c2d11';
  }
  if (/e-?mail/i.test(name)) return 'ada@example.com';
  const sample = name === '' ? 'example' : `Example ${name}`;
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : sample.length;
  return sample.padEnd(min, 'x').slice(0, Math.max(max, 1));
}
