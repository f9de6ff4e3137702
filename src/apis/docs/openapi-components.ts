/** The reusable parts of the OpenAPI document: JSON Schemas from zod, the error responses and headers Flexgate adds. */
import { z } from 'zod';
import { API_ANSWER_ERROR_CODES } from '../errors.js';
import { API_BASE } from '../route.js';

export type JsonSchema = Record<string, unknown>;

/** Headers on every response: the request id, and the rate-limit headers (when rate limiting is on). */
export const RESPONSE_HEADERS: Record<string, unknown> = {
  'RateLimit-Limit': { $ref: '#/components/headers/RateLimit-Limit' },
  'RateLimit-Policy': { $ref: '#/components/headers/RateLimit-Policy' },
  'RateLimit-Remaining': { $ref: '#/components/headers/RateLimit-Remaining' },
  'RateLimit-Reset': { $ref: '#/components/headers/RateLimit-Reset' },
  'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' },
};

export function toSchema(schema: z.ZodType, defs: Map<string, JsonSchema>): JsonSchema {
  const raw = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as JsonSchema;
  const { $defs, ...rest } = raw;
  if ($defs !== undefined && typeof $defs === 'object' && $defs !== null) {
    for (const [name, def] of Object.entries($defs as Record<string, JsonSchema>)) {
      defs.set(name, cleanSchema(def));
    }
  }
  return cleanSchema(rest);
}

/** Drops `$schema`, rewrites `$defs` references, and removes `pattern` from numbers (`.meta({ type: 'integer' })`). */
export function cleanSchema(schema: JsonSchema): JsonSchema {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    const object = value as Record<string, unknown>;
    const numeric = object.type === 'integer' || object.type === 'number';
    for (const [key, child] of Object.entries(object)) {
      if (key === '$schema') continue;
      if (numeric && key === 'pattern') continue;
      if (key === '$ref' && typeof child === 'string' && child.startsWith('#/$defs/')) {
        out[key] = `#/components/schemas/${child.slice('#/$defs/'.length)}`;
      } else {
        out[key] = walk(child);
      }
    }
    return out;
  };
  return walk(schema) as JsonSchema;
}

export const ERROR_SCHEMAS: Record<string, JsonSchema> = {
  Error: {
    type: 'object',
    description: 'An error other than a validation error.',
    properties: {
      error: { $ref: '#/components/schemas/ApiErrorCode' },
      error_description: { type: 'string', description: 'What went wrong, for developers' },
      request_id: { type: 'string', description: 'Quote it when reporting a problem' },
    },
    required: ['error', 'error_description'],
  },
  ApiErrorCode: {
    type: 'string',
    description: "A machine-readable code: the API's own, or an RFC 6750 bearer error.",
    enum: [...API_ANSWER_ERROR_CODES],
    example: 'not_found',
  },
  ValidationErrors: {
    type: 'object',
    description: 'Each invalid field of the path, query or body with its messages.',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    example: { lang: ['Should be valid ISO 639-1 language code.'] },
  },
};

const errorRef = { $ref: '#/components/schemas/Error' };

function errorResponse(
  description: string,
  example: Record<string, string>,
  extraHeaders: Record<string, unknown> = {},
) {
  return {
    description,
    headers: sortKeys({ ...RESPONSE_HEADERS, ...extraHeaders }),
    content: { 'application/json': { schema: errorRef, example } },
  };
}

export function errorResponses(): Record<string, unknown> {
  const wwwAuthenticate = { 'WWW-Authenticate': { $ref: '#/components/headers/WWW-Authenticate' } };
  return {
    ValidationError: {
      description:
        'The path, query or body is not valid: each invalid field with its messages. A malformed ' +
        '`Authorization` header (with its `WWW-Authenticate` challenge) or URL answers `invalid_request` ' +
        'in the error shape instead.',
      headers: sortKeys({ ...RESPONSE_HEADERS, ...wwwAuthenticate }),
      content: {
        'application/json': {
          schema: { oneOf: [{ $ref: '#/components/schemas/ValidationErrors' }, errorRef] },
          examples: {
            fields: { summary: 'Invalid fields', value: { lang: ['Should be valid ISO 639-1 language code.'] } },
            malformed: {
              summary: 'A malformed Authorization header',
              value: {
                error: 'invalid_request',
                error_description: 'The Authorization header must be "Bearer <access_token>"',
              },
            },
          },
        },
      },
    },
    Unauthorized: errorResponse(
      'No access token, or one that is expired, revoked or not for this API.',
      { error: 'invalid_token', error_description: 'The access token expired' },
      wwwAuthenticate,
    ),
    Forbidden: errorResponse(
      'The access token lacks a scope this operation needs.',
      { error: 'insufficient_scope', error_description: 'This call needs the scope read:contacts' },
      wwwAuthenticate,
    ),
    NotFound: errorResponse('No such resource (or not one this token may see).', {
      error: 'not_found',
      error_description: 'No contact with this id',
    }),
    MethodNotAllowed: errorResponse(
      'The path exists but not with this method.',
      { error: 'method_not_allowed', error_description: 'Use one of GET, POST' },
      { Allow: { $ref: '#/components/headers/Allow' } },
    ),
    NotAcceptable: errorResponse('The Accept header does not allow application/json.', {
      error: 'not_acceptable',
      error_description: 'This API answers application/json',
    }),
    PayloadTooLarge: errorResponse('The request body is larger than the server accepts.', {
      error: 'payload_too_large',
      error_description: 'The request body is too large',
    }),
    UnsupportedMediaType: errorResponse('The body is not application/json.', {
      error: 'unsupported_media_type',
      error_description: 'Send the body as application/json',
    }),
    IdempotencyConflict: errorResponse('This Idempotency-Key was used before with another body.', {
      error: 'idempotency_key_reused',
      error_description: 'This Idempotency-Key was used with another request body',
    }),
    TooManyRequests: errorResponse(
      'Too many requests: wait for the seconds in Retry-After.',
      { error: 'rate_limited', error_description: 'Too many requests; retry later' },
      { 'Retry-After': { $ref: '#/components/headers/Retry-After' } },
    ),
    ServerError: {
      description: 'Something failed on the server; the request id helps find it in the logs.',
      headers: RESPONSE_HEADERS,
      content: {
        'application/json': {
          schema: { allOf: [errorRef, { required: ['request_id'] }] },
          example: { error: 'server_error', error_description: 'Something went wrong', request_id: 'req-1' },
        },
      },
    },
  };
}

export const HEADERS: Record<string, unknown> = {
  Allow: { description: 'The methods this path accepts.', schema: { type: 'string', example: 'GET, POST' } },
  Location: {
    description: 'The URL path of the created resource.',
    schema: { type: 'string', example: `${API_BASE}/contacts/ct_Q2hhbmdlTWU` },
  },
  'RateLimit-Limit': {
    description: 'Requests allowed in the current window (present when rate limiting is on).',
    schema: { type: 'integer', minimum: 0 },
  },
  'RateLimit-Policy': {
    description: 'The quota and its window in seconds, `<limit>;w=<seconds>` (present when rate limiting is on).',
    schema: { type: 'string', example: '600;w=60' },
  },
  'RateLimit-Remaining': {
    description: 'Requests left in the current window (present when rate limiting is on).',
    schema: { type: 'integer', minimum: 0 },
  },
  'RateLimit-Reset': {
    description: 'Seconds until the window resets (present when rate limiting is on).',
    schema: { type: 'integer', minimum: 0 },
  },
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } },
  'WWW-Authenticate': {
    description: 'RFC 6750 challenge: `Bearer error="…", error_description="…"`.',
    schema: { type: 'string' },
  },
  'X-Request-Id': {
    description: 'Identifies the request in the server logs: quote it when reporting a problem.',
    schema: { type: 'string', example: '0f8c9e52-6b1e-4c52-9a55-2b7d3c1e8f40' },
  },
};

export const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compare(a, b)));
}
