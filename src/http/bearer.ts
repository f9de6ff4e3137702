import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { CoreContext } from '../core/context.js';
import { OAuthError } from '../core/errors.js';
import type { Environment } from '../core/ports.js';
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
 * The verified claims of the request's bearer token (RFC 6750), checked against the environment's host.
 * Returns synchronously when the token was verified before (the common case on a busy API); throws or
 * rejects with the RFC 6750 error otherwise, having set the matching WWW-Authenticate challenge.
 */
export function authenticateBearer(
  ctx: CoreContext,
  request: FastifyRequest,
  reply: FastifyReply,
): AccessTokenClaims | Promise<AccessTokenClaims> {
  const hosts = Object.entries(ctx.config.environmentHosts) as [Environment, string][];
  const token = bearerToken(request, reply);
  const cached = ctx.accessTokens.verifyCached(token);
  if (cached !== undefined) {
    checkEnvironmentHost(hosts, request, cached.environment);
    return cached;
  }
  return ctx.accessTokens.verify(token).then((claims) => {
    checkEnvironmentHost(hosts, request, claims.environment);
    return claims;
  });
}

/** RFC 6750 §3.1: a token without every scope in `requiredScopes` gets 403 insufficient_scope. */
export function checkScopes(claims: AccessTokenClaims, requiredScopes: readonly string[]): void {
  if (isSubset(requiredScopes, claims.scopes)) return;
  const scope = requiredScopes.join(' ');
  throw new OAuthError('insufficient_scope', `This endpoint needs the scope: ${scope}`, { scope });
}

/**
 * A preHandler that admits a request only with a valid bearer access token carrying every scope in
 * `requiredScopes` (RFC 6750 §3.1: 401 invalid_token, 403 insufficient_scope).
 */
export function requireBearer(ctx: CoreContext, requiredScopes: readonly string[] = []): preHandlerHookHandler {
  const admit = (request: FastifyRequest, claims: AccessTokenClaims) => {
    checkScopes(claims, requiredScopes);
    request.token = claims;
  };
  // Callback style, so that a token verified before costs no promise: this runs on every API request.
  return (request, reply, done) => {
    try {
      const claims = authenticateBearer(ctx, request, reply);
      if (!(claims instanceof Promise)) {
        admit(request, claims);
        done();
        return;
      }
      claims.then((verified) => admit(request, verified)).then(() => done(), done);
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

/**
 * With per-environment host names configured, a token is only good on its own environment's host: a
 * sandbox token sent to the live API (or the reverse) is refused, so it can never touch the other's data.
 */
function checkEnvironmentHost(
  hosts: readonly [Environment, string][],
  request: FastifyRequest,
  tokenEnvironment: Environment,
): void {
  if (hosts.length === 0) return;
  const requestHost = request.host.toLowerCase();
  const requestHostname = request.hostname.toLowerCase();
  const hostEnvironment = hosts.find(([, host]) => host === (host.includes(':') ? requestHost : requestHostname))?.[0];
  if (hostEnvironment === undefined || hostEnvironment === tokenEnvironment) return;
  const home = homeHost(hosts, tokenEnvironment);
  throw new OAuthError(
    'invalid_token',
    `This is a ${tokenEnvironment} token and this is the ${hostEnvironment} API` +
      (home === undefined ? '' : `: call ${home} instead`),
  );
}

const homeHost = (hosts: readonly [Environment, string][], environment: Environment) =>
  hosts.find(([candidate]) => candidate === environment)?.[1];
