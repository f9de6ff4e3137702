/**
 * Rate limiting of the REST API: a fixed number of requests per window and key (a client id, or the caller's
 * address for a request without a valid token). Two implementations: in memory for one process, Redis when
 * several instances share the limit (src/adapters/rate-limit-*.ts).
 */
export interface RateLimitDecision {
  allowed: boolean;
  /** Requests allowed per window. */
  limit: number;
  /** Requests left in the current window after this one (0 when refused). */
  remaining: number;
  /** Seconds until the current window ends (at least 1). */
  resetSeconds: number;
}

export interface RateLimitPolicy {
  /** Requests per window; 0 turns rate limiting off. */
  limit: number;
  windowSeconds: number;
}

export interface RateLimiter {
  readonly policy: RateLimitPolicy;
  /** Counts one request for `key` and says whether it may go ahead. */
  consume(key: string): Promise<RateLimitDecision>;
  /** The same, synchronously, for a limiter that counts in this process (none for Redis). */
  consumeNow?(key: string): RateLimitDecision;
  close(): Promise<void>;
}
