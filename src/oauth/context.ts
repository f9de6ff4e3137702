import type { ClientCache } from './client-cache.js';
import type { Clock, Environment, OAuthStorage, Random } from './ports.js';
import type { ScopeCatalogue } from './scopes.js';
import type { AccessTokenService } from './tokens/access-token.js';
import type { ClientTokenCache } from './tokens/client-token-cache.js';
import type { KeyRing } from './tokens/keyring.js';
import type { RevocationList } from './tokens/revocation-list.js';

/**
 * The longest access-token lifetime the configuration allows. Revocations and retired keys written by a
 * process that may not share the server's configuration (the CLI) must outlive any token, so they use it.
 */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 86_400;

/** Lifetimes and identity of the authorization server; validated by the config module before it gets here. */
export interface OAuthConfig {
  /** RFC 8414 issuer identifier: an http(s) URL without query or fragment, from configuration only. */
  issuer: string;
  /** The `aud` of access tokens: the API these tokens are for. */
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  authorizationCodeTtlSeconds: number;
  /**
   * The host names the API answers on per environment (e.g. api.sandbox.example.com, api.example.com). A
   * token used on the other environment's host is rejected; with none configured, the token decides.
   */
  environmentHosts: Readonly<Partial<Record<Environment, string>>>;
  /** How long a client record may be served from memory before it is read again. */
  clientCacheTtlMs: number;
  /** For how many seconds after issuing a client-credentials token the same request gets it again. */
  ccTokenReuseSeconds: number;
}

/** Everything a grant or endpoint handler needs, passed explicitly (no globals, so tests can swap any part). */
export interface OAuthContext {
  config: OAuthConfig;
  storage: OAuthStorage;
  /**
   * The one way to read a client by id (cached briefly): authentication, the authorization endpoint and the
   * API all go through it. Invalidate after changing a client.
   */
  clientCache: ClientCache;
  clock: Clock;
  random: Random;
  /** The scopes that exist and what they mean, declared by the APIs the server fronts. */
  scopes: ScopeCatalogue;
  keys: KeyRing;
  revocations: RevocationList;
  accessTokens: AccessTokenService;
  /** Client-credentials tokens reused within a short window (0 s: off). */
  clientTokens: ClientTokenCache;
}
