/**
 * The ports of the OAuth protocol: the records it keeps and the interfaces through which it keeps them.
 * Nothing here knows about HTTP or SQL, nor about the portal or the APIs (they have ports of their own). Times are epoch milliseconds; scopes are arrays of scope tokens.
 * Secrets (client secrets, codes, refresh tokens, session ids) are only ever stored as hashes.
 */

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

/** The repositories the protocol works with. */
export interface OAuthRepositories {
  clients: ClientRepository;
  codes: AuthorizationCodeRepository;
  grants: GrantRepository;
  refreshTokens: RefreshTokenRepository;
  consents: ConsentRepository;
  keys: SigningKeyRepository;
  revocations: RevocationRepository;
}

/**
 * Repositories `R` that can run work in one database transaction: all its writes commit together or not at
 * all; a rejection rolls back. Correct under concurrency: two transactions racing on one row see each other's
 * commits. Each product names the repositories it needs; the storage implements them all.
 */
export type Transactional<R> = R & {
  transaction<T>(work: (tx: R) => Promise<T>): Promise<T>;
};

export type OAuthStorage = Transactional<OAuthRepositories>;

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
