import type { Kysely, Migration } from 'kysely';

/**
 * Failed-login counters (core/login-throttle.ts), in the database rather than in memory so that every
 * instance behind a load balancer counts the same failures and honours the same locks.
 */
export function loginAttemptsMigration(): Migration {
  /** Epoch milliseconds, as in 0001. */
  const millis = 'bigint';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('login_attempts')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('first_failure_at', millis, (c) => c.notNull())
        .addColumn('locked_until', millis)
        .addPrimaryKeyConstraint('login_attempts_pkey', ['kind', 'key'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('login_attempts').execute();
    },
  };
}
