import type { Kysely } from 'kysely';
import type { ContactRepository, MessageRepository, NewsRepository } from '../apis/example/ports.js';
import type { IdempotencyRepository } from '../apis/ports.js';
import type {
  AuthorizationCodeRepository,
  ClientRepository,
  ConsentRepository,
  GrantRepository,
  RefreshTokenRepository,
  RevocationRepository,
  SigningKeyRepository,
} from '../oauth/ports.js';
import type {
  AppRepository,
  LoginAttemptRepository,
  SessionRepository,
  UserRepository,
} from '../portal/domain/ports.js';
import { createRepositories } from './repositories/index.js';
import type { Database, SqlDialect } from './schema.js';
import type { Repositories, Storage } from './storage.js';

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
