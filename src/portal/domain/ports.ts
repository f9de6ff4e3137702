/**
 * The portal's records and repositories: accounts, applications, browser sessions and login counters. Like
 * the protocol's ports, nothing here knows HTTP or SQL; the OAuth records (clients, grants…) stay in
 * oauth/ports.ts, and the portal works on them through the same storage.
 */
import type { OAuthRepositories, Transactional } from '../../oauth/ports.js';

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

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export interface PortalRepositories extends OAuthRepositories {
  apps: AppRepository;
  users: UserRepository;
  sessions: SessionRepository;
  loginAttempts: LoginAttemptRepository;
}

export type PortalStorage = Transactional<PortalRepositories>;
