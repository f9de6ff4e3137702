import type { FlexgateContext } from './context.js';
import { MAX_ACCESS_TOKEN_TTL_SECONDS } from './oauth/context.js';
import { staleLoginAttemptsBefore } from './portal/domain/login-throttle.js';

/**
 * Deletes what nothing can use any more: expired codes, refresh tokens, sessions and revocations, login
 * counters past every rule's window, expired idempotency keys, and grants revoked longer ago than any access token can live (their
 * refresh tokens go with them).
 */
export async function purgeExpired(ctx: FlexgateContext): Promise<void> {
  const now = ctx.clock.now();
  await Promise.all([
    ctx.storage.codes.deleteExpired(now),
    ctx.storage.refreshTokens.deleteExpired(now),
    ctx.storage.sessions.deleteExpired(now),
    ctx.storage.revocations.deleteExpired(now),
    ctx.storage.loginAttempts.deleteStale(staleLoginAttemptsBefore(now)),
    ctx.storage.grants.deleteRevokedBefore(now - MAX_ACCESS_TOKEN_TTL_SECONDS * 1000),
    ctx.storage.idempotencyKeys.deleteExpired(now),
  ]);
}
