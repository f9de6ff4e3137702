import type { Environment } from '../oauth/ports.js';
import type { AccessTokenClaims } from '../oauth/tokens/access-token.js';

/**
 * Who a request acts as, whatever credential it came with: what the pipeline's later steps (rate limit,
 * scopes, the data owner, dispatch, usage) read. Today the credential is an OAuth access token; API keys and
 * per-API audiences plug in here without changing the steps after authentication.
 */
export interface Principal {
  kind: 'access_token';
  clientId: string;
  /** The end user the client acts for; null for a client acting for itself (client credentials). */
  userId: string | null;
  scopes: readonly string[];
  environment: Environment;
  /** The API the credential is good for. */
  audience: string;
  /** The credential's id and lifetime (epoch seconds). */
  credential: { id: string; issuedAt: number; expiresAt: number };
}

export function principalOfToken(claims: AccessTokenClaims, audience: string): Principal {
  return {
    kind: 'access_token',
    clientId: claims.clientId,
    userId: claims.userId,
    scopes: claims.scopes,
    environment: claims.environment,
    audience,
    credential: { id: claims.jti, issuedAt: claims.issuedAt, expiresAt: claims.expiresAt },
  };
}
