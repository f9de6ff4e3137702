import { invalidGrant, invalidScope, type OAuthError } from '../errors.js';
import { optionalParam, requiredParam } from '../params.js';
import type { ClientRecord, GrantRecord, OAuthRepositories } from '../ports.js';
import { formatScope, isSubset, parseScope } from '../scopes.js';
import { hashSecret } from '../secrets.js';
import { createRefreshToken, type FamilyGrantUses, revokeFamily } from '../tokens/families.js';
import type { GrantHandler } from './grant.js';

type Rotation =
  | { ok: true; grant: GrantRecord; scopes: string[]; refreshToken: string }
  | { ok: false; error: OAuthError };

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): every refresh returns a new refresh token and kills the old
 * one at once; presenting a dead one revokes the whole family, since either the client or an attacker holds
 * a copy it should not.
 */
export const refreshTokenGrant: GrantHandler<FamilyGrantUses> = {
  grantType: 'refresh_token',
  async handle(ctx, client, params) {
    const presented = requiredParam(params, 'refresh_token');
    const scopeParam = optionalParam(params, 'scope');
    const requestedScopes = scopeParam === undefined ? undefined : parseScope(scopeParam);
    if (scopeParam !== undefined && requestedScopes === undefined)
      throw invalidScope('The scope parameter is malformed');

    const tokenHash = hashSecret(presented);
    const rotation = await ctx.storage.transaction((tx) => rotate(ctx, tx, client, tokenHash, requestedScopes));
    if (!rotation.ok) throw rotation.error;

    const { grant, scopes, refreshToken } = rotation;
    const { token, expiresIn } = await ctx.accessTokens.issue({
      clientId: client.id,
      userId: grant.userId,
      scopes,
      environment: grant.environment,
      grantId: grant.id,
    });
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: expiresIn,
      refresh_token: refreshToken,
      scope: formatScope(scopes),
    };
  },
};

async function rotate(
  ctx: FamilyGrantUses,
  tx: OAuthRepositories,
  client: ClientRecord,
  tokenHash: string,
  requestedScopes: string[] | undefined,
): Promise<Rotation> {
  const now = ctx.clock.now();
  const existing = await tx.refreshTokens.findByHash(tokenHash);
  if (existing === undefined) return fail('The refresh token is invalid');
  const grant = await tx.grants.findById(existing.grantId);
  // RFC 6749 §6: the refresh token must have been issued to the authenticated client. Checked before the
  // token is consumed, so another client cannot burn it.
  if (grant === undefined || grant.clientId !== client.id) return fail('The refresh token is invalid');
  if (grant.revokedAt !== null) return fail('The refresh token was revoked');
  // Checks that do not depend on the race come before the token is consumed, so that a refused request
  // (e.g. a too-wide scope) leaves the client's refresh token usable.
  if (existing.rotatedAt === null) {
    if (existing.expiresAt <= now) return fail('The refresh token expired');
    // RFC 6749 §6: the scope may be narrowed, never widened beyond what the resource owner granted.
    if (requestedScopes !== undefined && !isSubset(requestedScopes, grant.scopes)) {
      return { ok: false, error: invalidScope('The requested scope exceeds the scope originally granted') };
    }
  }

  const consumed = await tx.refreshTokens.rotate(tokenHash, now);
  if (consumed === undefined) return fail('The refresh token is invalid');
  if (consumed.outcome === 'already_used') {
    await revokeFamily(ctx, tx, grant.id);
    return fail('The refresh token was already used; every token of this authorization is now revoked', 'reuse');
  }
  // RFC 6749 §6: an omitted scope means the scope originally granted, even after a narrowing refresh.
  const scopes = requestedScopes ?? grant.scopes;
  const refreshToken = await createRefreshToken(ctx, tx, grant.id, scopes);
  return { ok: true, grant, scopes, refreshToken };
}

function fail(description: string, detail?: string): Rotation {
  return { ok: false, error: invalidGrant(description, detail === undefined ? {} : { detail }) };
}
