import type { Kysely } from 'kysely';
import type { ConsumeOutcome } from '../oauth/ports.js';
import type { Database } from './schema.js';

/** A table whose rows are good for one use: the key column, and the column that marks the use. */
interface ConsumableTable<Row, R> {
  table: 'authorization_codes' | 'refresh_tokens';
  key: 'code_hash' | 'token_hash';
  usedAt: 'used_at' | 'rotated_at';
  toRecord(row: Row): R;
}

/**
 * Marks a row used, once. One conditional UPDATE decides the race: SQLite runs writers one at a time, and
 * PostgreSQL (READ COMMITTED) makes a second updater wait for the first to commit, then re-checks that the
 * mark is still null. Exactly one concurrent caller gets `consumed`; every other (and every later) caller
 * gets `already_used` with the row as stored; undefined when no such row exists.
 */
export async function consumeOnce<Row, R>(
  db: Kysely<Database>,
  spec: ConsumableTable<Row, R>,
  keyValue: string,
  now: number,
): Promise<ConsumeOutcome<R> | undefined> {
  // The two tables share the shape this needs; Kysely types a query per table, so the columns are cast.
  const table = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const consumed = await table
    .updateTable(spec.table)
    .set({ [spec.usedAt]: now })
    .where(spec.key, '=', keyValue)
    .where(spec.usedAt, 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (consumed) return { outcome: 'consumed', record: spec.toRecord(consumed as Row) };
  const row = await table.selectFrom(spec.table).selectAll().where(spec.key, '=', keyValue).executeTakeFirst();
  return row && { outcome: 'already_used', record: spec.toRecord(row as Row) };
}
