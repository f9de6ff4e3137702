import type { Kysely } from 'kysely';
import type { Database, SqlDialect } from './schema.js';

export interface Context {
  /** The database, or the transaction the repositories run in. */
  db: Kysely<Database>;
  dialect: SqlDialect;
  inTransaction: boolean;
}
