import type { OAuthContext } from '../context.js';
import type { GrantRecord, RefreshTokenRecord } from '../ports.js';
import { hashSecret } from '../secrets.js';
import type { AccessTokenClaims } from './access-token.js';
import { REFRESH_TOKEN_PREFIX } from './families.js';

export type FoundToken =
  | { kind: 'access_token'; claims: AccessTokenClaims; active: boolean }
  | { kind: 'refresh_token'; record: RefreshTokenRecord; grant: GrantRecord; active: boolean };

/**
 * Finds what a presented token is, for revocation and introspection: a refresh token of ours (by hash) or
 * an access token we signed (expired or revoked ones included, with `active` false). The hint only decides
 * which kind is tried first (RFC 7009 §2.1).
 */
export async function findToken(
  ctx: OAuthContext,
  token: string,
  hint: string | undefined,
): Promise<FoundToken | undefined> {
  const lookups = [findRefreshToken, findAccessToken];
  if (hint === 'access_token' || (hint === undefined && !token.startsWith(REFRESH_TOKEN_PREFIX))) lookups.reverse();
  for (const lookup of lookups) {
    const found = await lookup(ctx, token);
    if (found !== undefined) return found;
  }
  return undefined;
}

async function findRefreshToken(ctx: OAuthContext, token: string): Promise<FoundToken | undefined> {
  const record = await ctx.storage.refreshTokens.findByHash(hashSecret(token));
  if (record === undefined) return undefined;
  const grant = await ctx.storage.grants.findById(record.grantId);
  if (grant === undefined) return undefined;
  const active = record.rotatedAt === null && record.expiresAt > ctx.clock.now() && grant.revokedAt === null;
  return { kind: 'refresh_token', record, grant, active };
}

async function findAccessToken(ctx: OAuthContext, token: string): Promise<FoundToken | undefined> {
  const claims = await ctx.accessTokens.inspect(token);
  if (claims === undefined) return undefined;
  return { kind: 'access_token', claims, active: ctx.accessTokens.isActive(claims) };
}
