import { type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
import { OAuthError } from '../errors.js';
import type { Clock, Environment, Random } from '../ports.js';
import { formatScope } from '../scopes.js';
import { type KeyRing, VERIFIABLE_ALGS } from './keyring.js';
import type { RevocationList } from './revocation-list.js';

/** What a verified access token says, in the core's terms. */
export interface AccessTokenClaims {
  jti: string;
  subject: string;
  clientId: string;
  userId: string | null;
  scopes: string[];
  environment: Environment;
  /** The token family (grant) for tokens issued with a refresh token; absent for client credentials. */
  grantId: string | undefined;
  issuedAt: number;
  /** Epoch seconds. */
  expiresAt: number;
}

export interface IssueAccessTokenInput {
  clientId: string;
  userId: string | null;
  scopes: string[];
  environment: Environment;
  grantId?: string | undefined;
}

export interface AccessTokenServiceOptions {
  issuer: string;
  audience: string;
  ttlSeconds: number;
  /** How many verified tokens to remember (verification is the expensive part of a bearer request). */
  cacheSize?: number;
}

/**
 * RFC 9068 JWT access tokens. Verified tokens are cached by their string until they expire, so a bearer
 * request costs a Map lookup and a revocation check rather than a signature verification.
 */
export class AccessTokenService {
  private readonly verified = new Map<string, AccessTokenClaims>();
  private readonly cacheSize: number;

  constructor(
    private readonly options: AccessTokenServiceOptions,
    private readonly keys: KeyRing,
    private readonly revocations: RevocationList,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {
    this.cacheSize = options.cacheSize ?? 10_000;
  }

  get ttlSeconds(): number {
    return this.options.ttlSeconds;
  }

  /**
   * Signs a compact JWS with node:crypto. jose verifies these tokens like any other; signing by hand skips
   * WebCrypto's promise round trip on the token endpoint's hot path.
   */
  async issue(
    input: IssueAccessTokenInput,
  ): Promise<{ token: string; expiresIn: number; jti: string; issuedAt: number }> {
    const { signer, encodedHeader } = this.keys.signingKey();
    const issuedAt = Math.floor(this.clock.now() / 1000);
    const jti = this.random.token(16);
    const claims: JWTPayload = {
      iss: this.options.issuer,
      // RFC 9068 §2.2: sub is the user, or the client itself when no user is involved.
      sub: input.userId ?? input.clientId,
      aud: this.options.audience,
      client_id: input.clientId,
      scope: formatScope(input.scopes),
      env: input.environment,
      jti,
      iat: issuedAt,
      exp: issuedAt + this.options.ttlSeconds,
    };
    if (input.grantId !== undefined) claims.gid = input.grantId;
    const signingInput = `${encodedHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const signature = (await signer(Buffer.from(signingInput))).toString('base64url');
    return { token: `${signingInput}.${signature}`, expiresIn: this.options.ttlSeconds, jti, issuedAt };
  }

  /** Verifies signature, type, issuer, audience, expiry and revocation. Throws OAuthError invalid_token. */
  async verify(token: string): Promise<AccessTokenClaims> {
    const cached = this.verifyCached(token);
    if (cached !== undefined) return cached;
    const claims = await this.verifySignature(token, false);
    this.remember(token, claims);
    return this.checkLive(token, claims);
  }

  /**
   * The synchronous fast path: the claims of a token whose signature was verified before (still checking
   * expiry and revocation), or undefined when it must be verified in full.
   */
  verifyCached(token: string): AccessTokenClaims | undefined {
    const claims = this.verified.get(token);
    return claims === undefined ? undefined : this.checkLive(token, claims);
  }

  private checkLive(token: string, claims: AccessTokenClaims): AccessTokenClaims {
    if (claims.expiresAt <= this.clock.now() / 1000) {
      this.verified.delete(token);
      throw invalidToken('The access token expired');
    }
    if (this.revocations.isRevoked(claims)) throw invalidToken('The access token was revoked');
    return claims;
  }

  /**
   * The claims of a token this server signed, even if it expired or was revoked; undefined for anything
   * else. For revocation and introspection, which must recognise their own tokens in any state.
   */
  async inspect(token: string): Promise<AccessTokenClaims | undefined> {
    try {
      return this.verified.get(token) ?? (await this.verifySignature(token, true));
    } catch (error) {
      if (error instanceof OAuthError) return undefined;
      throw error;
    }
  }

  isActive(claims: AccessTokenClaims): boolean {
    return claims.expiresAt > this.clock.now() / 1000 && !this.revocations.isRevoked(claims);
  }

  private async verifySignature(token: string, allowExpired: boolean): Promise<AccessTokenClaims> {
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          const key = header.kid === undefined ? undefined : this.keys.verificationKey(header.kid);
          if (key === undefined) throw new joseErrors.JWKSNoMatchingKey();
          return key;
        },
        {
          algorithms: VERIFIABLE_ALGS,
          typ: 'at+jwt',
          issuer: this.options.issuer,
          audience: this.options.audience,
          currentDate: new Date(allowExpired ? 0 : this.clock.now()),
          requiredClaims: ['jti', 'sub', 'client_id', 'exp', 'iat'],
        },
      );
      return toClaims(payload);
    } catch (error) {
      if (error instanceof OAuthError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw invalidToken('The access token expired');
      throw invalidToken('The access token is malformed or its signature is invalid');
    }
  }

  private remember(token: string, claims: AccessTokenClaims): void {
    // A Map iterates in insertion order: dropping the first entry drops the oldest one.
    if (this.verified.size >= this.cacheSize) {
      const oldest = this.verified.keys().next();
      if (oldest.done !== true) this.verified.delete(oldest.value);
    }
    this.verified.set(token, claims);
  }
}

function toClaims(payload: JWTPayload): AccessTokenClaims {
  const { jti, sub, client_id: clientId, scope, env, gid, iat, exp } = payload;
  if (
    typeof jti !== 'string' ||
    typeof sub !== 'string' ||
    typeof clientId !== 'string' ||
    typeof scope !== 'string' ||
    (env !== 'sandbox' && env !== 'live') ||
    typeof iat !== 'number' ||
    typeof exp !== 'number' ||
    (gid !== undefined && typeof gid !== 'string')
  ) {
    throw invalidToken('The access token is missing required claims');
  }
  return {
    jti,
    subject: sub,
    clientId,
    // Every token issued for a user belongs to a grant; client-credentials tokens have none.
    userId: gid === undefined ? null : sub,
    scopes: scope === '' ? [] : scope.split(' '),
    environment: env,
    grantId: gid,
    issuedAt: iat,
    expiresAt: exp,
  };
}

export const invalidToken = (description: string) => new OAuthError('invalid_token', description);
