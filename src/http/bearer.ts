import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { CoreContext } from '../core/context.js';
import { OAuthError } from '../core/errors.js';
import { isSubset } from '../core/scopes.js';
import type { AccessTokenClaims } from '../core/tokens/access-token.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the bearer guard on protected routes. */
    token?: AccessTokenClaims;
  }
}

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * A preHandler that admits a request only with a valid bearer access token carrying every scope in
 * `requiredScopes` (RFC 6750 §3.1: 401 invalid_token, 403 insufficient_scope).
 */
export function requireBearer(ctx: CoreContext, requiredScopes: readonly string[] = []): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    const match = header === undefined ? null : BEARER.exec(header);
    if (match === null && header !== undefined && /^Bearer(\s|$)/i.test(header)) {
      // RFC 6750 §3.1: a malformed request is 400 invalid_request.
      void reply.header('www-authenticate', 'Bearer realm="flexgate", error="invalid_request"');
      throw new OAuthError('invalid_request', 'The Authorization header must be "Bearer <access_token>"', {
        status: 400,
      });
    }
    if (match === null) {
      // RFC 6750 §3.1: a request without credentials gets a bare challenge, without an error code.
      void reply.header('www-authenticate', 'Bearer realm="flexgate"');
      throw new OAuthError(
        'invalid_token',
        'This endpoint needs a bearer token: Authorization: Bearer <access_token>',
        {
          status: 401,
          detail: header === undefined ? 'no authorization header' : 'not a bearer authorization header',
        },
      );
    }
    const claims = await ctx.accessTokens.verify(match[1] ?? '');
    if (!isSubset(requiredScopes, claims.scopes)) {
      const scope = requiredScopes.join(' ');
      throw new OAuthError('insufficient_scope', `This endpoint needs the scope: ${scope}`, { scope });
    }
    request.token = claims;
  };
}
