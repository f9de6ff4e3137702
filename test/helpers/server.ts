import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type ConfigInput, loadConfig } from '../../src/config.js';
import type { FlexgateContext } from '../../src/context.js';
import { type NewClientInput, registerClient } from '../../src/oauth/clients.js';
import { ManualClock } from '../../src/oauth/clock.js';
import { createUser } from '../../src/portal/domain/users.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { freePort } from './ports.js';

/** PostgreSQL URL for tests (CI sets it); undefined locally unless exported. */
export const TEST_DATABASE_URL = process.env.FLEXGATE_TEST_DATABASE_URL;

export type Dialect = 'sqlite' | 'postgres';

/**
 * The dialects to run a suite against. Without a PostgreSQL URL the PostgreSQL run is skipped with a
 * visible message outside CI; in CI the URL is required (.ci/run sets it).
 */
export function testDialects(): Dialect[] {
  if (TEST_DATABASE_URL !== undefined) return ['sqlite', 'postgres'];
  if (process.env.CI !== undefined) throw new Error('CI must set FLEXGATE_TEST_DATABASE_URL for the PostgreSQL suites');
  console.warn('PostgreSQL end-to-end tests skipped: set FLEXGATE_TEST_DATABASE_URL=postgres://…');
  return ['sqlite'];
}

export interface TestServer {
  baseUrl: string;
  ctx: FlexgateContext;
  clock: ManualClock;
  server: RunningServer;
  createUser(username: string, password: string): Promise<{ id: string }>;
  createClient(input: NewClientInput): Promise<{ clientId: string; clientSecret: string | undefined }>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  dialect?: Dialect;
  config?: Partial<ConfigInput>;
  /** Start the manual clock at this epoch-ms instant (default: real now, so jose's own checks agree). */
  startAt?: number;
}

/**
 * A real Flexgate server on loopback with its own SQLite folder (or PostgreSQL schema) and a manual clock.
 * The issuer is the URL the test talks to.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dialect = options.dialect ?? 'sqlite';
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'flexgate-test-'));
  const pgSchema = dialect === 'postgres' ? `fg_e2e_${Math.random().toString(16).slice(2, 12)}` : undefined;
  const config = loadConfig(
    {
      port,
      host: '127.0.0.1',
      issuer: baseUrl,
      dataDir,
      logLevel: 'silent',
      // Failed logins answer at once (the slow-down is tested on its own); the lock-out still applies.
      loginDelayMs: 0,
      ...(dialect === 'postgres' ? { databaseUrl: TEST_DATABASE_URL } : {}),
      ...options.config,
    },
    {},
  );
  const clock = new ManualClock(options.startAt ?? Date.now());
  const server = await startServer(config, { clock, logger: false, ...(pgSchema === undefined ? {} : { pgSchema }) });
  const { ctx } = server;
  return {
    baseUrl,
    ctx,
    clock,
    server,
    createUser: (username, password) => createUser(ctx, { username, password }),
    async createClient(input) {
      const { client, secret } = await registerClient(ctx, input);
      return { clientId: client.id, clientSecret: secret };
    },
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
      if (pgSchema !== undefined) await dropSchema(pgSchema);
    },
  };
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}
