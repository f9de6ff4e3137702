import type { z } from 'zod';
import { emptyFieldErrors, type FieldErrors } from './errors.js';

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
