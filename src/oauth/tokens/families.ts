import type { OAuthContext } from '../context.js';
import type { OAuthRepositories } from '../ports.js';
import { hashSecret } from '../secrets.js';

/** What issuing and revoking a family's tokens uses of the context. */
export type FamilyUses = Pick<OAuthContext, 'clock' | 'config' | 'random' | 'revocations'>;

/** What a grant that issues a family's tokens (authorization code, refresh token) uses of the context. */
export type FamilyGrantUses = FamilyUses & Pick<OAuthContext, 'accessTokens' | 'storage'>;

/** Refresh tokens carry a recognisable prefix so that secret scanners can spot a leaked one. */
export const REFRESH_TOKEN_PREFIX = 'fgr_';

/** Creates a refresh token in `grantId`'s family; returns the raw token (stored only as its hash). */
export async function createRefreshToken(
  ctx: FamilyUses,
  repos: OAuthRepositories,
  grantId: string,
  scopes: string[],
): Promise<string> {
  const token = REFRESH_TOKEN_PREFIX + ctx.random.token(32);
  const now = ctx.clock.now();
  await repos.refreshTokens.create({
    tokenHash: hashSecret(token),
    grantId,
    scopes,
    createdAt: now,
    expiresAt: now + ctx.config.refreshTokenTtlSeconds * 1000,
    rotatedAt: null,
  });
  return token;
}

/**
 * Kills a whole token family: its refresh tokens (through the grant) and its access tokens (through a
 * revocation entry that lives as long as any access token of the family could).
 */
export async function revokeFamily(ctx: FamilyUses, repos: OAuthRepositories, grantId: string): Promise<void> {
  const now = ctx.clock.now();
  await repos.grants.revoke(grantId, now);
  await ctx.revocations.revoke('grant', grantId, now + ctx.config.accessTokenTtlSeconds * 1000, repos);
}
