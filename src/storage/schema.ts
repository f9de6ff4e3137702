/**
 * Kysely table types of the storage layer. Column names are snake_case; the repositories map rows to the
 * camelCase records of `src/core/ports.ts`.
 *
 * Conventions, identical on SQLite and PostgreSQL:
 * - timestamps are epoch milliseconds (`bigint` on PostgreSQL, parsed back to a JS number by the pool);
 * - string arrays (scopes, redirect URIs, grant types) are JSON text;
 * - booleans are integers 0/1.
 */
import type { Generated } from 'kysely';

/** JSON-encoded `string[]`. */
export type JsonStringArray = string;
/** 0 or 1. */
export type IntBoolean = number;
/** Epoch milliseconds. */
export type EpochMillis = number;

export interface ClientsTable {
  id: string;
  name: string;
  secret_hash: string | null;
  previous_secret_hash: string | null;
  previous_secret_expires_at: EpochMillis | null;
  redirect_uris: JsonStringArray;
  scopes: JsonStringArray;
  grant_types: JsonStringArray;
  environment: string;
  is_public: IntBoolean;
  created_at: EpochMillis;
  app_id: string | null;
  disabled_at: EpochMillis | null;
}

export interface AppsTable {
  id: string;
  owner_id: string;
  name: string;
  description: string;
  created_at: EpochMillis;
  disabled_at: EpochMillis | null;
}

export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  is_admin: IntBoolean;
  created_at: EpochMillis;
}

export interface AuthorizationCodesTable {
  code_hash: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  scopes: JsonStringArray;
  code_challenge: string | null;
  environment: string;
  created_at: EpochMillis;
  expires_at: EpochMillis;
  used_at: EpochMillis | null;
  grant_id: string | null;
}

export interface GrantsTable {
  id: string;
  client_id: string;
  user_id: string | null;
  scopes: JsonStringArray;
  environment: string;
  created_at: EpochMillis;
  revoked_at: EpochMillis | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  grant_id: string;
  scopes: JsonStringArray;
  created_at: EpochMillis;
  expires_at: EpochMillis;
  rotated_at: EpochMillis | null;
}

export interface ConsentsTable {
  user_id: string;
  client_id: string;
  scopes: JsonStringArray;
  granted_at: EpochMillis;
  updated_at: EpochMillis;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  private_jwk: string;
  public_jwk: string;
  created_at: EpochMillis;
  retired_at: EpochMillis | null;
  expires_at: EpochMillis | null;
}

export interface RevocationsTable {
  seq: Generated<number>;
  kind: string;
  value: string;
  created_at: EpochMillis;
  expires_at: EpochMillis;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string | null;
  csrf_token: string;
  created_at: EpochMillis;
  expires_at: EpochMillis;
}

export interface LoginAttemptsTable {
  kind: string;
  key: string;
  failures: number;
  first_failure_at: EpochMillis;
  locked_until: EpochMillis | null;
}

export interface ContactsTable {
  id: string;
  owner_id: string;
  environment: string;
  name: string;
  email: string | null;
  phone: string | null;
  language: string | null;
  tags: JsonStringArray;
  created_at: EpochMillis;
  updated_at: EpochMillis;
}

export interface MessagesTable {
  id: string;
  owner_id: string;
  environment: string;
  contact_id: string;
  channel: string;
  body: string;
  status: string;
  created_at: EpochMillis;
  updated_at: EpochMillis;
}

/** A message's status history; `seq` counts from 1 per message. */
export interface MessageEventsTable {
  message_id: string;
  seq: number;
  status: string;
  at: EpochMillis;
  detail: string | null;
}

export interface NewsTable {
  id: string;
  environment: string;
  /** Null for public news. */
  customer_id: string | null;
  lang: string;
  title: string;
  body: string;
  published_at: EpochMillis;
}

export interface IdempotencyKeysTable {
  client_id: string;
  owner_id: string;
  environment: string;
  key: string;
  request_hash: string;
  location: string;
  response_body: string;
  created_at: EpochMillis;
  expires_at: EpochMillis;
}

export interface Database {
  clients: ClientsTable;
  apps: AppsTable;
  users: UsersTable;
  authorization_codes: AuthorizationCodesTable;
  grants: GrantsTable;
  refresh_tokens: RefreshTokensTable;
  consents: ConsentsTable;
  signing_keys: SigningKeysTable;
  revocations: RevocationsTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  contacts: ContactsTable;
  messages: MessagesTable;
  message_events: MessageEventsTable;
  news: NewsTable;
  idempotency_keys: IdempotencyKeysTable;
}

export type SqlDialect = 'sqlite' | 'postgres';
