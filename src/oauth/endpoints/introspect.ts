import type { OAuthContext } from '../context.js';
import { OAuthError } from '../errors.js';
import { optionalParam, requiredParam } from '../params.js';
import { formatScope } from '../scopes.js';
import { findToken } from '../tokens/lookup.js';
import { authenticateRequestClient, type ClientAuthenticatedRequest } from './client-request.js';

/** RFC 7662 §2.2 introspection response. */
export type IntrospectionResponse = { active: false } | ({ active: true } & Record<string, string | number | boolean>);

/**
 * RFC 7662 token introspection. A client may introspect only tokens issued to it: for anything else the
 * answer is `{ active: false }` (§2.2 lets the server decide, and this reveals nothing about other clients).
 */
export async function handleIntrospectionRequest(
  ctx: OAuthContext,
  request: ClientAuthenticatedRequest,
): Promise<IntrospectionResponse> {
  const { client, method } = await authenticateRequestClient(ctx, request);
  // RFC 7662 §2.1: the caller must be authorized to introspect; a public client proves nothing about itself.
  if (method === 'none') {
    throw new OAuthError('invalid_client', 'Introspection needs client authentication: public clients cannot use it');
  }
  const token = requiredParam(request.params, 'token');
  const found = await findToken(ctx, token, optionalParam(request.params, 'token_type_hint'));
  if (found === undefined || !found.active) return { active: false };

  if (found.kind === 'access_token') {
    const { claims } = found;
    if (claims.clientId !== client.id) return { active: false };
    return {
      active: true,
      token_type: 'Bearer',
      scope: formatScope(claims.scopes),
      client_id: claims.clientId,
      sub: claims.subject,
      iss: ctx.config.issuer,
      aud: ctx.config.audience,
      jti: claims.jti,
      iat: claims.issuedAt,
      exp: claims.expiresAt,
      env: claims.environment,
    };
  }
  const { record, grant } = found;
  if (grant.clientId !== client.id) return { active: false };
  return {
    active: true,
    token_type: 'refresh_token',
    scope: formatScope(record.scopes),
    client_id: grant.clientId,
    ...(grant.userId === null ? {} : { sub: grant.userId }),
    iss: ctx.config.issuer,
    iat: Math.floor(record.createdAt / 1000),
    exp: Math.floor(record.expiresAt / 1000),
    env: grant.environment,
  };
}
