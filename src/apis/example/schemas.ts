import { z } from 'zod';
import { decodeCursor } from './pagination.js';
import { isLanguageCode } from './reference/languages.js';

/**
 * Schema pieces shared by the API routes. Messages follow the seed's validation sample
 * (`"Id": ["Value -1 is invalid."]`, `"Lang": ["Should be valid ISO 639-1 language code."]`).
 */

/** A positive integer id in a path or query string (reference data such as domain types). */
export const integerId = z
  .string()
  .regex(/^[1-9][0-9]{0,8}$/, { error: (issue) => `Value ${String(issue.input)} is invalid.` })
  .transform(Number)
  .meta({ type: 'integer', minimum: 1, example: 7 });

/** A resource id made by Flexgate (prefix, underscore, URL-safe random), e.g. `ct_3k9…`. */
export const resourceId = (prefix: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}_[A-Za-z0-9_-]{1,64}$`), {
      error: (issue) => `Value ${String(issue.input)} is invalid.`,
    })
    .meta({ example: `${prefix}_Q2hhbmdlTWU` });

/** ISO 639-1: two lower-case letters that name a language. */
export const languageCode = z
  .string()
  .refine(isLanguageCode, { error: 'Should be valid ISO 639-1 language code.' })
  .meta({ pattern: '^[a-z]{2}$', example: 'en', description: 'ISO 639-1 language code' });

/** E.164: a plus sign and up to 15 digits, the first not zero. */
export const e164Phone = z
  .string()
  .regex(/^\+[1-9][0-9]{6,14}$/, { error: 'Should be a phone number in E.164 format, e.g. +31612345678.' })
  .meta({ example: '+31612345678' });

export const emailAddress = z
  .email({ error: 'Should be a valid e-mail address.' })
  .max(254, { error: 'Should be at most 254 characters.' });

/** An RFC 3339 date-time in a query string, e.g. 2026-01-31T00:00:00Z. */
export const dateTime = z.iso.datetime({
  offset: true,
  error: 'Should be an RFC 3339 date-time, e.g. 2026-01-31T00:00:00Z.',
});

/** `limit` of a list: 1–100, default 20. */
export const pageLimit = z
  .string()
  .regex(/^(100|[1-9][0-9]?)$/, { error: (issue) => `Value ${String(issue.input)} is invalid: use 1 to 100.` })
  .transform(Number)
  .optional()
  .transform((limit) => limit ?? 20)
  .meta({ type: 'integer', minimum: 1, maximum: 100, default: 20 });

/** The opaque `cursor` of a list, as found in the previous page's `next` link; decoded to a position. */
export const pageCursor = z
  .string()
  .max(512, { error: 'Value is not a cursor of this list.' })
  .transform((cursor, context) => {
    const position = decodeCursor(cursor);
    if (position === undefined) context.addIssue({ code: 'custom', message: 'Value is not a cursor of this list.' });
    return position ?? z.NEVER;
  })
  .optional()
  .meta({ description: "Opaque: copy it from the previous page's `next` link" });

/** The query of a paginated list. */
export const pageQuery = { limit: pageLimit, cursor: pageCursor };

export const timestamp = z.iso.datetime().meta({ example: '2026-11-30T12:00:00.000Z' });

/** The envelope of every list response. */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    /** The path and query of the next page, or null on the last page. */
    next: z.string().nullable().meta({ example: '/api/v0.0.1/contacts?limit=20&cursor=eyJ…' }),
  });
