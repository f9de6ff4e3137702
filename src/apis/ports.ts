/**
 * The ports of the API pipeline: what every API request may need from storage whatever API it is for
 * (today: the Idempotency-Key records), and the repositories of the in-process example API.
 */
import type { Environment, OAuthRepositories, Transactional } from '../oauth/ports.js';
import type { ExampleRepositories } from './example/ports.js';

/**
 * Whose key space an `Idempotency-Key` lives in: the client, the data owner and the environment. Two clients
 * may use the same key, and so may two users of one client (authorization-code tokens): a key never
 * answers with another owner's resource.
 */
export interface IdempotencyScope {
  clientId: string;
  /** The `DataScope` owner of the request. */
  ownerId: string;
  environment: Environment;
}

/** What a create with an `Idempotency-Key` produced, kept so that a repeat gets the same answer. */
export interface IdempotencyRecord extends IdempotencyScope {
  key: string;
  /** SHA-256 of method, path and canonical body: a repeat with another body is refused (422). */
  requestHash: string;
  /** The created resource's `Location`. */
  location: string;
  /** The JSON body of the first response. */
  responseBody: string;
  createdAt: number;
  expiresAt: number;
}

export interface IdempotencyRepository {
  /** Throws `UniqueViolationError` when a live record of (clientId, ownerId, environment, key) exists already. */
  insert(record: IdempotencyRecord): Promise<void>;
  /** The live record (not expired at `now`) of `key` in `scope`, if any. */
  find(scope: IdempotencyScope, key: string, now: number): Promise<IdempotencyRecord | undefined>;
  deleteExpired(now: number): Promise<number>;
}

export interface ApiRepositories extends OAuthRepositories, ExampleRepositories {
  idempotencyKeys: IdempotencyRepository;
}

export type ApiStorage = Transactional<ApiRepositories>;
