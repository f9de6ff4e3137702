import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The REST API's resources (src/core/resources/ports.ts): contacts, messages with their status history,
 * news, and the responses kept for `Idempotency-Key` replays. Every list is paginated by keyset, so each
 * table has an index matching its scope filter followed by its sort order.
 */
export function apiResourcesMigration(): Migration {
  /** Epoch milliseconds, as in 0001. */
  const millis = 'bigint';
  const environmentCheck = sql`environment in ('sandbox', 'live')`;
  const statusCheck = sql`status in ('queued', 'sent', 'delivered', 'failed')`;

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('contacts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull().check(environmentCheck))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('phone', 'text')
        .addColumn('language', 'text')
        .addColumn('tags', 'text', (c) => c.notNull())
        .addColumn('created_at', millis, (c) => c.notNull())
        .addColumn('updated_at', millis, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('contacts_owner_env_created_idx')
        .on('contacts')
        .columns(['owner_id', 'environment', 'created_at', 'id'])
        .execute();

      // contact_id is deliberately not a foreign key: a deleted contact's messages stay, as history.
      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull().check(environmentCheck))
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('sms', 'email', 'whatsapp')`))
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(statusCheck))
        .addColumn('created_at', millis, (c) => c.notNull())
        .addColumn('updated_at', millis, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('messages_owner_env_created_idx')
        .on('messages')
        .columns(['owner_id', 'environment', 'created_at', 'id'])
        .execute();
      // The worker's scans (listDue): messages in a status unchanged since a moment, longest first; for
      // `queued` that is oldest first, as a message is queued only when it is inserted.
      await db.schema
        .createIndex('messages_status_updated_idx')
        .on('messages')
        .columns(['status', 'updated_at', 'id'])
        .execute();

      await db.schema
        .createTable('message_events')
        .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(statusCheck))
        .addColumn('at', millis, (c) => c.notNull())
        .addColumn('detail', 'text')
        .addPrimaryKeyConstraint('message_events_pkey', ['message_id', 'seq'])
        .execute();

      await db.schema
        .createTable('news')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('environment', 'text', (c) => c.notNull().check(environmentCheck))
        .addColumn('customer_id', 'text')
        .addColumn('lang', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('published_at', millis, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('news_env_customer_published_idx')
        .on('news')
        .columns(['environment', 'customer_id', 'published_at', 'id'])
        .execute();
      // Public news (customer_id is null) newest first: PostgreSQL does not walk the index above backwards
      // for an `is null` filter ordered by (published_at desc, id desc), so the public list gets its own.
      await db.schema
        .createIndex('news_env_public_published_idx')
        .on('news')
        .columns(['environment', 'published_at', 'id'])
        .where(sql.ref('customer_id'), 'is', null)
        .execute();

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('client_id', 'text', (c) => c.notNull())
        // The data owner (DataScope): users of one client (authorization code) each have their own keys.
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull().check(environmentCheck))
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('location', 'text', (c) => c.notNull())
        .addColumn('response_body', 'text', (c) => c.notNull())
        .addColumn('created_at', millis, (c) => c.notNull())
        .addColumn('expires_at', millis, (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pkey', ['client_id', 'owner_id', 'environment', 'key'])
        .execute();
      await db.schema
        .createIndex('idempotency_keys_expires_at_idx')
        .on('idempotency_keys')
        .column('expires_at')
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['idempotency_keys', 'news', 'message_events', 'messages', 'contacts']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
