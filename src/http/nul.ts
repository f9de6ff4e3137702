import type { FastifyRequest } from 'fastify';
import { OAuthError } from '../core/errors.js';
import { emptyFieldErrors, type FieldErrors } from './api/errors.js';

/**
 * No Flexgate parameter may hold a NUL byte, and PostgreSQL refuses one in text (an error, not a mismatch):
 * the app refuses it once, before any route or query sees it. OAuth endpoints and pages answer
 * invalid_request; the REST API answers its field map, naming each offending field.
 */
export class NulCharacterError extends OAuthError {
  constructor(readonly fields: FieldErrors) {
    super('invalid_request', 'Parameters must not contain NUL characters', { status: 400 });
  }
}

/**
 * True when a parsed query, form, path or JSON body holds a NUL character in any string, key or value.
 * Iterative: a deeply nested JSON body must not overflow the stack.
 */
export function containsNul(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) return true;
        pending.push(item);
      }
    }
  }
  return false;
}

const NUL_MESSAGE = 'Must not contain NUL characters.';

/**
 * The fields of the path, query and body that hold a NUL character (in a name or a value), named as
 * validation errors name them. Iterative: a deeply nested body must not overflow the stack. Only called once
 * `containsNul` found one, so the common request pays for the cheap check alone.
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
