import { sql } from 'kysely';
import type { LoginAttemptRepository } from '../../portal/domain/ports.js';
import type { Context } from '../context.js';
import { deletedCount } from '../results.js';
import { toLoginAttempt } from '../rows.js';

export function loginAttemptRepository({ db }: Context): LoginAttemptRepository {
  return {
    async find(kind, key) {
      const row = await db
        .selectFrom('login_attempts')
        .selectAll()
        .where('kind', '=', kind)
        .where('key', '=', key)
        .executeTakeFirst();
      return row && toLoginAttempt(row);
    },

    async recordFailure(kind, key, now, windowStart) {
      // One upsert, so concurrent failures (on any instance) each count: both databases serialise writers
      // on the row. Column references in DO UPDATE are the stored row's values, qualified for PostgreSQL.
      const expired = sql<boolean>`login_attempts.first_failure_at < ${windowStart}`;
      const row = await db
        .insertInto('login_attempts')
        .values({ kind, key, failures: 1, first_failure_at: now, locked_until: null })
        .onConflict((oc) =>
          oc.columns(['kind', 'key']).doUpdateSet({
            failures: sql<number>`case when ${expired} then 1 else login_attempts.failures + 1 end`,
            first_failure_at: sql<number>`case when ${expired} then ${now} else login_attempts.first_failure_at end`,
          }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toLoginAttempt(row);
    },

    async lock(kind, key, until) {
      await db
        .updateTable('login_attempts')
        .set({ locked_until: until, failures: 0 })
        .where('kind', '=', kind)
        .where('key', '=', key)
        .execute();
    },

    async reset(kind, key) {
      await db.deleteFrom('login_attempts').where('kind', '=', kind).where('key', '=', key).execute();
    },

    async forgive(kind, key) {
      await db
        .updateTable('login_attempts')
        .set({ failures: sql<number>`case when failures > 0 then failures - 1 else 0 end` })
        .where('kind', '=', kind)
        .where('key', '=', key)
        .execute();
    },

    async deleteStale(before) {
      const result = await db
        .deleteFrom('login_attempts')
        .where('first_failure_at', '<', before)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', before)]))
        .executeTakeFirst();
      return deletedCount(result);
    },
  };
}
