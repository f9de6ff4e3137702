import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { SqlDialect } from '../schema.js';
import { initialMigration } from './0001_initial.js';
import { appsMigration } from './0002_apps.js';
import { loginAttemptsMigration } from './0003_login_attempts.js';
import { apiResourcesMigration } from './0004_api_resources.js';

/**
 * Every migration, in order, keyed by name. Written in code and listed here (no directory scanning), so
 * they run the same from `src/` under vitest and from the compiled `dist/`.
 */
export function migrations(dialect: SqlDialect): Record<string, Migration> {
  return {
    '0001_initial': initialMigration(dialect),
    '0002_apps': appsMigration(),
    '0003_login_attempts': loginAttemptsMigration(),
    '0004_api_resources': apiResourcesMigration(),
  };
}

class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly all: Record<string, Migration>) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return this.all;
  }
}

export interface MigrateOptions {
  /**
   * PostgreSQL: the schema holding Kysely's bookkeeping tables. Without it Kysely treats a `kysely_migration`
   * table in *any* schema of the database as ours, so always pass the schema we migrate.
   */
  migrationTableSchema?: string | undefined;
}

/** Runs every pending migration; returns the names applied. Rejects with the first migration error. */
export async function migrateToLatest(
  db: Kysely<unknown>,
  dialect: SqlDialect,
  options: MigrateOptions = {},
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(migrations(dialect)),
    ...(options.migrationTableSchema === undefined ? {} : { migrationTableSchema: options.migrationTableSchema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(failed === undefined ? reason : `migration ${failed} failed: ${reason}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
