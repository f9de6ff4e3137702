/**
 * Filters and helpers shared by the repositories of the example API's resources. Every query of a `DataScope`
 * filters on owner and environment; lists are keyset-paginated on (sort time, id), with the condition written as
 * `t >= at and (t > at or id > after)` so that the leading range can use the table's (scope…, t, id) index.
 */
import type { ExpressionBuilder, Kysely, Transaction } from 'kysely';
import type { DataScope, PagePosition } from '../../apis/example/ports.js';
import type { Context } from '../context.js';
import type { Database } from '../schema.js';

/** Oldest-first keyset condition of contacts and messages: rows strictly after `after` in (created_at, id). */
export function createdAfter(after: PagePosition) {
  return (eb: ExpressionBuilder<Database, 'contacts'> | ExpressionBuilder<Database, 'messages'>) => {
    // Both tables have created_at and id; Kysely types the builder per table, so one is named.
    const scoped = eb as ExpressionBuilder<Database, 'contacts'>;
    return scoped.and([
      scoped('created_at', '>=', after.at),
      scoped.or([scoped('created_at', '>', after.at), scoped('id', '>', after.id)]),
    ]);
  };
}

/**
 * The rows of `scope` (its owner in its environment), and only row `id` when one is given: the filter of
 * every scoped query of contacts and messages.
 */
export function inScope(scope: DataScope, id?: string) {
  return (eb: ExpressionBuilder<Database, 'contacts'> | ExpressionBuilder<Database, 'messages'>) => {
    // Both tables have owner_id, environment and id; Kysely types the builder per table, so one is named.
    const scoped = eb as ExpressionBuilder<Database, 'contacts'>;
    return scoped.and({
      owner_id: scope.ownerId,
      environment: scope.environment,
      ...(id === undefined ? {} : { id }),
    });
  };
}

/** Runs `work` in a transaction, or directly when the repositories already run in one. */
export function atomically<T>(
  { db, inTransaction }: Context,
  work: (q: Kysely<Database> | Transaction<Database>) => Promise<T>,
): Promise<T> {
  return inTransaction ? work(db) : db.transaction().execute(work);
}
