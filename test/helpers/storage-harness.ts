/**
 * Storage harnesses for the contract suites: one per dialect, each opening fresh databases (own temp folder
 * or own PostgreSQL schema) and removing them afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type OpenStorageOptions, openStorage } from '../../src/storage/open.js';
import type { Storage } from '../../src/storage/storage.js';

export const PG_URL = process.env.FLEXGATE_TEST_DATABASE_URL;

export interface DialectHarness {
  name: 'sqlite' | 'postgres';
  /** Options naming a new, empty database (own temp dir / own schema), removed by `dispose`. */
  location(): OpenStorageOptions;
  /** Opens a database; the storage is closed by `dispose` (closing it earlier is fine). */
  open(options: OpenStorageOptions): Promise<Storage>;
  /** Closes every storage it opened and deletes every database it named. */
  dispose(): Promise<void>;
}

export function sqliteHarness(): DialectHarness {
  const dirs: string[] = [];
  const opened: Storage[] = [];
  return {
    name: 'sqlite',
    location() {
      const dataDir = mkdtempSync(join(tmpdir(), 'flexgate-storage-'));
      dirs.push(dataDir);
      return { dataDir };
    },
    async open(options) {
      const storage = await openStorage(options);
      opened.push(storage);
      return storage;
    },
    async dispose() {
      await Promise.all(opened.map((s) => s.close()));
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function postgresHarness(url: string): DialectHarness {
  const schemas: string[] = [];
  const opened: Storage[] = [];
  return {
    name: 'postgres',
    location() {
      const pgSchema = `fg_test_${randomBytes(6).toString('hex')}`;
      schemas.push(pgSchema);
      return { databaseUrl: url, dataDir: '/nonexistent', pgSchema };
    },
    async open(options) {
      const storage = await openStorage(options);
      opened.push(storage);
      return storage;
    },
    async dispose() {
      await Promise.all(opened.map((s) => s.close()));
      if (schemas.length === 0) return;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

export const dialects: { name: string; harness: () => DialectHarness; skip: boolean }[] = [
  { name: 'sqlite', harness: sqliteHarness, skip: false },
  { name: 'postgres', harness: () => postgresHarness(PG_URL ?? ''), skip: PG_URL === undefined || PG_URL === '' },
];
