import type { RateLimitDecision, RateLimiter, RateLimitPolicy } from '../apis/rate-limiter.js';
import type { Clock } from '../oauth/ports.js';

interface Window {
  count: number;
  /** Epoch ms at which this key's window ends. */
  endsAt: number;
}

/** Fewest calls between two sweeps of expired windows. */
const MIN_SWEEP_INTERVAL = 1024;

/**
 * Fixed-window rate limiting in this process's memory (one instance; several instances need Redis).
 * A key's window starts at its first request and lasts `windowSeconds`; the next request after it ends
 * starts a new window.
 *
 * Memory: an expired window is reused in place when its key comes back, and every so many calls (at least
 * 1024, and at least the number of keys held, so the sweep costs O(1) per call amortised) all expired windows
 * are dropped. The map therefore holds at most the keys seen within about one window plus one sweep interval.
 * No timer: nothing keeps the process alive and `close` has nothing to stop.
 *
 * Limit 0 (rate limiting off) is not counted here: the API does not consult the limiter then.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly policy: RateLimitPolicy;
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;
  private callsUntilSweep = MIN_SWEEP_INTERVAL;

  constructor(
    policy: RateLimitPolicy,
    private readonly clock: Clock,
  ) {
    this.policy = Object.freeze({ limit: policy.limit, windowSeconds: policy.windowSeconds });
    this.windowMs = policy.windowSeconds * 1000;
  }

  /** Number of keys currently held: exists for the memory tests, which check that expired windows are dropped. */
  get size(): number {
    return this.windows.size;
  }

  consume(key: string): Promise<RateLimitDecision> {
    return Promise.resolve(this.consumeNow(key));
  }

  /** The synchronous core of `consume`. */
  consumeNow(key: string): RateLimitDecision {
    const { limit } = this.policy;
    const now = this.clock.now();
    if (--this.callsUntilSweep <= 0) this.sweep(now);
    let window = this.windows.get(key);
    if (window === undefined) {
      window = { count: 0, endsAt: now + this.windowMs };
      this.windows.set(key, window);
    } else if (window.endsAt <= now) {
      window.count = 0;
      window.endsAt = now + this.windowMs;
    }
    const resetSeconds = Math.max(1, Math.ceil((window.endsAt - now) / 1000));
    if (window.count >= limit) return { allowed: false, limit, remaining: 0, resetSeconds };
    window.count++;
    return { allowed: true, limit, remaining: limit - window.count, resetSeconds };
  }

  /** Drops every expired window. */
  private sweep(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.endsAt <= now) this.windows.delete(key);
    }
    this.callsUntilSweep = Math.max(MIN_SWEEP_INTERVAL, this.windows.size);
  }

  close(): Promise<void> {
    this.windows.clear();
    return Promise.resolve();
  }
}
