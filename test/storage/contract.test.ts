/**
 * Contract tests of the storage layer: one suite, run against every dialect (SQLite always, PostgreSQL when
 * FLEXGATE_TEST_DATABASE_URL is set — and it must be set in CI).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuthorizationCodeRecord,
  type ClientRecord,
  type GrantRecord,
  type RefreshTokenRecord,
  type SigningKeyRecord,
  UniqueViolationError,
} from '../../src/oauth/ports.js';
import type { AppRecord, SessionRecord, UserRecord } from '../../src/portal/domain/ports.js';
import { migrations } from '../../src/storage/migrations/index.js';
import { describeDatabase, openStorage, StorageOpenError } from '../../src/storage/open.js';
import type { Storage } from '../../src/storage/storage.js';
import { dialects, PG_URL } from '../helpers/storage-harness.js';

/** A fixed clock: 2023-11-14T22:13:20Z, well above 2^32 so that 64-bit handling is exercised. */
const T0 = 1_700_000_000_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

if (PG_URL === undefined || PG_URL === '') {
  if (process.env.CI) {
    describe('postgres', () => {
      it('runs in CI', () => {
        throw new Error('FLEXGATE_TEST_DATABASE_URL is not set: CI must run the PostgreSQL contract tests');
      });
    });
  } else {
    console.warn('PostgreSQL contract tests skipped: set FLEXGATE_TEST_DATABASE_URL=postgres://…');
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const dialect of dialects) {
  (dialect.skip ? describe.skip : describe)(dialect.name, () => {
    const harness = dialect.harness();
    let storage: Storage;
    /** A new, empty, migrated database, for tests that look at a whole table. */
    const fresh = async () => {
      const options = harness.location();
      return { storage: await harness.open(options), options };
    };
    let counter = 0;
    /** Ids unique within the shared database of this suite. */
    const uid = (prefix: string) => `${prefix}-${++counter}-${randomBytes(3).toString('hex')}`;

    beforeAll(async () => {
      ({ storage } = await fresh());
    });

    afterAll(async () => {
      await harness.dispose();
    });

    /* ----- fixtures ----- */

    function aClient(overrides: Partial<ClientRecord> = {}): ClientRecord {
      return {
        id: uid('client'),
        name: 'Billing “app” ✓',
        secretHash: 'c2VjcmV0LWhhc2g',
        previousSecretHash: 'cHJldmlvdXM',
        previousSecretExpiresAt: T0 + HOUR,
        redirectUris: ['https://app.example/cb', 'http://127.0.0.1:8080/callback?x=1'],
        scopes: ['accounts:read', 'payments:write'],
        grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
        environment: 'live',
        isPublic: false,
        createdAt: T0,
        appId: null,
        disabledAt: null,
        ...overrides,
      };
    }

    function aUser(overrides: Partial<UserRecord> = {}): UserRecord {
      const id = uid('user');
      return {
        id,
        username: `name-${id}`,
        passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
        isAdmin: false,
        createdAt: T0,
        ...overrides,
      };
    }

    async function clientAndUser(): Promise<{ client: ClientRecord; user: UserRecord }> {
      const client = aClient();
      const user = aUser();
      await storage.clients.create(client);
      await storage.users.create(user);
      return { client, user };
    }

    function aCode(client: ClientRecord, user: UserRecord, overrides: Partial<AuthorizationCodeRecord> = {}) {
      return {
        codeHash: uid('code'),
        clientId: client.id,
        userId: user.id,
        redirectUri: 'https://app.example/cb',
        scopes: ['accounts:read'],
        codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        environment: 'sandbox',
        createdAt: T0,
        expiresAt: T0 + MINUTE,
        usedAt: null,
        grantId: null,
        ...overrides,
      } satisfies AuthorizationCodeRecord;
    }

    function aGrant(client: ClientRecord, user: UserRecord | null, overrides: Partial<GrantRecord> = {}) {
      return {
        id: uid('grant'),
        clientId: client.id,
        userId: user?.id ?? null,
        scopes: ['accounts:read', 'payments:write'],
        environment: 'live',
        createdAt: T0,
        revokedAt: null,
        ...overrides,
      } satisfies GrantRecord;
    }

    function aRefreshToken(grant: GrantRecord, overrides: Partial<RefreshTokenRecord> = {}) {
      return {
        tokenHash: uid('rt'),
        grantId: grant.id,
        scopes: ['accounts:read'],
        createdAt: T0,
        expiresAt: T0 + 30 * 24 * HOUR,
        rotatedAt: null,
        ...overrides,
      } satisfies RefreshTokenRecord;
    }

    async function aGrantWithToken() {
      const { client, user } = await clientAndUser();
      const grant = aGrant(client, user);
      await storage.grants.create(grant);
      const token = aRefreshToken(grant);
      await storage.refreshTokens.create(token);
      return { client, user, grant, token };
    }

    /* ----- open / migrations ----- */

    describe('openStorage', () => {
      it('reports its dialect', () => {
        expect(storage.dialect).toBe(dialect.name);
      });

      it('migrates a new database once; opening it again keeps the data', async () => {
        const options = harness.location();
        const logs: { obj: object; msg: string }[] = [];
        const logger = { info: (obj: object, msg: string) => logs.push({ obj, msg }) };

        const first = await harness.open({ ...options, logger });
        // Every migration, in order (several engineers add migrations; the list is the registry's).
        const all = Object.keys(migrations(harness.name));
        expect(all.slice(0, 2)).toEqual(['0001_initial', '0002_apps']);
        expect(logs).toEqual([{ obj: { migrations: all }, msg: 'database migrated' }]);
        const client = aClient();
        await first.clients.create(client);
        await first.close();

        logs.length = 0;
        const again = await harness.open({ ...options, logger });
        expect(logs).toEqual([]);
        expect(await again.clients.findById(client.id)).toEqual(client);
        await again.close();
      });

      it('close() is idempotent', async () => {
        const { storage: s } = await fresh();
        await s.close();
        await s.close();
      });

      if (dialect.name === 'postgres') {
        it('rejects a database that does not exist with a one-line StorageOpenError', async () => {
          const url = new URL(PG_URL ?? '');
          url.password = 'hunter2-secret';
          url.pathname = '/fg_no_such_database';
          const error = await openStorage({ databaseUrl: url.toString(), dataDir: '/nonexistent' }).catch((e) => e);
          expect(error).toBeInstanceOf(StorageOpenError);
          expect(error.message).toMatch(
            /^cannot connect to PostgreSQL at [^ ]+ \(database "fg_no_such_database"\): .*does not exist/,
          );
          expect(error.message).not.toContain('hunter2');
          expect(error.message).not.toContain('\n');
        });
      }
    });

    /* ----- clients ----- */

    describe('clients', () => {
      it('round-trips every field of a confidential client', async () => {
        const client = aClient();
        await storage.clients.create(client);
        const found = await storage.clients.findById(client.id);
        expect(found).toEqual(client);
        expect(typeof found?.createdAt).toBe('number');
        expect(typeof found?.previousSecretExpiresAt).toBe('number');
      });

      it('round-trips a public client with nulls, empty arrays and isPublic = true', async () => {
        const client = aClient({
          secretHash: null,
          previousSecretHash: null,
          previousSecretExpiresAt: null,
          redirectUris: [],
          scopes: [],
          grantTypes: ['authorization_code'],
          environment: 'sandbox',
          isPublic: true,
        });
        await storage.clients.create(client);
        expect(await storage.clients.findById(client.id)).toEqual(client);
      });

      it('returns undefined for an unknown id', async () => {
        expect(await storage.clients.findById('no-such-client')).toBeUndefined();
      });

      it('rejects a duplicate id with UniqueViolationError', async () => {
        const client = aClient();
        await storage.clients.create(client);
        await expect(storage.clients.create({ ...client, name: 'other' })).rejects.toBeInstanceOf(UniqueViolationError);
        expect((await storage.clients.findById(client.id))?.name).toBe(client.name);
      });

      it('lists every client, oldest first', async () => {
        const { storage: s } = await fresh();
        const b = aClient({ createdAt: T0 + 2 });
        const a = aClient({ createdAt: T0 + 1 });
        await s.clients.create(b);
        await s.clients.create(a);
        expect(await s.clients.list()).toEqual([a, b]);
      });

      it('updates the secret and reports whether the client exists', async () => {
        const client = aClient();
        await storage.clients.create(client);
        const secret = { secretHash: 'bmV3', previousSecretHash: client.secretHash, previousSecretExpiresAt: T0 + 5 };
        expect(await storage.clients.updateSecret(client.id, secret)).toBe(true);
        expect(await storage.clients.findById(client.id)).toEqual({ ...client, ...secret });

        const cleared = { secretHash: 'bmV3ZXI', previousSecretHash: null, previousSecretExpiresAt: null };
        expect(await storage.clients.updateSecret(client.id, cleared)).toBe(true);
        expect(await storage.clients.findById(client.id)).toEqual({ ...client, ...cleared });

        expect(await storage.clients.updateSecret('no-such-client', cleared)).toBe(false);
      });

      it('deletes a client, cascading to its codes, grants, refresh tokens and consents', async () => {
        const { client, user, grant, token } = await aGrantWithToken();
        const code = aCode(client, user);
        await storage.codes.create(code);
        await storage.consents.upsert({
          userId: user.id,
          clientId: client.id,
          scopes: ['a'],
          grantedAt: T0,
          updatedAt: T0,
        });
        // Another client's data must survive.
        const other = await aGrantWithToken();

        expect(await storage.clients.delete(client.id)).toBe(true);
        expect(await storage.clients.findById(client.id)).toBeUndefined();
        expect(await storage.grants.findById(grant.id)).toBeUndefined();
        expect(await storage.refreshTokens.findByHash(token.tokenHash)).toBeUndefined();
        expect(await storage.codes.consume(code.codeHash, T0)).toBeUndefined();
        expect(await storage.consents.find(user.id, client.id)).toBeUndefined();
        expect(await storage.users.findById(user.id)).toEqual(user);

        expect(await storage.grants.findById(other.grant.id)).toEqual(other.grant);
        expect(await storage.refreshTokens.findByHash(other.token.tokenHash)).toEqual(other.token);

        expect(await storage.clients.delete(client.id)).toBe(false);
      });
    });

    /* ----- apps ----- */

    function anApp(owner: UserRecord, overrides: Partial<AppRecord> = {}): AppRecord {
      return {
        id: uid('app'),
        ownerId: owner.id,
        name: 'Shop “sync” ✓',
        description: 'Keeps <the> shop & stock in sync',
        createdAt: T0,
        disabledAt: null,
        ...overrides,
      };
    }

    /** An app with its sandbox and live clients, owned by a new user. */
    async function anAppWithClients() {
      const owner = aUser();
      await storage.users.create(owner);
      const app = anApp(owner);
      await storage.apps.create(app);
      const live = aClient({ appId: app.id, environment: 'live' });
      const sandbox = aClient({ appId: app.id, environment: 'sandbox' });
      await storage.clients.create(live);
      await storage.clients.create(sandbox);
      return { owner, app, sandbox, live };
    }

    describe('apps', () => {
      it('creates an app and finds it by id', async () => {
        const { app } = await anAppWithClients();
        expect(await storage.apps.findById(app.id)).toEqual(app);
        expect(await storage.apps.findById('no-such-app')).toBeUndefined();
      });

      it('rejects a duplicate id with UniqueViolationError', async () => {
        const { app } = await anAppWithClients();
        await expect(storage.apps.create({ ...app, name: 'other' })).rejects.toBeInstanceOf(UniqueViolationError);
      });

      it('lists an owner’s apps oldest first, and every app for listAll', async () => {
        const { storage: s } = await fresh();
        const [alice, bob] = [aUser(), aUser()];
        await s.users.create(alice);
        await s.users.create(bob);
        const later = anApp(alice, { createdAt: T0 + 2 });
        const earlier = anApp(alice, { createdAt: T0 + 1 });
        const bobs = anApp(bob, { createdAt: T0 + 3 });
        for (const app of [later, earlier, bobs]) await s.apps.create(app);
        expect(await s.apps.listByOwner(alice.id)).toEqual([earlier, later]);
        expect(await s.apps.listByOwner(bob.id)).toEqual([bobs]);
        expect(await s.apps.listAll()).toEqual([earlier, later, bobs]);
      });

      it('updates name and description, and sets and clears disabledAt', async () => {
        const { app } = await anAppWithClients();
        expect(await storage.apps.update(app.id, { name: 'New', description: '' })).toBe(true);
        expect(await storage.apps.setDisabled(app.id, T0 + 7)).toBe(true);
        expect(await storage.apps.findById(app.id)).toEqual({
          ...app,
          name: 'New',
          description: '',
          disabledAt: T0 + 7,
        });
        expect(await storage.apps.setDisabled(app.id, null)).toBe(true);
        expect((await storage.apps.findById(app.id))?.disabledAt).toBeNull();
        expect(await storage.apps.update('no-such-app', { name: 'x', description: '' })).toBe(false);
        expect(await storage.apps.setDisabled('no-such-app', T0)).toBe(false);
      });

      it('lists the clients of an app, sandbox first', async () => {
        const { app, sandbox, live } = await anAppWithClients();
        expect(await storage.clients.listByApp(app.id)).toEqual([sandbox, live]);
        expect(await storage.clients.listByApp('no-such-app')).toEqual([]);
      });

      it('updates a client’s settings and disabledAt', async () => {
        const { sandbox } = await anAppWithClients();
        const settings = {
          name: 'Renamed',
          redirectUris: ['https://new.example/cb'],
          scopes: ['accounts:read'],
          grantTypes: ['client_credentials' as const],
        };
        expect(await storage.clients.updateSettings(sandbox.id, settings)).toBe(true);
        expect(await storage.clients.setDisabled(sandbox.id, T0 + 9)).toBe(true);
        expect(await storage.clients.findById(sandbox.id)).toEqual({ ...sandbox, ...settings, disabledAt: T0 + 9 });
        expect(await storage.clients.setDisabled(sandbox.id, null)).toBe(true);
        expect((await storage.clients.findById(sandbox.id))?.disabledAt).toBeNull();
        expect(await storage.clients.updateSettings('no-such-client', settings)).toBe(false);
        expect(await storage.clients.setDisabled('no-such-client', T0)).toBe(false);
      });

      it('deletes an app, cascading to its clients and their grants', async () => {
        const { app, sandbox, live } = await anAppWithClients();
        const grant = aGrant(sandbox, null);
        await storage.grants.create(grant);
        expect(await storage.apps.delete(app.id)).toBe(true);
        expect(await storage.apps.findById(app.id)).toBeUndefined();
        expect(await storage.clients.findById(sandbox.id)).toBeUndefined();
        expect(await storage.clients.findById(live.id)).toBeUndefined();
        expect(await storage.grants.findById(grant.id)).toBeUndefined();
        expect(await storage.apps.delete(app.id)).toBe(false);
      });
    });

    /* ----- users ----- */

    describe('users', () => {
      it('round-trips every field, by id and by username', async () => {
        const admin = aUser({ isAdmin: true });
        const plain = aUser({ isAdmin: false, createdAt: T0 + 1 });
        await storage.users.create(admin);
        await storage.users.create(plain);
        expect(await storage.users.findById(admin.id)).toEqual(admin);
        expect(await storage.users.findByUsername(admin.username)).toEqual(admin);
        expect(await storage.users.findById(plain.id)).toEqual(plain);
        expect(await storage.users.findByUsername(plain.username)).toEqual(plain);
      });

      it('returns undefined for unknown users', async () => {
        expect(await storage.users.findById('no-such-user')).toBeUndefined();
        expect(await storage.users.findByUsername('no-such-user')).toBeUndefined();
      });

      it('rejects a taken username with UniqueViolationError and keeps the first user', async () => {
        const first = aUser();
        await storage.users.create(first);
        const error = await storage.users.create(aUser({ username: first.username })).catch((e) => e);
        expect(error).toBeInstanceOf(UniqueViolationError);
        expect(error.name).toBe('UniqueViolationError');
        expect(await storage.users.findByUsername(first.username)).toEqual(first);
      });

      it('counts users', async () => {
        const { storage: s } = await fresh();
        expect(await s.users.count()).toBe(0);
        await s.users.create(aUser());
        await s.users.create(aUser());
        expect(await s.users.count()).toBe(2);
      });

      it('replaces the password hash of one user only', async () => {
        const user = aUser();
        const other = aUser();
        await storage.users.create(user);
        await storage.users.create(other);
        const newHash = '$argon2id$v=19$m=19456,t=2,p=1$bmV3$bmV3aGFzaA';
        expect(await storage.users.updatePassword(user.id, newHash)).toBe(true);
        expect(await storage.users.findById(user.id)).toEqual({ ...user, passwordHash: newHash });
        expect(await storage.users.findById(other.id)).toEqual(other);
        expect(await storage.users.updatePassword('no-such-user', newHash)).toBe(false);
      });
    });

    /* ----- authorization codes ----- */

    describe('codes', () => {
      it('consumes a code once: consumed, then already_used, with every field', async () => {
        const { client, user } = await clientAndUser();
        const code = aCode(client, user);
        await storage.codes.create(code);

        expect(await storage.codes.consume(code.codeHash, T0 + 10)).toEqual({
          outcome: 'consumed',
          record: { ...code, usedAt: T0 + 10 },
        });
        expect(await storage.codes.consume(code.codeHash, T0 + 20)).toEqual({
          outcome: 'already_used',
          record: { ...code, usedAt: T0 + 10 },
        });
      });

      it('round-trips a code without PKCE challenge', async () => {
        const { client, user } = await clientAndUser();
        const code = aCode(client, user, { codeChallenge: null, scopes: [], environment: 'live' });
        await storage.codes.create(code);
        expect(await storage.codes.consume(code.codeHash, T0)).toEqual({
          outcome: 'consumed',
          record: { ...code, usedAt: T0 },
        });
      });

      it('returns undefined when consuming an unknown code', async () => {
        expect(await storage.codes.consume('no-such-code', T0)).toBeUndefined();
      });

      it('reports a code stored as already used as already_used', async () => {
        const { client, user } = await clientAndUser();
        const code = aCode(client, user, { usedAt: T0 + 1, grantId: 'g-1' });
        await storage.codes.create(code);
        expect(await storage.codes.consume(code.codeHash, T0 + 2)).toEqual({ outcome: 'already_used', record: code });
      });

      it('attaches the grant created by the redemption', async () => {
        const { client, user } = await clientAndUser();
        const code = aCode(client, user);
        await storage.codes.create(code);
        await storage.codes.consume(code.codeHash, T0 + 1);
        await storage.codes.attachGrant(code.codeHash, 'grant-of-code');
        const replay = await storage.codes.consume(code.codeHash, T0 + 2);
        expect(replay).toEqual({
          outcome: 'already_used',
          record: { ...code, usedAt: T0 + 1, grantId: 'grant-of-code' },
        });
      });

      it('deletes codes that expired before a time', async () => {
        const { storage: s } = await fresh();
        const client = aClient();
        const user = aUser();
        await s.clients.create(client);
        await s.users.create(user);
        const old = aCode(client, user, { expiresAt: T0 - 1 });
        const edge = aCode(client, user, { expiresAt: T0 });
        const live = aCode(client, user, { expiresAt: T0 + 1 });
        for (const code of [old, edge, live]) await s.codes.create(code);
        expect(await s.codes.deleteExpired(T0)).toBe(1);
        expect(await s.codes.consume(old.codeHash, T0)).toBeUndefined();
        expect((await s.codes.consume(edge.codeHash, T0))?.outcome).toBe('consumed');
        expect((await s.codes.consume(live.codeHash, T0))?.outcome).toBe('consumed');
        expect(await s.codes.deleteExpired(T0)).toBe(0);
      });

      it('rejects a duplicate code hash with UniqueViolationError', async () => {
        const { client, user } = await clientAndUser();
        const code = aCode(client, user);
        await storage.codes.create(code);
        await expect(storage.codes.create(code)).rejects.toBeInstanceOf(UniqueViolationError);
      });

      it('rejects a code of an unknown client (foreign keys are enforced)', async () => {
        const { user } = await clientAndUser();
        const error = await storage.codes.create(aCode(aClient(), user)).catch((e) => e);
        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(UniqueViolationError);
      });

      it('lets exactly one of 20 concurrent consumers consume a code', async () => {
        const { client, user } = await clientAndUser();
        const code = aCode(client, user);
        await storage.codes.create(code);

        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => storage.codes.consume(code.codeHash, T0 + 100 + i)),
        );
        const consumed = results.filter((r) => r?.outcome === 'consumed');
        expect(consumed).toHaveLength(1);
        expect(results.filter((r) => r?.outcome === 'already_used')).toHaveLength(19);
        const usedAt = consumed[0]?.record.usedAt;
        for (const r of results) expect(r?.record.usedAt).toBe(usedAt);
      });
    });

    /* ----- grants ----- */

    describe('grants', () => {
      it('round-trips every field, with and without a user', async () => {
        const { client, user } = await clientAndUser();
        const withUser = aGrant(client, user);
        const machine = aGrant(client, null, { scopes: [], environment: 'sandbox', revokedAt: T0 + 7 });
        await storage.grants.create(withUser);
        await storage.grants.create(machine);
        expect(await storage.grants.findById(withUser.id)).toEqual(withUser);
        expect(await storage.grants.findById(machine.id)).toEqual(machine);
        expect(await storage.grants.findById('no-such-grant')).toBeUndefined();
      });

      it('revokes once and keeps the first revocation time', async () => {
        const { client, user } = await clientAndUser();
        const grant = aGrant(client, user);
        await storage.grants.create(grant);
        expect(await storage.grants.revoke(grant.id, T0 + 1)).toBe(true);
        expect(await storage.grants.revoke(grant.id, T0 + 2)).toBe(false);
        expect(await storage.grants.findById(grant.id)).toEqual({ ...grant, revokedAt: T0 + 1 });
        expect(await storage.grants.revoke('no-such-grant', T0)).toBe(false);
      });

      it('revokes every grant of a client and returns the ids it revoked', async () => {
        const { client, user } = await clientAndUser();
        const other = aClient();
        await storage.clients.create(other);
        const a = aGrant(client, user);
        const b = aGrant(client, null);
        const already = aGrant(client, user, { revokedAt: T0 });
        const elsewhere = aGrant(other, user);
        for (const g of [a, b, already, elsewhere]) await storage.grants.create(g);

        expect(await storage.grants.revokeByClient(client.id, T0 + 5)).toEqual([a.id, b.id].sort());
        expect((await storage.grants.findById(a.id))?.revokedAt).toBe(T0 + 5);
        expect((await storage.grants.findById(b.id))?.revokedAt).toBe(T0 + 5);
        expect((await storage.grants.findById(already.id))?.revokedAt).toBe(T0);
        expect((await storage.grants.findById(elsewhere.id))?.revokedAt).toBeNull();
        expect(await storage.grants.revokeByClient(client.id, T0 + 6)).toEqual([]);
      });

      it('revokes every grant of one user for one client', async () => {
        const { client, user } = await clientAndUser();
        const otherUser = aUser();
        await storage.users.create(otherUser);
        const otherClient = aClient();
        await storage.clients.create(otherClient);
        const mine1 = aGrant(client, user);
        const mine2 = aGrant(client, user);
        const theirs = aGrant(client, otherUser);
        const otherApp = aGrant(otherClient, user);
        const machine = aGrant(client, null);
        for (const g of [mine1, mine2, theirs, otherApp, machine]) await storage.grants.create(g);

        expect(await storage.grants.revokeByUserAndClient(user.id, client.id, T0 + 3)).toEqual(
          [mine1.id, mine2.id].sort(),
        );
        for (const g of [theirs, otherApp, machine]) {
          expect((await storage.grants.findById(g.id))?.revokedAt).toBeNull();
        }
        expect(await storage.grants.revokeByUserAndClient(user.id, client.id, T0 + 4)).toEqual([]);
      });

      it('deletes grants revoked before a time, with their refresh tokens, and nothing else', async () => {
        const { token, grant } = await aGrantWithToken();
        await storage.grants.revoke(grant.id, T0 + 10);
        const { client, user } = await clientAndUser();
        const later = aGrant(client, user, { revokedAt: T0 + 30 });
        const live = aGrant(client, user);
        for (const g of [later, live]) await storage.grants.create(g);

        // Other tests share this database: count at least ours, then check ours one by one.
        expect(await storage.grants.deleteRevokedBefore(T0 + 20)).toBeGreaterThanOrEqual(1);
        expect(await storage.grants.findById(grant.id)).toBeUndefined();
        expect(await storage.refreshTokens.findByHash(token.tokenHash)).toBeUndefined();
        expect(await storage.grants.findById(later.id)).toBeDefined();
        expect(await storage.grants.findById(live.id)).toBeDefined();
      });
    });

    /* ----- refresh tokens ----- */

    describe('refreshTokens', () => {
      it('round-trips every field', async () => {
        const { token, grant } = await aGrantWithToken();
        expect(await storage.refreshTokens.findByHash(token.tokenHash)).toEqual(token);
        const rotated = aRefreshToken(grant, { scopes: [], rotatedAt: T0 + 9 });
        await storage.refreshTokens.create(rotated);
        expect(await storage.refreshTokens.findByHash(rotated.tokenHash)).toEqual(rotated);
        expect(await storage.refreshTokens.findByHash('no-such-token')).toBeUndefined();
      });

      it('rotates once: consumed, then already_used, undefined when unknown', async () => {
        const { token } = await aGrantWithToken();
        expect(await storage.refreshTokens.rotate(token.tokenHash, T0 + 1)).toEqual({
          outcome: 'consumed',
          record: { ...token, rotatedAt: T0 + 1 },
        });
        expect(await storage.refreshTokens.rotate(token.tokenHash, T0 + 2)).toEqual({
          outcome: 'already_used',
          record: { ...token, rotatedAt: T0 + 1 },
        });
        expect(await storage.refreshTokens.findByHash(token.tokenHash)).toEqual({ ...token, rotatedAt: T0 + 1 });
        expect(await storage.refreshTokens.rotate('no-such-token', T0)).toBeUndefined();
      });

      it('rejects a duplicate hash with UniqueViolationError', async () => {
        const { token } = await aGrantWithToken();
        await expect(storage.refreshTokens.create(token)).rejects.toBeInstanceOf(UniqueViolationError);
      });

      it('rejects a token of an unknown grant (foreign keys are enforced)', async () => {
        const { grant } = await aGrantWithToken();
        const error = await storage.refreshTokens
          .create(aRefreshToken({ ...grant, id: 'no-such-grant' }))
          .catch((e) => e);
        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(UniqueViolationError);
      });

      it('deletes tokens that expired before a time', async () => {
        const { storage: s } = await fresh();
        const client = aClient();
        await s.clients.create(client);
        const grant = aGrant(client, null);
        await s.grants.create(grant);
        const old = aRefreshToken(grant, { expiresAt: T0 - 1 });
        const live = aRefreshToken(grant, { expiresAt: T0 });
        await s.refreshTokens.create(old);
        await s.refreshTokens.create(live);
        expect(await s.refreshTokens.deleteExpired(T0)).toBe(1);
        expect(await s.refreshTokens.findByHash(old.tokenHash)).toBeUndefined();
        expect(await s.refreshTokens.findByHash(live.tokenHash)).toEqual(live);
      });

      it('lets exactly one of 20 concurrent rotations rotate a token', async () => {
        const { token } = await aGrantWithToken();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => storage.refreshTokens.rotate(token.tokenHash, T0 + 100 + i)),
        );
        expect(results.filter((r) => r?.outcome === 'consumed')).toHaveLength(1);
        expect(results.filter((r) => r?.outcome === 'already_used')).toHaveLength(19);
      });
    });

    /* ----- consents ----- */

    describe('consents', () => {
      it('inserts, finds, updates in place, lists by user and deletes', async () => {
        const { client, user } = await clientAndUser();
        const second = aClient();
        await storage.clients.create(second);
        expect(await storage.consents.find(user.id, client.id)).toBeUndefined();

        const consent = { userId: user.id, clientId: client.id, scopes: ['a', 'b'], grantedAt: T0, updatedAt: T0 };
        await storage.consents.upsert(consent);
        expect(await storage.consents.find(user.id, client.id)).toEqual(consent);

        // An update replaces scopes and updatedAt but keeps when consent was first granted.
        const widened = { ...consent, scopes: ['a', 'b', 'c'], updatedAt: T0 + 5 };
        await storage.consents.upsert({ ...widened, grantedAt: T0 + 5 });
        expect(await storage.consents.find(user.id, client.id)).toEqual(widened);

        const other = { userId: user.id, clientId: second.id, scopes: [], grantedAt: T0 + 1, updatedAt: T0 + 1 };
        await storage.consents.upsert(other);
        expect(await storage.consents.listByUser(user.id)).toEqual(
          [widened, other].sort((x, y) => (x.clientId < y.clientId ? -1 : 1)),
        );
        expect(await storage.consents.listByUser('no-such-user')).toEqual([]);

        expect(await storage.consents.delete(user.id, client.id)).toBe(true);
        expect(await storage.consents.delete(user.id, client.id)).toBe(false);
        expect(await storage.consents.find(user.id, client.id)).toBeUndefined();
        expect(await storage.consents.listByUser(user.id)).toEqual([other]);
      });
    });

    /* ----- signing keys ----- */

    describe('keys', () => {
      function aKey(overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
        const kid = uid('kid');
        return {
          kid,
          alg: 'ES256',
          privateJwk: JSON.stringify({ kty: 'EC', crv: 'P-256', d: 'secret', x: 'x', y: 'y', kid }),
          publicJwk: JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid, alg: 'ES256', use: 'sig' }),
          createdAt: T0,
          retiredAt: null,
          expiresAt: null,
          ...overrides,
        };
      }

      it('lists published keys newest first and retires the active one', async () => {
        const { storage: s } = await fresh();
        const expired = aKey({ createdAt: T0 - 3 * HOUR, retiredAt: T0 - 2 * HOUR, expiresAt: T0 - 1 });
        const retired = aKey({ createdAt: T0 - 2 * HOUR, retiredAt: T0 - HOUR, expiresAt: T0 + HOUR });
        const active = aKey({ createdAt: T0 - HOUR });
        for (const key of [retired, active, expired]) await s.keys.create(key);

        expect(await s.keys.listPublished(T0)).toEqual([active, retired]);
        // A key expiring exactly now is no longer published.
        expect(await s.keys.listPublished(T0 + HOUR)).toEqual([active]);

        expect(await s.keys.retireActive(T0, T0 + 2 * HOUR)).toBe(1);
        const retiredNow = { ...active, retiredAt: T0, expiresAt: T0 + 2 * HOUR };
        expect(await s.keys.listPublished(T0)).toEqual([retiredNow, retired]);
        expect(await s.keys.retireActive(T0 + 1, T0 + 3 * HOUR)).toBe(0);

        const next = aKey({ createdAt: T0 });
        await s.keys.create(next);
        expect(await s.keys.listPublished(T0 + 1)).toEqual([next, retiredNow, retired]);
        expect(await s.keys.listPublished(T0 + 2 * HOUR)).toEqual([next]);
      });

      it('rejects a duplicate kid with UniqueViolationError', async () => {
        const key = aKey();
        await storage.keys.create(key);
        await expect(storage.keys.create(key)).rejects.toBeInstanceOf(UniqueViolationError);
      });
    });

    /* ----- revocations ----- */

    describe('revocations', () => {
      it('assigns increasing sequence numbers and lists unexpired ones after a seq, ascending', async () => {
        const { storage: s } = await fresh();
        const a = await s.revocations.add({ kind: 'jti', value: 'j1', createdAt: T0, expiresAt: T0 + HOUR });
        const b = await s.revocations.add({ kind: 'grant', value: 'g1', createdAt: T0, expiresAt: T0 + MINUTE });
        const c = await s.revocations.add({ kind: 'client', value: 'c1', createdAt: T0, expiresAt: T0 + 2 * HOUR });
        expect(a).toEqual({ seq: a.seq, kind: 'jti', value: 'j1', createdAt: T0, expiresAt: T0 + HOUR });
        expect(typeof a.seq).toBe('number');
        expect(b.seq).toBeGreaterThan(a.seq);
        expect(c.seq).toBeGreaterThan(b.seq);

        expect(await s.revocations.listSince(0, T0)).toEqual([a, b, c]);
        expect(await s.revocations.listSince(a.seq, T0)).toEqual([b, c]);
        expect(await s.revocations.listSince(c.seq, T0)).toEqual([]);
        // b expires at T0 + MINUTE: not listed from then on.
        expect(await s.revocations.listSince(0, T0 + MINUTE)).toEqual([a, c]);
        expect(await s.revocations.listSince(0, T0 + HOUR)).toEqual([c]);

        expect(await s.revocations.deleteExpired(T0 + HOUR)).toBe(1);
        expect(await s.revocations.listSince(0, T0)).toEqual([a, c]);
        expect(await s.revocations.deleteExpired(T0 + 3 * HOUR)).toBe(2);

        // Sequence numbers are never reused, even after the newest rows are deleted.
        const d = await s.revocations.add({ kind: 'jti', value: 'j2', createdAt: T0, expiresAt: T0 + HOUR });
        expect(d.seq).toBeGreaterThan(c.seq);
      });

      it('makes revocations visible in seq order, so a poller never skips one', async () => {
        const base = await storage.revocations.add({ kind: 'jti', value: 'base', createdAt: T0, expiresAt: T0 + HOUR });
        const polls: number[][] = [];
        const poll = async () => polls.push((await storage.revocations.listSince(base.seq, T0)).map((r) => r.seq));

        // A slow transaction adds first; a quick add starts while it is still open.
        const slow = storage.transaction(async (tx) => {
          await tx.revocations.add({ kind: 'grant', value: 'slow', createdAt: T0, expiresAt: T0 + HOUR });
          await sleep(120);
        });
        await sleep(30);
        const quick = storage.revocations.add({ kind: 'jti', value: 'quick', createdAt: T0, expiresAt: T0 + HOUR });
        await sleep(30);
        await poll();
        await Promise.all([slow, quick]);
        await poll();

        const final = polls.at(-1) ?? [];
        expect(final).toHaveLength(2);
        for (const seen of polls) expect(seen).toEqual(final.slice(0, seen.length));
      });
    });

    /* ----- sessions ----- */

    describe('sessions', () => {
      function aSession(userId: string | null, overrides: Partial<SessionRecord> = {}): SessionRecord {
        return {
          idHash: uid('sid'),
          userId,
          csrfToken: randomBytes(16).toString('base64url'),
          createdAt: T0,
          expiresAt: T0 + HOUR,
          ...overrides,
        };
      }

      it('round-trips anonymous and signed-in sessions and deletes one', async () => {
        const { user } = await clientAndUser();
        const anonymous = aSession(null);
        const signedIn = aSession(user.id);
        await storage.sessions.create(anonymous);
        await storage.sessions.create(signedIn);
        expect(await storage.sessions.findByHash(anonymous.idHash)).toEqual(anonymous);
        expect(await storage.sessions.findByHash(signedIn.idHash)).toEqual(signedIn);
        expect(await storage.sessions.findByHash('no-such-session')).toBeUndefined();

        await storage.sessions.delete(anonymous.idHash);
        await storage.sessions.delete(anonymous.idHash);
        expect(await storage.sessions.findByHash(anonymous.idHash)).toBeUndefined();
        expect(await storage.sessions.findByHash(signedIn.idHash)).toEqual(signedIn);
      });

      it('deletes every session of a user', async () => {
        const { user } = await clientAndUser();
        const other = aUser();
        await storage.users.create(other);
        const mine = [aSession(user.id), aSession(user.id)];
        const theirs = aSession(other.id);
        for (const s of [...mine, theirs]) await storage.sessions.create(s);
        expect(await storage.sessions.deleteByUser(user.id)).toBe(2);
        expect(await storage.sessions.deleteByUser(user.id)).toBe(0);
        expect(await storage.sessions.findByHash(theirs.idHash)).toEqual(theirs);
      });

      it('deletes sessions that expired before a time', async () => {
        const { storage: s } = await fresh();
        const old = aSession(null, { expiresAt: T0 - 1 });
        const live = aSession(null, { expiresAt: T0 });
        await s.sessions.create(old);
        await s.sessions.create(live);
        expect(await s.sessions.deleteExpired(T0)).toBe(1);
        expect(await s.sessions.findByHash(old.idHash)).toBeUndefined();
        expect(await s.sessions.findByHash(live.idHash)).toEqual(live);
      });

      it('rejects a duplicate id hash with UniqueViolationError', async () => {
        const session = aSession(null);
        await storage.sessions.create(session);
        await expect(storage.sessions.create(session)).rejects.toBeInstanceOf(UniqueViolationError);
      });
    });

    /* ----- login attempts ----- */

    describe('loginAttempts', () => {
      const WINDOW = 15 * MINUTE;

      it('counts failures per (kind, key) and returns the updated record', async () => {
        const key = uid('alice');
        expect(await storage.loginAttempts.find('account', key)).toBeUndefined();
        const first = await storage.loginAttempts.recordFailure('account', key, T0, T0 - WINDOW);
        expect(first).toEqual({ kind: 'account', key, failures: 1, firstFailureAt: T0, lockedUntil: null });
        const second = await storage.loginAttempts.recordFailure('account', key, T0 + MINUTE, T0 + MINUTE - WINDOW);
        expect(second).toEqual({ ...first, failures: 2 });
        // The same key of the other kind is a separate counter.
        expect((await storage.loginAttempts.recordFailure('address', key, T0, T0 - WINDOW)).failures).toBe(1);
        expect(await storage.loginAttempts.find('account', key)).toEqual(second);
      });

      it('starts a new run when the first failure is older than the window', async () => {
        const key = uid('10.0.0.1');
        await storage.loginAttempts.recordFailure('address', key, T0, T0 - WINDOW);
        await storage.loginAttempts.recordFailure('address', key, T0 + 1, T0 + 1 - WINDOW);
        const later = T0 + WINDOW + 1;
        const restarted = await storage.loginAttempts.recordFailure('address', key, later, later - WINDOW);
        expect(restarted).toMatchObject({ failures: 1, firstFailureAt: later });
      });

      it('counts every one of 20 concurrent failures', async () => {
        const key = uid('burst');
        await Promise.all(
          Array.from({ length: 20 }, () => storage.loginAttempts.recordFailure('account', key, T0, T0 - WINDOW)),
        );
        expect((await storage.loginAttempts.find('account', key))?.failures).toBe(20);
      });

      it('forgives one failure at a time, never below zero', async () => {
        const key = uid('10.0.0.2');
        await storage.loginAttempts.recordFailure('address', key, T0, T0 - WINDOW);
        await storage.loginAttempts.recordFailure('address', key, T0, T0 - WINDOW);
        await storage.loginAttempts.forgive('address', key);
        expect((await storage.loginAttempts.find('address', key))?.failures).toBe(1);
        await storage.loginAttempts.forgive('address', key);
        await storage.loginAttempts.forgive('address', key);
        expect((await storage.loginAttempts.find('address', key))?.failures).toBe(0);
        await storage.loginAttempts.forgive('address', uid('absent'));
      });

      it('locks (clearing the count), resets, and deletes stale rows', async () => {
        const { storage: s } = await fresh();
        await s.loginAttempts.recordFailure('account', 'bob', T0, T0 - WINDOW);
        await s.loginAttempts.lock('account', 'bob', T0 + WINDOW);
        expect(await s.loginAttempts.find('account', 'bob')).toMatchObject({ failures: 0, lockedUntil: T0 + WINDOW });
        await s.loginAttempts.reset('account', 'bob');
        expect(await s.loginAttempts.find('account', 'bob')).toBeUndefined();

        await s.loginAttempts.recordFailure('address', 'old', T0 - HOUR, T0 - HOUR - WINDOW);
        await s.loginAttempts.recordFailure('address', 'locked', T0 - HOUR, T0 - HOUR - WINDOW);
        await s.loginAttempts.lock('address', 'locked', T0 + WINDOW);
        await s.loginAttempts.recordFailure('address', 'recent', T0, T0 - WINDOW);
        expect(await s.loginAttempts.deleteStale(T0 - MINUTE)).toBe(1);
        expect(await s.loginAttempts.find('address', 'old')).toBeUndefined();
        expect(await s.loginAttempts.find('address', 'locked')).toBeDefined();
        expect(await s.loginAttempts.find('address', 'recent')).toBeDefined();
      });
    });

    /* ----- transactions ----- */

    describe('transaction', () => {
      it('commits every write and returns the result of the work', async () => {
        const client = aClient();
        const user = aUser();
        const result = await storage.transaction(async (tx) => {
          await tx.clients.create(client);
          await tx.users.create(user);
          // The transaction sees its own writes.
          expect(await tx.clients.findById(client.id)).toEqual(client);
          return 'done';
        });
        expect(result).toBe('done');
        expect(await storage.clients.findById(client.id)).toEqual(client);
        expect(await storage.users.findById(user.id)).toEqual(user);
      });

      it('rolls back every write when the work throws, and rethrows', async () => {
        const client = aClient();
        const user = aUser();
        const failure = new Error('boom');
        const outcome = storage.transaction(async (tx) => {
          await tx.clients.create(client);
          await tx.users.create(user);
          await tx.revocations.add({ kind: 'client', value: client.id, createdAt: T0, expiresAt: T0 + HOUR });
          throw failure;
        });
        await expect(outcome).rejects.toBe(failure);
        expect(await storage.clients.findById(client.id)).toBeUndefined();
        expect(await storage.users.findById(user.id)).toBeUndefined();
        const revocations = await storage.revocations.listSince(0, T0);
        expect(revocations.filter((r) => r.value === client.id)).toEqual([]);
      });

      it('rolls back on a unique violation inside the transaction', async () => {
        const taken = aUser();
        await storage.users.create(taken);
        const client = aClient();
        const outcome = storage.transaction(async (tx) => {
          await tx.clients.create(client);
          await tx.users.create(aUser({ username: taken.username }));
        });
        await expect(outcome).rejects.toBeInstanceOf(UniqueViolationError);
        expect(await storage.clients.findById(client.id)).toBeUndefined();
      });

      it('rolls back a consumed code, so that it can be consumed again', async () => {
        const { client, user } = await clientAndUser();
        const code = aCode(client, user);
        await storage.codes.create(code);
        await expect(
          storage.transaction(async (tx) => {
            expect((await tx.codes.consume(code.codeHash, T0 + 1))?.outcome).toBe('consumed');
            throw new Error('issuing the tokens failed');
          }),
        ).rejects.toThrow('issuing the tokens failed');
        expect((await storage.codes.consume(code.codeHash, T0 + 2))?.outcome).toBe('consumed');
      });

      it('lets exactly one of 20 concurrent rotate-and-reissue transactions write a new token', async () => {
        const { grant, token } = await aGrantWithToken();
        const successors = Array.from({ length: 20 }, (_, i) =>
          aRefreshToken(grant, { tokenHash: `${token.tokenHash}-next-${i}`, createdAt: T0 + 100 + i }),
        );

        const results = await Promise.allSettled(
          successors.map((successor, i) =>
            storage.transaction(async (tx) => {
              // Write first, then decide: the losers must roll their new token back.
              await tx.refreshTokens.create(successor);
              const rotation = await tx.refreshTokens.rotate(token.tokenHash, T0 + 100 + i);
              if (rotation?.outcome !== 'consumed') throw new Error(`reuse: ${rotation?.outcome}`);
              return successor.tokenHash;
            }),
          ),
        );

        const won = results.filter((r) => r.status === 'fulfilled');
        expect(won).toHaveLength(1);
        for (const r of results) {
          if (r.status === 'rejected') expect(String(r.reason)).toContain('reuse: already_used');
        }
        const stored = await Promise.all(successors.map((s) => storage.refreshTokens.findByHash(s.tokenHash)));
        const present = stored.filter((s) => s !== undefined);
        expect(present).toHaveLength(1);
        expect(present[0]?.tokenHash).toBe(won[0]?.status === 'fulfilled' ? won[0].value : undefined);
        expect((await storage.refreshTokens.findByHash(token.tokenHash))?.rotatedAt).not.toBeNull();
      });
    });
  });
}

/* ----- opening errors and descriptions (no database needed) ----- */

describe('openStorage errors', () => {
  it('rejects an unreachable PostgreSQL with a one-line StorageOpenError without the password', async () => {
    const error = await openStorage({
      databaseUrl: 'postgres://flexgate:s3cret-Pa55@127.0.0.1:1/flexgate',
      dataDir: '/nonexistent',
    }).catch((e) => e);
    expect(error).toBeInstanceOf(StorageOpenError);
    expect(error.name).toBe('StorageOpenError');
    expect(error.message).toMatch(
      /^cannot connect to PostgreSQL at 127\.0\.0\.1:1 \(database "flexgate"\): .*ECONNREFUSED/,
    );
    expect(error.message).not.toContain('s3cret');
    expect(error.message).not.toContain('\n');
  });

  it('rejects an unusable SQLite directory with a one-line StorageOpenError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flexgate-storage-bad-'));
    try {
      const file = join(dir, 'not-a-directory');
      writeFileSync(file, 'x');
      const error = await openStorage({ dataDir: join(file, 'data') }).catch((e) => e);
      expect(error).toBeInstanceOf(StorageOpenError);
      expect(error.message).toMatch(/^cannot open SQLite database at .*not-a-directory\/data\/flexgate\.db: /);
      expect(error.message).not.toContain('\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a database URL of another kind, and a malformed one', async () => {
    await expect(openStorage({ databaseUrl: 'mysql://u:p@h/db', dataDir: '.' })).rejects.toThrow(
      /^unsupported database URL scheme "mysql:"/,
    );
    const error = await openStorage({ databaseUrl: 'postgres://u:secretpw@host:notaport/db', dataDir: '.' }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(StorageOpenError);
    expect(error.message).not.toContain('secretpw');
  });

  it('rejects an invalid PostgreSQL schema name before connecting', async () => {
    await expect(
      openStorage({ databaseUrl: 'postgres://127.0.0.1:1/x', dataDir: '.', pgSchema: 'x"; drop' }),
    ).rejects.toBeInstanceOf(StorageOpenError);
  });

  it('describes the database without credentials', () => {
    expect(describeDatabase({ dataDir: '.flexgate' })).toBe('SQLite at .flexgate/flexgate.db');
    expect(describeDatabase({ databaseUrl: '', dataDir: '/var/lib/flexgate' })).toBe(
      'SQLite at /var/lib/flexgate/flexgate.db',
    );
    expect(describeDatabase({ databaseUrl: 'postgres://app:pw-secret@db.internal:6432/flexgate', dataDir: '.' })).toBe(
      'PostgreSQL at db.internal:6432/flexgate',
    );
    expect(describeDatabase({ databaseUrl: 'postgresql://db.internal/flexgate?sslmode=require', dataDir: '.' })).toBe(
      'PostgreSQL at db.internal:5432/flexgate',
    );
    expect(describeDatabase({ databaseUrl: 'postgres://127.0.0.1', dataDir: '.' })).toBe(
      'PostgreSQL at 127.0.0.1:5432',
    );
  });
});
