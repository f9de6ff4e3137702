import { OAuthError } from '../oauth/errors.js';

/**
 * No Flexgate parameter may hold a NUL byte, and PostgreSQL refuses one in text (an error, not a mismatch):
 * the app refuses it once, before any route or query sees it. OAuth endpoints and pages answer
 * invalid_request; the REST API answers its field map, naming each offending field (api/validation.ts).
 */
export class NulCharacterError extends OAuthError {
  constructor() {
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
