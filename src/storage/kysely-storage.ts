import { type Kysely, sql } from 'kysely';
import type { ContactRepository, MessageRepository, NewsRepository } from '../apis/example/ports.js';
import type { IdempotencyRepository } from '../apis/ports.js';
import {
  type AuthorizationCodeRecord,
  type AuthorizationCodeRepository,
  type ClientRecord,
  type ClientRepository,
  type ConsentRecord,
  type ConsentRepository,
  type ConsumeOutcome,
  type Environment,
  type GrantRecord,
  type GrantRepository,
  type GrantType,
  type RefreshTokenRecord,
  type RefreshTokenRepository,
  type RevocationKind,
  type RevocationRecord,
  type RevocationRepository,
  type SigningKeyRecord,
  type SigningKeyRepository,
  UniqueViolationError,
} from '../oauth/ports.js';
import type {
  AppRecord,
  AppRepository,
  LoginAttemptKind,
  LoginAttemptRecord,
  LoginAttemptRepository,
  SessionRecord,
  SessionRepository,
  UserRecord,
  UserRepository,
} from '../portal/domain/ports.js';
import { createResourceRepositories } from './resource-repositories.js';
import type {
  AppsTable,
  AuthorizationCodesTable,
  ClientsTable,
  ConsentsTable,
  Database,
  GrantsTable,
  LoginAttemptsTable,
  RefreshTokensTable,
  SessionsTable,
  SigningKeysTable,
  SqlDialect,
  UsersTable,
} from './schema.js';
import type { Repositories, Storage } from './storage.js';

/**
 * Key of the PostgreSQL advisory lock that serialises revocation inserts (see `revocations.add`).
 * An arbitrary constant ("flgr"); it only has to differ from other advisory locks taken in the database.
 */
const REVOCATION_LOCK_KEY = 0x666c6772;

const UNIQUE_VIOLATION_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', '23505']);

/** True for a unique or primary-key violation from better-sqlite3 or node-postgres. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' && UNIQUE_VIOLATION_CODES.has(code);
}

/** Runs a write, turning a unique violation into the port's `UniqueViolationError`. */
export async function write<T>(query: Promise<T>): Promise<T> {
  try {
    return await query;
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new UniqueViolationError((error as Error).message, { cause: error });
    }
    throw error;
  }
}

export const json = (values: readonly string[]): string => JSON.stringify(values);

export function strings(text: string): string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value)) throw new TypeError(`expected a JSON array in storage, got ${text.slice(0, 40)}`);
  return value as string[];
}

const bool = (value: boolean): number => (value ? 1 : 0);

/* ----- row → record ----- */

function toClient(row: ClientsTable): ClientRecord {
  return {
    id: row.id,
    name: row.name,
    secretHash: row.secret_hash,
    previousSecretHash: row.previous_secret_hash,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    redirectUris: strings(row.redirect_uris),
    scopes: strings(row.scopes),
    grantTypes: strings(row.grant_types) as GrantType[],
    environment: row.environment as Environment,
    isPublic: row.is_public === 1,
    createdAt: row.created_at,
    appId: row.app_id,
    disabledAt: row.disabled_at,
  };
}

function toApp(row: AppsTable): AppRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    description: row.description,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

function toUser(row: UsersTable): UserRecord {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    isAdmin: row.is_admin === 1,
    createdAt: row.created_at,
  };
}

function toCode(row: AuthorizationCodesTable): AuthorizationCodeRecord {
  return {
    codeHash: row.code_hash,
    clientId: row.client_id,
    userId: row.user_id,
    redirectUri: row.redirect_uri,
    scopes: strings(row.scopes),
    codeChallenge: row.code_challenge,
    environment: row.environment as Environment,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
    grantId: row.grant_id,
  };
}

function toGrant(row: GrantsTable): GrantRecord {
  return {
    id: row.id,
    clientId: row.client_id,
    userId: row.user_id,
    scopes: strings(row.scopes),
    environment: row.environment as Environment,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

function toRefreshToken(row: RefreshTokensTable): RefreshTokenRecord {
  return {
    tokenHash: row.token_hash,
    grantId: row.grant_id,
    scopes: strings(row.scopes),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    rotatedAt: row.rotated_at,
  };
}

function toConsent(row: ConsentsTable): ConsentRecord {
  return {
    userId: row.user_id,
    clientId: row.client_id,
    scopes: strings(row.scopes),
    grantedAt: row.granted_at,
    updatedAt: row.updated_at,
  };
}

function toSigningKey(row: SigningKeysTable): SigningKeyRecord {
  return {
    kid: row.kid,
    alg: row.alg,
    privateJwk: row.private_jwk,
    publicJwk: row.public_jwk,
    createdAt: row.created_at,
    retiredAt: row.retired_at,
    expiresAt: row.expires_at,
  };
}

function toLoginAttempt(row: LoginAttemptsTable): LoginAttemptRecord {
  return {
    kind: row.kind as LoginAttemptKind,
    key: row.key,
    failures: row.failures,
    firstFailureAt: row.first_failure_at,
    lockedUntil: row.locked_until,
  };
}

function toSession(row: SessionsTable): SessionRecord {
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/* ----- repositories ----- */

export interface Context {
  /** The database, or the transaction the repositories run in. */
  db: Kysely<Database>;
  dialect: SqlDialect;
  inTransaction: boolean;
}

function clientRepository({ db }: Context): ClientRepository {
  return {
    async create(client) {
      await write(
        db
          .insertInto('clients')
          .values({
            id: client.id,
            name: client.name,
            secret_hash: client.secretHash,
            previous_secret_hash: client.previousSecretHash,
            previous_secret_expires_at: client.previousSecretExpiresAt,
            redirect_uris: json(client.redirectUris),
            scopes: json(client.scopes),
            grant_types: json(client.grantTypes),
            environment: client.environment,
            is_public: bool(client.isPublic),
            created_at: client.createdAt,
            app_id: client.appId,
            disabled_at: client.disabledAt,
          })
          .execute(),
      );
    },

    async findById(id) {
      const row = await db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toClient(row);
    },

    async list() {
      const rows = await db.selectFrom('clients').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toClient);
    },

    async updateSecret(id, secret) {
      const result = await db
        .updateTable('clients')
        .set({
          secret_hash: secret.secretHash,
          previous_secret_hash: secret.previousSecretHash,
          previous_secret_expires_at: secret.previousSecretExpiresAt,
        })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async delete(id) {
      const result = await db.deleteFrom('clients').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async listByApp(appId) {
      // 'live' > 'sandbox', so descending puts sandbox first.
      const rows = await db
        .selectFrom('clients')
        .selectAll()
        .where('app_id', '=', appId)
        .orderBy('environment', 'desc')
        .orderBy('id')
        .execute();
      return rows.map(toClient);
    },

    async updateSettings(id, settings) {
      const result = await db
        .updateTable('clients')
        .set({
          name: settings.name,
          redirect_uris: json(settings.redirectUris),
          scopes: json(settings.scopes),
          grant_types: json(settings.grantTypes),
        })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async setDisabled(id, disabledAt) {
      const result = await db
        .updateTable('clients')
        .set({ disabled_at: disabledAt })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

function appRepository({ db }: Context): AppRepository {
  return {
    async create(app) {
      await write(
        db
          .insertInto('apps')
          .values({
            id: app.id,
            owner_id: app.ownerId,
            name: app.name,
            description: app.description,
            created_at: app.createdAt,
            disabled_at: app.disabledAt,
          })
          .execute(),
      );
    },

    async findById(id) {
      const row = await db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toApp(row);
    },

    async listByOwner(ownerId) {
      const rows = await db
        .selectFrom('apps')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toApp);
    },

    async listAll() {
      const rows = await db.selectFrom('apps').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toApp);
    },

    async update(id, changes) {
      const result = await db
        .updateTable('apps')
        .set({ name: changes.name, description: changes.description })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async delete(id) {
      const result = await db.deleteFrom('apps').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async setDisabled(id, disabledAt) {
      const result = await db
        .updateTable('apps')
        .set({ disabled_at: disabledAt })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

function userRepository({ db }: Context): UserRepository {
  return {
    async create(user) {
      await write(
        db
          .insertInto('users')
          .values({
            id: user.id,
            username: user.username,
            password_hash: user.passwordHash,
            is_admin: bool(user.isAdmin),
            created_at: user.createdAt,
          })
          .execute(),
      );
    },

    async findById(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toUser(row);
    },

    async findByUsername(username) {
      const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
      return row && toUser(row);
    },

    async updatePassword(id, passwordHash) {
      const result = await db
        .updateTable('users')
        .set({ password_hash: passwordHash })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async count() {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

function codeRepository({ db }: Context): AuthorizationCodeRepository {
  return {
    async create(code) {
      await write(
        db
          .insertInto('authorization_codes')
          .values({
            code_hash: code.codeHash,
            client_id: code.clientId,
            user_id: code.userId,
            redirect_uri: code.redirectUri,
            scopes: json(code.scopes),
            code_challenge: code.codeChallenge,
            environment: code.environment,
            created_at: code.createdAt,
            expires_at: code.expiresAt,
            used_at: code.usedAt,
            grant_id: code.grantId,
          })
          .execute(),
      );
    },

    async findByHash(codeHash) {
      const row = await db
        .selectFrom('authorization_codes')
        .selectAll()
        .where('code_hash', '=', codeHash)
        .executeTakeFirst();
      return row && toCode(row);
    },

    async consume(codeHash, now) {
      // One conditional UPDATE decides the race: SQLite runs writers one at a time, and PostgreSQL (READ
      // COMMITTED) makes a second updater wait for the first to commit, then re-checks `used_at is null`.
      const consumed = await db
        .updateTable('authorization_codes')
        .set({ used_at: now })
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (consumed) return { outcome: 'consumed', record: toCode(consumed) };
      const row = await db
        .selectFrom('authorization_codes')
        .selectAll()
        .where('code_hash', '=', codeHash)
        .executeTakeFirst();
      return (
        row && ({ outcome: 'already_used', record: toCode(row) } satisfies ConsumeOutcome<AuthorizationCodeRecord>)
      );
    },

    async attachGrant(codeHash, grantId) {
      await db
        .updateTable('authorization_codes')
        .set({ grant_id: grantId })
        .where('code_hash', '=', codeHash)
        .execute();
    },

    async deleteExpired(before) {
      const result = await db.deleteFrom('authorization_codes').where('expires_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function grantRepository({ db }: Context): GrantRepository {
  return {
    async create(grant) {
      await write(
        db
          .insertInto('grants')
          .values({
            id: grant.id,
            client_id: grant.clientId,
            user_id: grant.userId,
            scopes: json(grant.scopes),
            environment: grant.environment,
            created_at: grant.createdAt,
            revoked_at: grant.revokedAt,
          })
          .execute(),
      );
    },

    async findById(id) {
      const row = await db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toGrant(row);
    },

    async revoke(id, now) {
      const result = await db
        .updateTable('grants')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async revokeByClient(clientId, now) {
      const rows = await db
        .updateTable('grants')
        .set({ revoked_at: now })
        .where('client_id', '=', clientId)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      return rows.map((r) => r.id).sort();
    },

    async revokeByUserAndClient(userId, clientId, now) {
      const rows = await db
        .updateTable('grants')
        .set({ revoked_at: now })
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      return rows.map((r) => r.id).sort();
    },

    async deleteRevokedBefore(before) {
      const result = await db.deleteFrom('grants').where('revoked_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function refreshTokenRepository({ db }: Context): RefreshTokenRepository {
  return {
    async create(token) {
      await write(
        db
          .insertInto('refresh_tokens')
          .values({
            token_hash: token.tokenHash,
            grant_id: token.grantId,
            scopes: json(token.scopes),
            created_at: token.createdAt,
            expires_at: token.expiresAt,
            rotated_at: token.rotatedAt,
          })
          .execute(),
      );
    },

    async findByHash(tokenHash) {
      const row = await db
        .selectFrom('refresh_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row && toRefreshToken(row);
    },

    async rotate(tokenHash, now) {
      // Same single conditional UPDATE as `codes.consume`.
      const rotated = await db
        .updateTable('refresh_tokens')
        .set({ rotated_at: now })
        .where('token_hash', '=', tokenHash)
        .where('rotated_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (rotated) return { outcome: 'consumed', record: toRefreshToken(rotated) };
      const row = await db
        .selectFrom('refresh_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return (
        row && ({ outcome: 'already_used', record: toRefreshToken(row) } satisfies ConsumeOutcome<RefreshTokenRecord>)
      );
    },

    async deleteExpired(before) {
      const result = await db.deleteFrom('refresh_tokens').where('expires_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function consentRepository({ db }: Context): ConsentRepository {
  return {
    async find(userId, clientId) {
      const row = await db
        .selectFrom('consents')
        .selectAll()
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      return row && toConsent(row);
    },

    async upsert(consent) {
      const scopes = json(consent.scopes);
      await write(
        db
          .insertInto('consents')
          .values({
            user_id: consent.userId,
            client_id: consent.clientId,
            scopes,
            granted_at: consent.grantedAt,
            updated_at: consent.updatedAt,
          })
          // An update keeps the stored `granted_at` (when consent was first given), whatever the caller passes.
          .onConflict((oc) =>
            oc.columns(['user_id', 'client_id']).doUpdateSet({ scopes, updated_at: consent.updatedAt }),
          )
          .execute(),
      );
    },

    async delete(userId, clientId) {
      const result = await db
        .deleteFrom('consents')
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async listByUser(userId) {
      const rows = await db
        .selectFrom('consents')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('client_id')
        .execute();
      return rows.map(toConsent);
    },
  };
}

function signingKeyRepository({ db }: Context): SigningKeyRepository {
  return {
    async create(key) {
      await write(
        db
          .insertInto('signing_keys')
          .values({
            kid: key.kid,
            alg: key.alg,
            private_jwk: key.privateJwk,
            public_jwk: key.publicJwk,
            created_at: key.createdAt,
            retired_at: key.retiredAt,
            expires_at: key.expiresAt,
          })
          .execute(),
      );
    },

    async listPublished(now) {
      const rows = await db
        .selectFrom('signing_keys')
        .selectAll()
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .orderBy('created_at', 'desc')
        .orderBy('kid', 'desc')
        .execute();
      return rows.map(toSigningKey);
    },

    async retireActive(now, expiresAt) {
      const result = await db
        .updateTable('signing_keys')
        .set({ retired_at: now, expires_at: expiresAt })
        .where('retired_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}

function revocationRepository(context: Context): RevocationRepository {
  const { db, dialect, inTransaction } = context;

  const insert = async (q: Kysely<Database>, revocation: Omit<RevocationRecord, 'seq'>): Promise<RevocationRecord> => {
    if (dialect === 'postgres') {
      // Pollers read `seq > last seen`, which is only safe if rows become visible in seq order. PostgreSQL
      // hands out identity values at insert time, not commit time, so two concurrent inserts could commit
      // out of order and a poller would skip the lower seq forever. A transaction-scoped advisory lock makes
      // inserts (and hence commits) happen one at a time. SQLite has a single writer, so it needs nothing.
      await sql`select pg_advisory_xact_lock(${sql.lit(REVOCATION_LOCK_KEY)})`.execute(q);
    }
    const row = await write(
      q
        .insertInto('revocations')
        .values({
          kind: revocation.kind,
          value: revocation.value,
          created_at: revocation.createdAt,
          expires_at: revocation.expiresAt,
        })
        .returning('seq')
        .executeTakeFirstOrThrow(),
    );
    return {
      seq: Number(row.seq),
      kind: revocation.kind,
      value: revocation.value,
      createdAt: revocation.createdAt,
      expiresAt: revocation.expiresAt,
    };
  };

  return {
    async add(revocation) {
      if (dialect === 'postgres' && !inTransaction) {
        return db.transaction().execute((trx) => insert(trx, revocation));
      }
      return insert(db, revocation);
    },

    async listSince(afterSeq, now) {
      const rows = await db
        .selectFrom('revocations')
        .selectAll()
        .where('seq', '>', afterSeq)
        .where('expires_at', '>', now)
        .orderBy('seq')
        .execute();
      return rows.map((row) => ({
        seq: Number(row.seq),
        kind: row.kind as RevocationKind,
        value: row.value,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      }));
    },

    async deleteExpired(before) {
      const result = await db.deleteFrom('revocations').where('expires_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function sessionRepository({ db }: Context): SessionRepository {
  return {
    async create(session) {
      await write(
        db
          .insertInto('sessions')
          .values({
            id_hash: session.idHash,
            user_id: session.userId,
            csrf_token: session.csrfToken,
            created_at: session.createdAt,
            expires_at: session.expiresAt,
          })
          .execute(),
      );
    },

    async findByHash(idHash) {
      const row = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
      return row && toSession(row);
    },

    async delete(idHash) {
      await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    },

    async deleteByUser(userId) {
      const result = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async deleteExpired(before) {
      const result = await db.deleteFrom('sessions').where('expires_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function loginAttemptRepository({ db }: Context): LoginAttemptRepository {
  return {
    async find(kind, key) {
      const row = await db
        .selectFrom('login_attempts')
        .selectAll()
        .where('kind', '=', kind)
        .where('key', '=', key)
        .executeTakeFirst();
      return row && toLoginAttempt(row);
    },

    async recordFailure(kind, key, now, windowStart) {
      // One upsert, so concurrent failures (on any instance) each count: both databases serialise writers
      // on the row. Column references in DO UPDATE are the stored row's values, qualified for PostgreSQL.
      const expired = sql<boolean>`login_attempts.first_failure_at < ${windowStart}`;
      const row = await db
        .insertInto('login_attempts')
        .values({ kind, key, failures: 1, first_failure_at: now, locked_until: null })
        .onConflict((oc) =>
          oc.columns(['kind', 'key']).doUpdateSet({
            failures: sql<number>`case when ${expired} then 1 else login_attempts.failures + 1 end`,
            first_failure_at: sql<number>`case when ${expired} then ${now} else login_attempts.first_failure_at end`,
          }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toLoginAttempt(row);
    },

    async lock(kind, key, until) {
      await db
        .updateTable('login_attempts')
        .set({ locked_until: until, failures: 0 })
        .where('kind', '=', kind)
        .where('key', '=', key)
        .execute();
    },

    async reset(kind, key) {
      await db.deleteFrom('login_attempts').where('kind', '=', kind).where('key', '=', key).execute();
    },

    async forgive(kind, key) {
      await db
        .updateTable('login_attempts')
        .set({ failures: sql<number>`case when failures > 0 then failures - 1 else 0 end` })
        .where('kind', '=', kind)
        .where('key', '=', key)
        .execute();
    },

    async deleteStale(before) {
      const result = await db
        .deleteFrom('login_attempts')
        .where('first_failure_at', '<', before)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', before)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function createRepositories(context: Context): Repositories {
  return {
    clients: clientRepository(context),
    apps: appRepository(context),
    users: userRepository(context),
    codes: codeRepository(context),
    grants: grantRepository(context),
    refreshTokens: refreshTokenRepository(context),
    consents: consentRepository(context),
    keys: signingKeyRepository(context),
    revocations: revocationRepository(context),
    sessions: sessionRepository(context),
    loginAttempts: loginAttemptRepository(context),
    ...createResourceRepositories(context),
  };
}

/**
 * `Storage` over Kysely, one implementation for SQLite (better-sqlite3) and PostgreSQL (node-postgres).
 *
 * The database must already be migrated (see `openStorage`). On PostgreSQL the pool must parse int8 as a
 * JS number (`openStorage` installs that parser).
 *
 * Inside `transaction(work)`, use only the repositories handed to `work`: on SQLite the single connection is
 * held by the transaction, so a query through this object would wait for the transaction to end — forever.
 */
export class KyselyStorage implements Storage {
  readonly clients: ClientRepository;
  readonly apps: AppRepository;
  readonly users: UserRepository;
  readonly codes: AuthorizationCodeRepository;
  readonly grants: GrantRepository;
  readonly refreshTokens: RefreshTokenRepository;
  readonly consents: ConsentRepository;
  readonly keys: SigningKeyRepository;
  readonly revocations: RevocationRepository;
  readonly sessions: SessionRepository;
  readonly loginAttempts: LoginAttemptRepository;
  readonly contacts: ContactRepository;
  readonly messages: MessageRepository;
  readonly news: NewsRepository;
  readonly idempotencyKeys: IdempotencyRepository;

  #closing: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: SqlDialect,
  ) {
    const repositories = createRepositories({ db, dialect, inTransaction: false });
    this.clients = repositories.clients;
    this.apps = repositories.apps;
    this.users = repositories.users;
    this.codes = repositories.codes;
    this.grants = repositories.grants;
    this.refreshTokens = repositories.refreshTokens;
    this.consents = repositories.consents;
    this.keys = repositories.keys;
    this.revocations = repositories.revocations;
    this.sessions = repositories.sessions;
    this.loginAttempts = repositories.loginAttempts;
    this.contacts = repositories.contacts;
    this.messages = repositories.messages;
    this.news = repositories.news;
    this.idempotencyKeys = repositories.idempotencyKeys;
  }

  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    return this.db
      .transaction()
      .execute((trx) => work(createRepositories({ db: trx, dialect: this.dialect, inTransaction: true })));
  }

  /** Closes the pool or the database file. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.db.destroy();
    return this.#closing;
  }
}
