import type { OAuthContext } from '../context.js';
import { invalidScope, OAuthError } from '../errors.js';
import { optionalParam } from '../params.js';
import { formatScope, isSubset, parseScope } from '../scopes.js';
import { ClientTokenCache } from '../tokens/client-token-cache.js';
import type { GrantHandler } from './grant.js';

/** RFC 6749 §4.4: the client acts on its own behalf; no user, no refresh token. */
export const clientCredentialsGrant: GrantHandler<
  Pick<OAuthContext, 'accessTokens' | 'clientTokens' | 'clock' | 'keys'>
> = {
  grantType: 'client_credentials',
  async handle(ctx, client, params) {
    // RFC 6749 §4.4: the client credentials grant MUST only be used by confidential clients.
    if (client.isPublic) {
      throw new OAuthError('unauthorized_client', 'A public client cannot use the client_credentials grant');
    }
    const requested = optionalParam(params, 'scope');
    const scopes = requested === undefined ? client.scopes : parseScope(requested);
    if (scopes === undefined) throw invalidScope('The scope parameter is malformed');
    if (!isSubset(scopes, client.scopes)) {
      throw invalidScope('The requested scope exceeds the scopes registered for this client');
    }
    const scope = formatScope(scopes);
    const cacheKey = ClientTokenCache.key(client.id, scopes, client.environment, ctx.keys.signingKey().kid);
    const cached = ctx.clientTokens.find(cacheKey);
    if (cached !== undefined) {
      const expiresIn = cached.expiresAt - Math.floor(ctx.clock.now() / 1000);
      return { access_token: cached.token, token_type: 'Bearer', expires_in: expiresIn, scope };
    }
    const issued = await ctx.accessTokens.issue({
      clientId: client.id,
      userId: null,
      scopes,
      environment: client.environment,
    });
    ctx.clientTokens.remember(cacheKey, {
      token: issued.token,
      jti: issued.jti,
      clientId: client.id,
      issuedAt: issued.issuedAt,
      expiresAt: issued.issuedAt + issued.expiresIn,
    });
    return { access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn, scope };
  },
};
