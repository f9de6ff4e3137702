// Bare Fastify 5 server: the framework floor that Flexgate's endpoints are compared against.
// It parses the same inputs and sends responses of the same shape and size, but does no OAuth
// work (no client lookup, no secret check, no signing, no token verification). Its contacts routes
// read and write the same SQLite table Flexgate does (see below).
//
//   node bench/baseline-server.mjs --port 3000 [--host 127.0.0.1]
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import formbody from '@fastify/formbody';
import Database from 'better-sqlite3';
import Fastify from 'fastify';

const { values: args } = parseArgs({
  options: { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } },
});

// Stands in for a compact JWS; built once so the route does no crypto or allocation-heavy work.
const FAKE_ACCESS_TOKEN = `eyJ${'x'.repeat(120)}.eyJ${'y'.repeat(180)}.${'z'.repeat(94)}`;

const app = Fastify({ logger: false });
await app.register(formbody);

app.post('/oauth2/token', async (request, reply) => {
  const { grant_type: grantType, client_id: clientId, scope } = request.body ?? {};
  if (grantType !== 'client_credentials' || !clientId) {
    return reply.code(400).send({ error: 'invalid_request' });
  }
  reply.header('cache-control', 'no-store');
  return { access_token: FAKE_ACCESS_TOKEN, token_type: 'Bearer', expires_in: 3600, scope: scope ?? 'read:contacts' };
});

// Mirrors Flexgate's GET /api/v0.0.1/me body; it only checks the header is present.
app.get('/api/v0.0.1/me', async (request, reply) => {
  const authorization = request.headers.authorization;
  if (!authorization?.startsWith('Bearer ')) {
    return reply.code(401).send({ error: 'invalid_token' });
  }
  const now = Math.floor(Date.now() / 1000);
  return {
    client_id: 'client_01J9Z6Q8W4K3M2N7P5R0S1T2V3',
    user: null,
    scopes: ['read:contacts'],
    environment: 'sandbox',
    token: { jti: randomUUID(), exp: now + 3600, iat: now },
  };
});

// The contacts routes do the work any implementation of them must do, with nothing of Flexgate's: the
// same table, index and 10 000 rows in SQLite (better-sqlite3, WAL, a prepared statement), the same JSON
// per contact and the same cursor, so the ratio measures what Flexgate's layers cost (bearer verification,
// rate limiting, validation, the storage abstraction), not SQLite. BENCH_CONTACTS sets the row count.
const database = new Database(join(mkdtempSync(join(tmpdir(), 'flexgate-baseline-')), 'baseline.db'));
database.pragma('journal_mode = WAL');
database.pragma('synchronous = NORMAL');
database.exec(`
  create table contacts (id text primary key, owner_id text not null, environment text not null, name text not null,
    email text, phone text, language text, tags text not null, created_at bigint not null, updated_at bigint not null);
  create index contacts_owner_env_created_idx on contacts (owner_id, environment, created_at, id);`);
const OWNER = 'owner_bench';
const insertContact = database.prepare(
  'insert into contacts values (@id, @owner_id, @environment, @name, @email, @phone, @language, @tags, @created_at, @updated_at)',
);
const seedStart = Date.UTC(2026, 0, 31, 12);
database.transaction(() => {
  for (let index = 0; index < Number(process.env.BENCH_CONTACTS ?? 10_000); index += 1) {
    const n = String(index + 1).padStart(5, '0');
    insertContact.run({
      id: `ct_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
      owner_id: OWNER,
      environment: 'sandbox',
      name: `Bench Contact ${n}`,
      email: `contact${n}@example.com`,
      phone: '+31612345678',
      language: 'en',
      tags: JSON.stringify(['customer', 'newsletter']),
      created_at: seedStart + index,
      updated_at: seedStart + index,
    });
  }
})();
const firstPage = database.prepare(
  'select * from contacts where owner_id = ? and environment = ? order by created_at, id limit ?',
);
const toJson = (row) => ({
  id: row.id,
  name: row.name,
  email: row.email,
  phone: row.phone,
  language: row.language,
  tags: JSON.parse(row.tags),
  created_at: new Date(row.created_at).toISOString(),
  updated_at: new Date(row.updated_at).toISOString(),
});

app.get('/api/v0.0.1/contacts', async (request, reply) => {
  if (!request.headers.authorization?.startsWith('Bearer ')) {
    return reply.code(401).send({ error: 'invalid_token' });
  }
  const limit = 20;
  const rows = firstPage.all(OWNER, 'sandbox', limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const cursor =
    rows.length > limit ? Buffer.from(JSON.stringify([last.created_at, last.id])).toString('base64url') : undefined;
  return {
    data: page.map(toJson),
    next: cursor === undefined ? null : `/api/v0.0.1/contacts?limit=20&cursor=${cursor}`,
  };
});

// Mirrors Flexgate's create: parses the JSON body, stores the contact with the same statement shape and
// answers 201 with it; no validation, no authentication.
app.post('/api/v0.0.1/contacts', async (request, reply) => {
  if (!request.headers.authorization?.startsWith('Bearer ')) {
    return reply.code(401).send({ error: 'invalid_token' });
  }
  const body = request.body ?? {};
  const now = Date.now();
  const row = {
    id: `ct_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
    owner_id: OWNER,
    environment: 'sandbox',
    name: body.name,
    email: body.email ?? null,
    phone: body.phone ?? null,
    language: body.language ?? null,
    tags: JSON.stringify(body.tags ?? []),
    created_at: now,
    updated_at: now,
  };
  insertContact.run(row);
  reply.code(201).header('location', `/api/v0.0.1/contacts/${row.id}`);
  return toJson(row);
});

await app.listen({ port: Number(args.port ?? 3000), host: args.host });

// The harness stops servers with SIGTERM; close cleanly so the port is freed at once.
process.once('SIGTERM', () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
