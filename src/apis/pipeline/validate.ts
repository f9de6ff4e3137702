import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { emptyFieldErrors, type FieldErrors } from '../../shared/field-errors.js';
import { ValidationError } from '../errors.js';
import type { AnyApiRoute } from '../route.js';

/**
 * zod issues → the seeds' validation map: field name (as the client wrote it; `tags[0]` inside arrays,
 * `address.city` inside objects) → messages. Unknown fields get an entry of their own.
 */
export function zodIssuesToFields(
  issues: readonly z.core.$ZodIssue[],
  location: 'path' | 'query' | 'body',
): FieldErrors {
  const fields = emptyFieldErrors();
  const add = (field: string, message: string) => {
    const messages = fields[field] ?? [];
    if (!messages.includes(message)) messages.push(message);
    fields[field] = messages;
  };
  for (const issue of issues) {
    const field = fieldName(issue.path, location);
    if (issue.code === 'unrecognized_keys') {
      const known = location === 'query' ? 'query parameter' : 'field';
      for (const key of issue.keys) add(joinPath(field, key), `Is not a known ${known}.`);
      continue;
    }
    add(field, messageOf(issue, location));
  }
  return fields;
}

function fieldName(path: readonly PropertyKey[], location: string): string {
  if (path.length === 0) return location === 'body' ? 'body' : location;
  return path.reduce<string>((name, segment) => joinPath(name, segment), '');
}

function joinPath(name: string, segment: PropertyKey): string {
  if (typeof segment === 'number') return `${name}[${segment}]`;
  const text = String(segment);
  return name === '' || name === 'body' || name === 'path' || name === 'query' ? text : `${name}.${text}`;
}

/** zod's message when a schema set one; plain wording for the defaults a client commonly trips. */
function messageOf(issue: z.core.$ZodIssue, location: string): string {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined)
      return issue.path.length === 0 && location === 'body' ? 'A JSON body is required.' : 'Is required.';
    if (Array.isArray(issue.input) && location !== 'body') return 'Should be given once.';
    if (!issue.message.startsWith('Invalid input')) return issue.message;
    return `Should be ${article(issue.expected)}.`;
  }
  return issue.message;
}

const article = (expected: string) => (/^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`);

const NUL_MESSAGE = 'Must not contain NUL characters.';

/**
 * The fields of the path, query and body that hold a NUL character (in a name or a value), named as
 * validation errors name them. Iterative: a deeply nested body must not overflow the stack. Only called for a request the
 * global check (http/nul.ts) refused, so the common request pays for the cheap check alone.
 */
export function nulFields(request: FastifyRequest): FieldErrors {
  const fields = emptyFieldErrors();
  const pending: Array<[string, unknown]> = [];
  const root = (location: 'path' | 'query' | 'body', value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, item] of Object.entries(value)) pending.push([key, item]);
    } else {
      pending.push([location, value]);
    }
  };
  root('path', request.params);
  root('query', request.query);
  root('body', request.body);
  while (pending.length > 0) {
    const [name, value] = pending.pop() as [string, unknown];
    if (name.includes('\u0000')) {
      fields[name.replaceAll('\u0000', '\\u0000')] = [NUL_MESSAGE];
    } else if (typeof value === 'string') {
      if (value.includes('\u0000')) fields[name] = [NUL_MESSAGE];
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        pending.push([`${name}[${index}]`, item]);
      });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) pending.push([`${name}.${key}`, item]);
    }
  }
  return fields;
}

export interface ValidInput {
  params: unknown;
  query: unknown;
  body: unknown;
}

/** A route without query parameters takes none: an unknown parameter is a validation error, not ignored. */
const NO_QUERY = z.strictObject({});

const hasKeys = (value: unknown) => typeof value === 'object' && value !== null && Object.keys(value).length > 0;

/** The pipeline's validation step: path, query and body together, so one 400 lists every offending field. */
export function validateInput(route: AnyApiRoute, request: FastifyRequest): ValidInput {
  const fields = emptyFieldErrors();
  const parse = (schema: z.ZodType | undefined, value: unknown, location: 'path' | 'query' | 'body') => {
    if (schema === undefined) return undefined;
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    for (const [field, messages] of Object.entries(zodIssuesToFields(result.error.issues, location))) {
      fields[field] = [...(fields[field] ?? []), ...messages];
    }
    return undefined;
  };
  const params = parse(route.params, request.params ?? {}, 'path');
  // An empty query needs no parse on a route without query parameters (most GETs of one resource, /me).
  const querySchema = route.query ?? (hasKeys(request.query) ? NO_QUERY : undefined);
  const query = parse(querySchema, request.query ?? {}, 'query');
  const body = parse(route.body, request.body, 'body');
  if (Object.keys(fields).length > 0) throw new ValidationError(fields);
  return { params, query, body };
}
