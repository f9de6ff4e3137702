import { z } from 'zod';
import { ENDPOINT_PATHS } from '../../oauth/endpoints/metadata.js';
import type { ScopeDefinition } from '../../oauth/scopes.js';
import { type AnyApiRoute, API_BASE, type HttpMethod } from '../route.js';
import {
  cleanSchema,
  compare,
  ERROR_SCHEMAS,
  errorResponses,
  HEADERS,
  type JsonSchema,
  RESPONSE_HEADERS,
  sortKeys,
  toSchema,
} from './openapi-components.js';

export type { JsonSchema } from './openapi-components.js';

/**
 * The OpenAPI 3.1 document of the REST API, generated from the route table: the zod schemas that validate
 * requests describe them here too, so the document cannot drift from what the server accepts. The Postman
 * collection (postman.ts) and the docs page (routes/api-docs.ts) are built from this document.
 */

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Array<Record<string, string[]>>;
  parameters?: Array<OpenApiParameter | { $ref: string }>;
  requestBody?: { required: boolean; content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, unknown>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  servers: Array<{ url: string; description: string }>;
  tags: Array<{ name: string; description: string }>;
  security: Array<Record<string, string[]>>;
  paths: Record<string, Partial<Record<Lowercase<HttpMethod>, OpenApiOperation>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, unknown>;
    headers: Record<string, unknown>;
    parameters: Record<string, unknown>;
    securitySchemes: Record<string, unknown>;
  };
}

interface OpenApiOptions {
  /** The configured issuer: the API's server URL and the OAuth endpoints are below it. */
  issuer: string;
  /** The scopes of the API's OAuth 2 security scheme, with their descriptions. */
  scopes: readonly ScopeDefinition[];
}

/** What each tag groups, shown above its operations; tags not listed get a generic line. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  Account: 'Who the access token belongs to: the client, the user, the customer and the granted scopes.',
  Contacts: 'The address book: create, read, change and delete contacts.',
  Messages: 'Send messages and follow their delivery status.',
  News: 'News items, for everyone and per customer.',
  'Reference data': 'Reference lists (domain types) and the values of each list, localised with `lang`.',
};

/** OpenAPI's order of operations inside a path item, so the output does not depend on the table's order. */
const METHOD_ORDER: readonly HttpMethod[] = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH'];

const ERROR_RESPONSE_NAMES: Record<number, string> = {
  400: 'ValidationError',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'IdempotencyConflict',
  429: 'TooManyRequests',
  500: 'ServerError',
};

/** Error statuses every operation can answer. */
const COMMON_ERRORS = [400, 401, 403, 405, 406, 429, 500] as const;

const json = (schema: JsonSchema) => ({ 'application/json': { schema } });

export function buildOpenApiDocument(routes: readonly AnyApiRoute[], options: OpenApiOptions): OpenApiDocument {
  const defs = new Map<string, JsonSchema>();
  const convert = (schema: z.ZodType): JsonSchema => toSchema(schema, defs);

  const paths: OpenApiDocument['paths'] = {};
  const sorted = [...routes].sort(
    (a, b) => compare(a.path, b.path) || METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method),
  );
  for (const route of sorted) {
    const item = paths[route.path] ?? {};
    paths[route.path] = item;
    const method = route.method.toLowerCase() as Lowercase<HttpMethod>;
    if (item[method] !== undefined) throw new Error(`two routes for ${route.method} ${route.path}`);
    item[method] = operation(route, convert);
  }

  const scopes = Object.fromEntries(options.scopes.map((scope) => [scope.name, scope.description]));
  const tokenUrl = `${options.issuer}${ENDPOINT_PATHS.token}`;
  const tags = [...new Set(routes.map((route) => route.tag))].map((name) => ({
    name,
    description: TAG_DESCRIPTIONS[name] ?? `Operations on ${name}.`,
  }));

  const document: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: 'Flexgate API',
      version: '0.0.1',
      description: [
        'The Flexgate REST API. Every call needs an OAuth 2.0 access token (`Authorization: Bearer …`) from',
        `${tokenUrl}: a client-credentials token for server-to-server use, or an authorization-code token`,
        'to act for a user. Each operation lists the scopes its token needs.',
        '',
        'Errors are JSON: `{"error", "error_description", "request_id"?}`; validation errors (400) map each',
        'field to its messages (a malformed `Authorization` header or URL is a 400 in the error shape).',
        'Every response carries `X-Request-Id`: quote it when reporting a problem. When rate limiting is on',
        '(the default; `FLEXGATE_RATE_LIMIT=0` turns it off), every response also carries `RateLimit-Policy`,',
        '`RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`, and a 429 says when to retry in',
        '`Retry-After`. Lists take `limit` and `cursor` and answer `{"data": […], "next": …}`, where `next`',
        'is the next page or null. Creates that take an `Idempotency-Key` answer 201 the first time and 200',
        'with the same resource (and the same `Location`) on a repeat.',
      ].join('\n'),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: `${options.issuer}${API_BASE}`, description: 'This Flexgate server' }],
    tags,
    security: [{ oauth2: [] }],
    paths: sortKeys(paths),
    components: {
      schemas: sortKeys({ ...Object.fromEntries(defs), ...ERROR_SCHEMAS }),
      responses: errorResponses(),
      headers: HEADERS,
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Makes the create safe to retry: a repeat with the same key and body answers 200 with the resource ' +
            'created the first time; the same key with another body answers 422.',
          schema: { type: 'string', minLength: 1, maxLength: 255, example: '5c8f0a4e-4b1f-4f7e-9a57-0e3f6f1c2d11' },
        },
      },
      securitySchemes: {
        oauth2: {
          type: 'oauth2',
          description: 'OAuth 2.0 access tokens issued by this Flexgate server.',
          flows: {
            authorizationCode: {
              authorizationUrl: `${options.issuer}${ENDPOINT_PATHS.authorization}`,
              tokenUrl,
              refreshUrl: tokenUrl,
              scopes,
            },
            clientCredentials: { tokenUrl, scopes },
          },
        },
      },
    },
  };
  return document;
}

function operation(route: AnyApiRoute, convert: (schema: z.ZodType) => JsonSchema): OpenApiOperation {
  const parameters: Array<OpenApiParameter | { $ref: string }> = [
    ...objectParameters(route.params, 'path', route),
    ...objectParameters(route.query, 'query', route),
  ];
  if (route.idempotent === true) parameters.push({ $ref: '#/components/parameters/IdempotencyKey' });

  const success: Record<string, unknown> = { description: route.success.description };
  const headers: Record<string, unknown> = { ...RESPONSE_HEADERS };
  if (route.success.status === 201) headers.Location = { $ref: '#/components/headers/Location' };
  success.headers = sortKeys(headers);
  if (route.success.status !== 204 && route.success.schema !== undefined) {
    success.content = json(convert(route.success.schema));
  }

  // Which errors a route can answer follows from what it declares: a body (413, 415), an idempotent create
  // (422), path parameters (404).
  const errors = new Set<number>(COMMON_ERRORS);
  if (route.body !== undefined) {
    errors.add(413);
    errors.add(415);
  }
  if (route.idempotent === true) errors.add(422);
  if (route.params !== undefined && hasKeys(route.params)) errors.add(404);

  const responses: Record<string, unknown> = { [String(route.success.status)]: success };
  // A 201 create answers 200 with the first resource, and its Location, when its Idempotency-Key is repeated.
  if (route.idempotent === true && route.success.status === 201) {
    responses['200'] = { ...success, description: 'The resource created earlier with this Idempotency-Key' };
  }
  for (const status of [...errors].sort((a, b) => a - b)) {
    const name = ERROR_RESPONSE_NAMES[status];
    if (name !== undefined) responses[String(status)] = { $ref: `#/components/responses/${name}` };
  }

  const op: OpenApiOperation = {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    security: [{ oauth2: [...route.scopes] }],
    responses: sortKeys(responses),
  };
  const scopeNote =
    route.scopes.length === 0
      ? 'Any valid access token may call this.'
      : `Scopes: ${route.scopes.map((scope) => `\`${scope}\``).join(', ')}.`;
  op.description = route.description === undefined ? scopeNote : `${route.description}\n\n${scopeNote}`;
  if (parameters.length > 0) op.parameters = parameters;
  if (route.body !== undefined) {
    op.requestBody = { required: true, content: json(convert(route.body)) };
  }
  return op;
}

const hasKeys = (schema: z.ZodType) => schema instanceof z.ZodObject && Object.keys(schema.shape).length > 0;

/** One parameter per property of a path or query object schema; requiredness comes from the object. */
function objectParameters(
  schema: z.ZodType | undefined,
  where: 'path' | 'query',
  route: AnyApiRoute,
): OpenApiParameter[] {
  if (schema === undefined) return [];
  if (!(schema instanceof z.ZodObject)) {
    throw new Error(`${route.method} ${route.path}: ${where} parameters must be a zod object schema`);
  }
  const whole = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
  const required = new Set(Array.isArray(whole.required) ? whole.required : []);
  const shape = schema.shape as Record<string, z.ZodType>;
  return Object.keys(shape).map((name) => {
    const property = shape[name] as z.ZodType;
    const propertySchema = cleanSchema(z.toJSONSchema(property, { io: 'input', target: 'draft-2020-12' }));
    const { description, ...rest } = propertySchema;
    const parameter: OpenApiParameter = {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      schema: rest,
    };
    if (typeof description === 'string') parameter.description = description;
    return parameter;
  });
}

/**
 * A zod schema as JSON Schema 2020-12 (what OpenAPI 3.1 uses). Named schemas (zod's `$defs`, from
 * `.meta({ id })` or recursion) move to components/schemas, since `#/$defs/…` would resolve against the
 * whole document.
 */
