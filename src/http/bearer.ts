import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
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
export function requireBearer(ctx: CoreContext, requiredScopes: readonly string[] = []): preHandlerHookHandler {
  const admit = (request: FastifyRequest, claims: AccessTokenClaims) => {
    if (!isSubset(requiredScopes, claims.scopes)) {
      const scope = requiredScopes.join(' ');
      throw new OAuthError('insufficient_scope', `This endpoint needs the scope: ${scope}`, { scope });
    }
    request.token = claims;
  };
  // Callback style, so that a token verified before costs no promise: this runs on every API request.
  return (request, reply, done) => {
    try {
      const token = bearerToken(request, reply);
      const cached = ctx.accessTokens.verifyCached(token);
      if (cached !== undefined) {
        admit(request, cached);
        done();
        return;
      }
      ctx.accessTokens
        .verify(token)
        .then((claims) => admit(request, claims))
        .then(() => done(), done);
    } catch (error) {
      done(error as Error);
    }
  };
}

/** The access token of an `Authorization: Bearer` header (RFC 6750 §2.1); throws the matching error. */
function bearerToken(request: FastifyRequest, reply: FastifyReply): string {
  const header = request.headers.authorization;
  const match = header === undefined ? null : BEARER.exec(header);
  if (match !== null) return match[1] ?? '';
  if (header !== undefined && /^Bearer(\s|$)/i.test(header)) {
    // RFC 6750 §3.1: a malformed request is 400 invalid_request.
    void reply.header('www-authenticate', 'Bearer realm="flexgate", error="invalid_request"');
    throw new OAuthError('invalid_request', 'The Authorization header must be "Bearer <access_token>"', {
      status: 400,
    });
  }
  // RFC 6750 §3.1: a request without credentials gets a bare challenge, without an error code.
  void reply.header('www-authenticate', 'Bearer realm="flexgate"');
  throw new OAuthError('invalid_token', 'This endpoint needs a bearer token: Authorization: Bearer <access_token>', {
    status: 401,
    detail: header === undefined ? 'no authorization header' : 'not a bearer authorization header',
  });
}
