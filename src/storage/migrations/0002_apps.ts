import type { Kysely, Migration } from 'kysely';

/**
 * Applications of the developer portal: each owns two clients (sandbox and live) through `clients.app_id`.
 * Deleting a user deletes their applications, and deleting an application deletes its clients (and, by the
 * cascades of 0001, their codes, grants, refresh tokens and consents). `disabled_at` lets an admin switch an
 * application off without losing it.
 */
export function appsMigration(): Migration {
  const millis = 'bigint';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('apps')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('created_at', millis, (c) => c.notNull())
        .addColumn('disabled_at', millis)
        .execute();
      await db.schema.createIndex('apps_owner_id_idx').on('apps').column('owner_id').execute();
      // SQLite allows ADD COLUMN with a REFERENCES clause when the default is NULL, which it is here.
      await db.schema
        .alterTable('clients')
        .addColumn('app_id', 'text', (c) => c.references('apps.id').onDelete('cascade'))
        .execute();
      await db.schema.alterTable('clients').addColumn('disabled_at', millis).execute();
      await db.schema.createIndex('clients_app_id_idx').on('clients').column('app_id').execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('clients_app_id_idx').ifExists().execute();
      await db.schema.alterTable('clients').dropColumn('disabled_at').execute();
      await db.schema.alterTable('clients').dropColumn('app_id').execute();
      await db.schema.dropTable('apps').ifExists().execute();
    },
  };
}
