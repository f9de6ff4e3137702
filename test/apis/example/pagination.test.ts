/**
 * Cursors: a cursor round-trips every id Flexgate makes, and anything else (bad JSON, a bad id) is no cursor.
 */
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../src/apis/example/pagination.js';

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe('cursors', () => {
  it.each([
    'ct_AbCdEfGhIjKlMnOp',
    'msg_-_AbCdEfGhIjKlMn',
    'ct_demo1_a-b_c9Xy0Z',
    'nw_sandbox_p01',
    'nw_live_cAbc123def05',
    'a'.repeat(128),
  ])('round-trips id %s', (id) => {
    const position = { at: 1_700_000_000_000, id };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    ['a NUL in the id', 'WzEsImFcdTAwMDAiXQ'],
    ['an empty id', cursorOf([1, ''])],
    ['a space in the id', cursorOf([1, 'ct_a b'])],
    ['a non-ASCII id', cursorOf([1, 'ct_é'])],
    ['an id of 129 characters', cursorOf([1, 'a'.repeat(129)])],
    ['a non-string id', cursorOf([1, 2])],
    ['a fractional time', cursorOf([1.5, 'ct_a'])],
    ['not an array', cursorOf({ at: 1, id: 'ct_a' })],
    ['not base64url JSON', 'bogus'],
  ])('rejects %s', (_name, cursor) => {
    expect(decodeCursor(cursor)).toBeUndefined();
  });
});
