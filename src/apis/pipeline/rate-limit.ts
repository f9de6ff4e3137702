import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import type { Principal } from '../principal.js';
import type { RateLimitDecision, RateLimiter } from '../rate-limiter.js';

/**
 * Counts the request against its client's rate limit, or its address's when it has no valid credential, so
 * that every response carries the rate-limit headers and a flood of bad tokens is limited too. Throws (or
 * rejects) with 429 when the budget is spent; synchronous for an in-process limiter.
 */
export function limitRequest(
  limiter: RateLimiter,
  principal: Principal | undefined,
  request: FastifyRequest,
  reply: FastifyReply,
): void | Promise<void> {
  if (limiter.policy.limit === 0) return;
  const key = rateLimitKey(principal, request.ip);
  const apply = (decision: RateLimitDecision) => {
    setRateLimitHeaders(reply, decision, limiter.policy.windowSeconds);
    if (decision.allowed) return;
    void reply.header('retry-after', String(decision.resetSeconds));
    throw new ApiError(
      429,
      'rate_limited',
      `Too many requests: the limit is ${decision.limit} per ${limiter.policy.windowSeconds} s; retry after ${decision.resetSeconds} s`,
    );
  };
  if (limiter.consumeNow !== undefined) return apply(limiter.consumeNow(key));
  return limiter.consume(key).then(apply);
}

/**
 * Whose budget a request spends: a client acting for itself its client's; a user's request that user's
 * within the client (one busy user of a popular app must not exhaust every other user's budget); a request
 * without a valid credential its address's.
 */
function rateLimitKey(principal: Principal | undefined, ip: string): string {
  if (principal === undefined) return `ip:${ip}`;
  const { clientId, userId } = principal;
  return userId === null ? `client:${clientId}` : `client:${clientId}:user:${userId}`;
}

/** draft-ietf-httpapi-ratelimit-headers: the policy, and what is left of the current window. */
function setRateLimitHeaders(reply: FastifyReply, decision: RateLimitDecision, windowSeconds: number): void {
  void reply
    .header('ratelimit-policy', `${decision.limit};w=${windowSeconds}`)
    .header('ratelimit-limit', String(decision.limit))
    .header('ratelimit-remaining', String(decision.remaining))
    .header('ratelimit-reset', String(decision.resetSeconds));
}
