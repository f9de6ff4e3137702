import { type Kysely, type Migration, sql } from 'kysely';
import type { SqlDialect } from '../schema.js';

/**
 * The initial schema. Migrations must not depend on the current `Database` types (they describe the past),
 * hence `Kysely<unknown>`: the schema builder takes plain table and column names.
 */
export function initialMigration(dialect: SqlDialect): Migration {
  /** Epoch milliseconds. `bigint` has INTEGER affinity on SQLite and is 64-bit on PostgreSQL. */
  const millis = 'bigint';

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('clients')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text')
        .addColumn('previous_secret_hash', 'text')
        .addColumn('previous_secret_expires_at', millis)
        .addColumn('redirect_uris', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('grant_types', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull().check(sql`environment in ('sandbox', 'live')`))
        .addColumn('is_public', 'integer', (c) => c.notNull().check(sql`is_public in (0, 1)`))
        .addColumn('created_at', millis, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('is_admin', 'integer', (c) => c.notNull().check(sql`is_admin in (0, 1)`))
        .addColumn('created_at', millis, (c) => c.notNull())
        .addUniqueConstraint('users_username_key', ['username'])
        .execute();

      await db.schema
        .createTable('grants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull().check(sql`environment in ('sandbox', 'live')`))
        .addColumn('created_at', millis, (c) => c.notNull())
        .addColumn('revoked_at', millis)
        .execute();
      await db.schema.createIndex('grants_client_id_idx').on('grants').column('client_id').execute();
      await db.schema
        .createIndex('grants_user_id_client_id_idx')
        .on('grants')
        .columns(['user_id', 'client_id'])
        .execute();

      // grant_id is deliberately not a foreign key: the code is redeemed before its grant exists, and the
      // grant may be created and attached in either order inside the redemption transaction.
      await db.schema
        .createTable('authorization_codes')
        .addColumn('code_hash', 'text', (c) => c.primaryKey())
        .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('redirect_uri', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('code_challenge', 'text')
        .addColumn('environment', 'text', (c) => c.notNull().check(sql`environment in ('sandbox', 'live')`))
        .addColumn('created_at', millis, (c) => c.notNull())
        .addColumn('expires_at', millis, (c) => c.notNull())
        .addColumn('used_at', millis)
        .addColumn('grant_id', 'text')
        .execute();
      await db.schema
        .createIndex('authorization_codes_client_id_idx')
        .on('authorization_codes')
        .column('client_id')
        .execute();
      await db.schema
        .createIndex('authorization_codes_user_id_idx')
        .on('authorization_codes')
        .column('user_id')
        .execute();
      await db.schema
        .createIndex('authorization_codes_expires_at_idx')
        .on('authorization_codes')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('refresh_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('grant_id', 'text', (c) => c.notNull().references('grants.id').onDelete('cascade'))
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('created_at', millis, (c) => c.notNull())
        .addColumn('expires_at', millis, (c) => c.notNull())
        .addColumn('rotated_at', millis)
        .execute();
      await db.schema.createIndex('refresh_tokens_grant_id_idx').on('refresh_tokens').column('grant_id').execute();
      await db.schema.createIndex('refresh_tokens_expires_at_idx').on('refresh_tokens').column('expires_at').execute();

      await db.schema
        .createTable('consents')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('granted_at', millis, (c) => c.notNull())
        .addColumn('updated_at', millis, (c) => c.notNull())
        .addPrimaryKeyConstraint('consents_pkey', ['user_id', 'client_id'])
        .execute();
      await db.schema.createIndex('consents_client_id_idx').on('consents').column('client_id').execute();

      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('alg', 'text', (c) => c.notNull())
        .addColumn('private_jwk', 'text', (c) => c.notNull())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('created_at', millis, (c) => c.notNull())
        .addColumn('retired_at', millis)
        .addColumn('expires_at', millis)
        .execute();

      await db.schema
        .createTable('revocations')
        .addColumn('seq', dialect === 'sqlite' ? 'integer' : 'bigint', (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
        )
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('jti', 'grant', 'client')`))
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', millis, (c) => c.notNull())
        .addColumn('expires_at', millis, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('revocations_expires_at_idx').on('revocations').column('expires_at').execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', millis, (c) => c.notNull())
        .addColumn('expires_at', millis, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user_id_idx').on('sessions').column('user_id').execute();
      await db.schema.createIndex('sessions_expires_at_idx').on('sessions').column('expires_at').execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'sessions',
        'revocations',
        'signing_keys',
        'consents',
        'refresh_tokens',
        'authorization_codes',
        'grants',
        'users',
        'clients',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
