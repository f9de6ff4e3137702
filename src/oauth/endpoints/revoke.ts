import type { OAuthContext } from '../context.js';
import { OAuthError } from '../errors.js';
import { optionalParam, requiredParam } from '../params.js';
import { revokeFamily } from '../tokens/families.js';
import { findToken } from '../tokens/lookup.js';
import { authenticateRequestClient, type ClientAuthenticatedRequest } from './client-request.js';

const TOKEN_TYPE_HINTS = new Set(['access_token', 'refresh_token']);

/**
 * RFC 7009 token revocation. Revoking a refresh token revokes its whole grant, access tokens included
 * (§2.1 "SHOULD"). An unknown token, or another client's, gets the same 200 as success (§2.2), so the
 * endpoint reveals nothing about tokens the caller does not own.
 */
export async function handleRevocationRequest(ctx: OAuthContext, request: ClientAuthenticatedRequest): Promise<void> {
  const { client } = await authenticateRequestClient(ctx, request);
  const token = requiredParam(request.params, 'token');
  const hint = optionalParam(request.params, 'token_type_hint');
  if (hint !== undefined && !TOKEN_TYPE_HINTS.has(hint)) {
    throw new OAuthError('unsupported_token_type', `token_type_hint ${hint} is not supported`);
  }
  const found = await findToken(ctx, token, hint);
  if (found === undefined) return;
  if (found.kind === 'refresh_token') {
    if (found.grant.clientId !== client.id) return;
    await ctx.storage.transaction((tx) => revokeFamily(ctx, tx, found.grant.id));
    return;
  }
  if (found.claims.clientId !== client.id || !found.active) return;
  await ctx.revocations.revoke('jti', found.claims.jti, found.claims.expiresAt * 1000);
}
