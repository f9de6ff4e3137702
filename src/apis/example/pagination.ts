import type { PagePosition, PageRequest } from './ports.js';

/**
 * Opaque list cursors. A cursor is the position of the last row of a page (its sort time and id), encoded
 * as base64url JSON; clients must treat it as opaque. Keyset pagination: stable under inserts, and each
 * page costs one index range scan however deep the client pages.
 */
export function encodeCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id]), 'utf8').toString('base64url');
}

/**
 * The shape of every id Flexgate makes (`ct_…`, `msg_…`, `nw_…`: prefixes and base64url), and so of a
 * cursor's id: anything else (a NUL, which PostgreSQL refuses in text, or any other byte) is no cursor.
 */
const CURSOR_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** The position a cursor holds; undefined for anything that is not a cursor Flexgate made. */
export function decodeCursor(cursor: string): PagePosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [at, id] = value as unknown[];
  if (typeof at !== 'number' || !Number.isSafeInteger(at) || typeof id !== 'string' || !CURSOR_ID.test(id))
    return undefined;
  return { at, id };
}

export interface Page<T> {
  items: T[];
  /** The cursor of the next page; undefined on the last page. */
  nextCursor: string | undefined;
}

/**
 * One page of a keyset-ordered list: asks `fetch` for `limit + 1` rows after `after` (the extra row only says
 * that there is a next page) and returns at most `limit` of them with the next page's cursor.
 */
export async function fetchPage<T>(
  fetch: (page: PageRequest) => Promise<T[]>,
  limit: number,
  after: PagePosition | undefined,
  positionOf: (row: T) => PagePosition,
): Promise<Page<T>> {
  const rows = await fetch({ limit: limit + 1, after });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : undefined,
  };
}
