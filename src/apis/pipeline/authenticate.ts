import type { FastifyRequest } from 'fastify';
import { OAuthError } from '../../oauth/errors.js';
import type { Environment } from '../../oauth/ports.js';
import { isSubset } from '../../oauth/scopes.js';
import type { AccessTokenClaims } from '../../oauth/tokens/access-token.js';
import type { ApiContext } from '../context.js';
import { type Principal, principalOfToken } from '../principal.js';

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** The pipeline's first step: who the request acts as; see `authenticator`. */
export type Authenticator = (request: FastifyRequest) => Principal | Promise<Principal>;

/**
 * Verifies the request's bearer token (RFC 6750), checked against the environment's host, and yields its
 * principal. Returns synchronously when the token was verified before (the common case on a busy API);
 * throws or rejects with the RFC 6750 error otherwise, which carries its WWW-Authenticate challenge.
 */
export function authenticator(ctx: ApiContext): Authenticator {
  const hosts = Object.entries(ctx.config.environmentHosts) as [Environment, string][];
  const { audience } = ctx.config;
  const admit = (request: FastifyRequest, claims: AccessTokenClaims) => {
    checkEnvironmentHost(hosts, request, claims.environment);
    return principalOfToken(claims, audience);
  };
  return (request) => {
    const token = bearerToken(request);
    const cached = ctx.accessTokens.verifyCached(token);
    if (cached !== undefined) return admit(request, cached);
    return ctx.accessTokens.verify(token).then((claims) => admit(request, claims));
  };
}

/** RFC 6750 §3.1: a principal without every scope in `requiredScopes` gets 403 insufficient_scope. */
export function checkScopes(principal: Principal, requiredScopes: readonly string[]): void {
  if (isSubset(requiredScopes, principal.scopes)) return;
  const scope = requiredScopes.join(' ');
  throw new OAuthError('insufficient_scope', `This endpoint needs the scope: ${scope}`, { scope });
}

/** The access token of an `Authorization: Bearer` header (RFC 6750 §2.1); throws the matching error. */
function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = header === undefined ? null : BEARER.exec(header);
  if (match !== null) return match[1] ?? '';
  if (header !== undefined && /^Bearer(\s|$)/i.test(header)) {
    // RFC 6750 §3.1: a malformed request is 400 invalid_request.
    throw new OAuthError('invalid_request', 'The Authorization header must be "Bearer <access_token>"', {
      status: 400,
      challenge: 'Bearer realm="flexgate", error="invalid_request"',
    });
  }
  // RFC 6750 §3.1: a request without credentials gets a bare challenge, without an error code.
  throw new OAuthError('invalid_token', 'This endpoint needs a bearer token: Authorization: Bearer <access_token>', {
    status: 401,
    detail: header === undefined ? 'no authorization header' : 'not a bearer authorization header',
    challenge: 'Bearer realm="flexgate"',
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
