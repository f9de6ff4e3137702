import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDialectConfig } from 'kysely';
import pg from 'pg';
import { StorageOpenError } from './errors.js';
import { KyselyStorage } from './kysely-storage.js';
import { migrateToLatest } from './migrations/index.js';
import type { Database } from './schema.js';
import type { Storage } from './storage.js';

export { StorageOpenError } from './errors.js';

export interface OpenStorageOptions {
  /** `postgres://…` or `postgresql://…` for PostgreSQL; unset or empty for SQLite in `dataDir`. */
  databaseUrl?: string | undefined;
  /** Directory of the SQLite database file (`flexgate.db`); created if missing. Unused for PostgreSQL. */
  dataDir: string;
  /**
   * PostgreSQL only: the schema to use (created if missing), set as the connections' `search_path`.
   * Lower-case letters, digits and underscores. Used by tests to isolate runs in one database.
   */
  pgSchema?: string | undefined;
  logger?: { info(obj: object, msg: string): void } | undefined;
}

export type DescribeDatabaseOptions = Pick<OpenStorageOptions, 'databaseUrl' | 'dataDir'>;

/** File name of the SQLite database inside the data directory. */
export const SQLITE_FILE_NAME = 'flexgate.db';
/** Upper bound of PostgreSQL connections per process. */
export const PG_POOL_MAX = 10;

const PG_CONNECT_TIMEOUT_MS = 10_000;
const INT8_OID = 20;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

type Target =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; host: string; port: string; database: string; secrets: string[] }
  | { kind: 'invalid'; reason: string };

function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

function resolveTarget(options: DescribeDatabaseOptions): Target {
  const url = options.databaseUrl?.trim() ?? '';
  if (url === '') return { kind: 'sqlite', file: join(options.dataDir, SQLITE_FILE_NAME) };
  if (!isPostgresUrl(url)) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
    return {
      kind: 'invalid',
      reason:
        scheme === undefined
          ? 'database URL is not a URL: use postgres://user@host:5432/db, or leave it unset for SQLite'
          : `unsupported database URL scheme "${scheme}:": use postgres:// or postgresql://, or leave it unset for SQLite`,
    };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'invalid', reason: 'invalid PostgreSQL URL: expected postgres://user:password@host:port/database' };
  }
  const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
  const port = parsed.port || parsed.searchParams.get('port') || '5432';
  let database = parsed.pathname.replace(/^\//, '');
  try {
    database = decodeURIComponent(database);
  } catch {
    // keep it as written
  }
  const secrets = [parsed.password, safeDecode(parsed.password), parsed.searchParams.get('password') ?? ''].filter(
    (s) => s.length >= 3,
  );
  return { kind: 'postgres', url, host, port, database, secrets };
}

/** `host:port (database "name")`, for error messages. */
function where(target: Extract<Target, { kind: 'postgres' }>): string {
  return `${target.host}:${target.port}${target.database === '' ? '' : ` (database "${target.database}")`}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A one-line description of where the data lives, without credentials, for start-up logs. */
export function describeDatabase(options: DescribeDatabaseOptions): string {
  const target = resolveTarget(options);
  switch (target.kind) {
    case 'sqlite':
      return `SQLite at ${target.file}`;
    case 'postgres':
      return `PostgreSQL at ${target.host}:${target.port}${target.database === '' ? '' : `/${target.database}`}`;
    case 'invalid':
      return `unusable database URL (${target.reason})`;
  }
}

/** The message of an error as one line, without any of `secrets`. */
function reasonOf(error: unknown, secrets: readonly string[] = []): string {
  let text: string;
  if (error instanceof AggregateError && error.message === '') {
    // Node reports a failed connect to a host with several addresses (localhost: ::1 and 127.0.0.1) so.
    const inner = [...new Set(error.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))))];
    text = inner.join('; ') || ((error as { code?: string }).code ?? 'connection failed');
  } else if (error instanceof Error) {
    text = error.message || ((error as { code?: string }).code ?? error.name);
  } else {
    text = String(error);
  }
  for (const secret of secrets) text = text.split(secret).join('***');
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Opens the database named by the options, migrates it to the latest schema and returns the storage.
 * Rejects with `StorageOpenError` (one human-readable line, no password) when that is not possible.
 */
export async function openStorage(options: OpenStorageOptions): Promise<Storage> {
  const target = resolveTarget(options);
  switch (target.kind) {
    case 'invalid':
      throw new StorageOpenError(target.reason);
    case 'sqlite':
      return openSqlite(target.file, options);
    case 'postgres':
      return openPostgres(target, options);
  }
}

/** How many prepared statements to keep: every query shape Flexgate runs, with room to spare. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely's SQLite driver prepares every query anew; preparing costs about as much as running a small
 * query. Statements are keyed by their SQL (parameters are bound per call), so one compiled statement
 * serves every request of a shape. Least recently used statements are dropped past the limit.
 */
function withStatementCache(database: SqliteDatabase.Database): SqliteDialectConfig['database'] {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
      } else {
        statements.delete(sql);
      }
      statements.set(sql, statement);
      return statement;
    },
    close: () => database.close(),
  };
}

async function openSqlite(file: string, options: OpenStorageOptions): Promise<Storage> {
  let database: SqliteDatabase.Database | undefined;
  try {
    mkdirSync(options.dataDir, { recursive: true });
    database = new SqliteDatabase(file);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
  } catch (error) {
    database?.close();
    throw new StorageOpenError(`cannot open SQLite database at ${file}: ${reasonOf(error)}`, { cause: error });
  }

  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  try {
    const applied = await migrateToLatest(db as Kysely<unknown>, 'sqlite');
    logMigrations(options, applied);
  } catch (error) {
    await db.destroy().catch(() => {});
    throw new StorageOpenError(`cannot migrate SQLite database at ${file}: ${reasonOf(error)}`, { cause: error });
  }
  return new KyselyStorage(db, 'sqlite');
}

async function openPostgres(
  target: Extract<Target, { kind: 'postgres' }>,
  options: OpenStorageOptions,
): Promise<Storage> {
  const schema = options.pgSchema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new StorageOpenError(
      `invalid PostgreSQL schema name "${schema}": use lower-case letters, digits and underscores`,
    );
  }

  const pool = new pg.Pool({
    connectionString: target.url,
    max: PG_POOL_MAX,
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    application_name: 'flexgate',
    // Epoch-millisecond timestamps, counts and sequence numbers are int8; node-postgres returns int8 as a
    // string by default. They all fit in a double, so parse them as numbers — for this pool only.
    types: { getTypeParser: getTypeParser as typeof pg.types.getTypeParser },
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle connection that dies (server restart) emits on the pool; unhandled, that would crash the process.
  pool.on('error', (error) => {
    options.logger?.info({ err: reasonOf(error, target.secrets) }, 'PostgreSQL idle connection error');
  });

  let migrationSchema: string;
  try {
    await pool.query('select 1');
    if (schema !== undefined) await createSchema(pool, schema);
    const result = await pool.query<{ schema: string | null }>('select current_schema() as schema');
    const current = result.rows[0]?.schema;
    if (current == null) throw new Error('no schema of the search_path exists');
    migrationSchema = current;
  } catch (error) {
    await pool.end().catch(() => {});
    throw new StorageOpenError(`cannot connect to PostgreSQL at ${where(target)}: ${reasonOf(error, target.secrets)}`, {
      cause: error,
    });
  }

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    const applied = await migrateToLatest(db as Kysely<unknown>, 'postgres', { migrationTableSchema: migrationSchema });
    logMigrations(options, applied);
  } catch (error) {
    await db.destroy().catch(() => {});
    throw new StorageOpenError(`cannot migrate PostgreSQL at ${where(target)}: ${reasonOf(error, target.secrets)}`, {
      cause: error,
    });
  }
  return new KyselyStorage(db, 'postgres');
}

function getTypeParser(oid: number, format?: 'text' | 'binary'): unknown {
  if (oid === INT8_OID && format !== 'binary') return Number;
  return pg.types.getTypeParser(oid, format);
}

async function createSchema(pool: pg.Pool, schema: string): Promise<void> {
  try {
    await pool.query(`create schema if not exists "${schema}"`);
  } catch (error) {
    // Two processes creating the same schema at once: `if not exists` can still lose the race.
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw error;
  }
}

function logMigrations(options: OpenStorageOptions, applied: string[]): void {
  if (applied.length > 0) options.logger?.info({ migrations: applied }, 'database migrated');
}
