/**
 * The ports of the protocol core: the records it keeps and the interfaces through which it keeps them.
 * Nothing here knows about HTTP or SQL. Times are epoch milliseconds; scopes are arrays of scope tokens.
 * Secrets (client secrets, codes, refresh tokens, session ids) are only ever stored as hashes.
 */

import type { ResourceRepositories } from '../apis/example/ports.js';

export type Environment = 'sandbox' | 'live';
export const ENVIRONMENTS: readonly Environment[] = ['sandbox', 'live'];

export type GrantType = 'authorization_code' | 'client_credentials' | 'refresh_token';
export const GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'client_credentials', 'refresh_token'];

export interface ClientRecord {
  /** The public `client_id`. */
  id: string;
  name: string;
  /** SHA-256 (base64url) of the current secret; null for a public client. */
  secretHash: string | null;
  /** After a rotation with a grace period: the previous secret's hash and until when it still works. */
  previousSecretHash: string | null;
  previousSecretExpiresAt: number | null;
  redirectUris: string[];
  /** Scopes this client may request. */
  scopes: string[];
  grantTypes: GrantType[];
  environment: Environment;
  isPublic: boolean;
  createdAt: number;
  /** The application this client is one environment's credential of; null for a client made by the CLI. */
  appId: string | null;
  /** Set by an admin: a disabled client fails client authentication and its tokens are revoked. */
  disabledAt: number | null;
}

/**
 * An application of the developer portal: owned by one user, with exactly two credentials (clients linked by
 * `appId`), one per environment. Redirect URIs, scopes and grant types are kept on both clients alike.
 */
export interface AppRecord {
  id: string;
  ownerId: string;
  name: string;
  description: string;
  createdAt: number;
  disabledAt: number | null;
}

export interface UserRecord {
  id: string;
  username: string;
  /** argon2id PHC string. */
  passwordHash: string;
  isAdmin: boolean;
  createdAt: number;
}

export interface AuthorizationCodeRecord {
  codeHash: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  /** PKCE (RFC 7636): the S256 challenge, or null when the client sent none. */
  codeChallenge: string | null;
  environment: Environment;
  createdAt: number;
  expiresAt: number;
  /** Set when the code is redeemed; a second redemption is a replay. */
  usedAt: number | null;
  /** The grant the redemption created, so that a replay can revoke it. */
  grantId: string | null;
}

/** A grant is one token family: everything descended from one authorization (or one code redemption). */
export interface GrantRecord {
  id: string;
  clientId: string;
  userId: string | null;
  scopes: string[];
  environment: Environment;
  createdAt: number;
  revokedAt: number | null;
}

export interface RefreshTokenRecord {
  tokenHash: string;
  grantId: string;
  /** May be narrower than the grant's scopes after a narrowing refresh. */
  scopes: string[];
  createdAt: number;
  expiresAt: number;
  /** Set when the token was exchanged for a new one; any later use is reuse. */
  rotatedAt: number | null;
}

export interface ConsentRecord {
  userId: string;
  clientId: string;
  scopes: string[];
  grantedAt: number;
  updatedAt: number;
}

export interface SigningKeyRecord {
  kid: string;
  alg: string;
  /** JSON-serialised private JWK. */
  privateJwk: string;
  /** JSON-serialised public JWK (with kid, alg, use). */
  publicJwk: string;
  createdAt: number;
  /** When a newer key replaced this one for signing; null while it is the active key. */
  retiredAt: number | null;
  /** After this the key is no longer published in JWKS (tokens signed with it have expired). */
  expiresAt: number | null;
}

export type RevocationKind = 'jti' | 'grant' | 'client';

export interface RevocationRecord {
  /** Monotonic sequence assigned by storage, so instances can poll for what is new. */
  seq: number;
  kind: RevocationKind;
  value: string;
  createdAt: number;
  /** After this, no access token it could affect is still valid; the row can be deleted. */
  expiresAt: number;
}

export interface SessionRecord {
  idHash: string;
  /** Null for an anonymous session (it still carries a CSRF token for the login form). */
  userId: string | null;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

/** What failed logins are counted against: the username tried, or the client's address. */
export type LoginAttemptKind = 'account' | 'address';

/** Recent login failures for one username or address (see core/login-throttle.ts for the rules). */
export interface LoginAttemptRecord {
  kind: LoginAttemptKind;
  key: string;
  failures: number;
  /** When the current run of failures began; failures before `windowStart` no longer count. */
  firstFailureAt: number;
  /** Logins are refused until then; null when not locked. */
  lockedUntil: number | null;
}

export type ConsumeOutcome<T> = { outcome: 'consumed'; record: T } | { outcome: 'already_used'; record: T };

export interface ClientRepository {
  create(client: ClientRecord): Promise<void>;
  findById(id: string): Promise<ClientRecord | undefined>;
  list(): Promise<ClientRecord[]>;
  updateSecret(
    id: string,
    secret: { secretHash: string; previousSecretHash: string | null; previousSecretExpiresAt: number | null },
  ): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  /** The clients of one application, sandbox first. */
  listByApp(appId: string): Promise<ClientRecord[]>;
  /** Changes what an application's edit form changes; false when no such client. */
  updateSettings(
    id: string,
    settings: Pick<ClientRecord, 'name' | 'redirectUris' | 'scopes' | 'grantTypes'>,
  ): Promise<boolean>;
  /** Sets (or with null, clears) `disabledAt`; false when no such client. */
  setDisabled(id: string, disabledAt: number | null): Promise<boolean>;
}

export interface AppRepository {
  create(app: AppRecord): Promise<void>;
  findById(id: string): Promise<AppRecord | undefined>;
  /** The user's applications, oldest first. */
  listByOwner(ownerId: string): Promise<AppRecord[]>;
  /** Every application, oldest first (the admin view). */
  listAll(): Promise<AppRecord[]>;
  update(id: string, changes: Pick<AppRecord, 'name' | 'description'>): Promise<boolean>;
  /** Deletes the application and, by cascade, its clients and everything they hold. */
  delete(id: string): Promise<boolean>;
  setDisabled(id: string, disabledAt: number | null): Promise<boolean>;
}

export interface UserRepository {
  /** Rejects with UniqueViolationError when the username is taken. */
  create(user: UserRecord): Promise<void>;
  findById(id: string): Promise<UserRecord | undefined>;
  findByUsername(username: string): Promise<UserRecord | undefined>;
  count(): Promise<number>;
  /** Replaces the password hash; false when no such user. */
  updatePassword(id: string, passwordHash: string): Promise<boolean>;
}

export interface AuthorizationCodeRepository {
  create(code: AuthorizationCodeRecord): Promise<void>;
  findByHash(codeHash: string): Promise<AuthorizationCodeRecord | undefined>;
  /**
   * Atomically marks the code used. Exactly one concurrent caller gets `consumed`; every other (and every
   * later) caller gets `already_used`. Undefined when no such code exists.
   */
  consume(codeHash: string, now: number): Promise<ConsumeOutcome<AuthorizationCodeRecord> | undefined>;
  attachGrant(codeHash: string, grantId: string): Promise<void>;
  deleteExpired(before: number): Promise<number>;
}

export interface GrantRepository {
  create(grant: GrantRecord): Promise<void>;
  findById(id: string): Promise<GrantRecord | undefined>;
  /** Sets revokedAt if not yet set. Returns true if this call revoked it. */
  revoke(id: string, now: number): Promise<boolean>;
  /** Revokes every grant of the client; returns their ids. */
  revokeByClient(clientId: string, now: number): Promise<string[]>;
  /** Revokes every grant of this user for this client; returns their ids. */
  revokeByUserAndClient(userId: string, clientId: string, now: number): Promise<string[]>;
  /** Deletes grants revoked before `before` (their refresh tokens go with them); returns how many. */
  deleteRevokedBefore(before: number): Promise<number>;
}

export interface RefreshTokenRepository {
  create(token: RefreshTokenRecord): Promise<void>;
  findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /** Atomically marks the token rotated; same contract as AuthorizationCodeRepository.consume. */
  rotate(tokenHash: string, now: number): Promise<ConsumeOutcome<RefreshTokenRecord> | undefined>;
  deleteExpired(before: number): Promise<number>;
}

export interface ConsentRepository {
  find(userId: string, clientId: string): Promise<ConsentRecord | undefined>;
  upsert(consent: ConsentRecord): Promise<void>;
  delete(userId: string, clientId: string): Promise<boolean>;
  listByUser(userId: string): Promise<ConsentRecord[]>;
}

export interface SigningKeyRepository {
  create(key: SigningKeyRecord): Promise<void>;
  /** Keys that are still published at `now` (expiresAt null or later than now), newest first. */
  listPublished(now: number): Promise<SigningKeyRecord[]>;
  /** Marks every active key retired at `now`, published until `expiresAt`. */
  retireActive(now: number, expiresAt: number): Promise<number>;
}

export interface RevocationRepository {
  /** Stores the revocation and returns it with its sequence number. */
  add(revocation: Omit<RevocationRecord, 'seq'>): Promise<RevocationRecord>;
  /** Unexpired revocations with seq greater than `afterSeq`, in ascending seq order. */
  listSince(afterSeq: number, now: number): Promise<RevocationRecord[]>;
  deleteExpired(before: number): Promise<number>;
}

export interface SessionRepository {
  create(session: SessionRecord): Promise<void>;
  findByHash(idHash: string): Promise<SessionRecord | undefined>;
  delete(idHash: string): Promise<void>;
  deleteByUser(userId: string): Promise<number>;
  deleteExpired(before: number): Promise<number>;
}

export interface LoginAttemptRepository {
  find(kind: LoginAttemptKind, key: string): Promise<LoginAttemptRecord | undefined>;
  /**
   * Atomically counts one failure and returns the updated record. A run that began before `windowStart`
   * is forgotten: the count restarts at 1 from `now`.
   */
  recordFailure(kind: LoginAttemptKind, key: string, now: number, windowStart: number): Promise<LoginAttemptRecord>;
  /** Locks the key until `until` and clears its failure count (a new run starts after the lock). */
  lock(kind: LoginAttemptKind, key: string, until: number): Promise<void>;
  /** Forgets the key (a successful login). */
  reset(kind: LoginAttemptKind, key: string): Promise<void>;
  /** Takes one failure back (an attempt counted in advance that succeeded); never below zero. */
  forgive(kind: LoginAttemptKind, key: string): Promise<void>;
  /** Deletes rows whose failure run began, and whose lock (if any) ended, before `before`. */
  deleteStale(before: number): Promise<number>;
}

export interface Repositories extends ResourceRepositories {
  clients: ClientRepository;
  apps: AppRepository;
  users: UserRepository;
  codes: AuthorizationCodeRepository;
  grants: GrantRepository;
  refreshTokens: RefreshTokenRepository;
  consents: ConsentRepository;
  keys: SigningKeyRepository;
  revocations: RevocationRepository;
  sessions: SessionRepository;
  loginAttempts: LoginAttemptRepository;
}

export interface Storage extends Repositories {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Runs `work` in one database transaction: all its writes commit together or not at all. A rejection
   * rolls back. Correct under concurrency: two transactions racing on one row see each other's commits.
   */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Thrown by storage when a unique constraint (e.g. username) is violated. */
export class UniqueViolationError extends Error {
  override readonly name = 'UniqueViolationError';
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export interface Random {
  /** A URL-safe random string carrying `bytes` bytes of entropy. */
  token(bytes: number): string;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}
