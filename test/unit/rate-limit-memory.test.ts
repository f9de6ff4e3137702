import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/adapters/rate-limit.js';
import { MemoryRateLimiter } from '../../src/adapters/rate-limit-memory.js';
import { ManualClock } from '../../src/oauth/clock.js';

const limiter = (limit: number, windowSeconds: number, clock = new ManualClock()) =>
  new MemoryRateLimiter({ limit, windowSeconds }, clock);

describe('MemoryRateLimiter', () => {
  it('allows `limit` requests per window, counting `remaining` down, then refuses', async () => {
    const rl = limiter(3, 60);
    expect(await rl.consume('a')).toEqual({ allowed: true, limit: 3, remaining: 2, resetSeconds: 60 });
    expect(await rl.consume('a')).toEqual({ allowed: true, limit: 3, remaining: 1, resetSeconds: 60 });
    expect(await rl.consume('a')).toEqual({ allowed: true, limit: 3, remaining: 0, resetSeconds: 60 });
    expect(await rl.consume('a')).toEqual({ allowed: false, limit: 3, remaining: 0, resetSeconds: 60 });
    expect(await rl.consume('a')).toMatchObject({ allowed: false, remaining: 0 });
  });

  it('starts the window at the first request and counts the reset down (never below 1 s)', async () => {
    const clock = new ManualClock();
    const rl = limiter(2, 60, clock);
    await rl.consume('a');
    clock.advance(20_000);
    expect(await rl.consume('a')).toMatchObject({ allowed: true, remaining: 0, resetSeconds: 40 });
    clock.advance(39_500);
    expect(await rl.consume('a')).toMatchObject({ allowed: false, resetSeconds: 1 });
    clock.advance(499);
    expect(await rl.consume('a')).toMatchObject({ allowed: false, resetSeconds: 1 });
  });

  it('rounds the reset up to whole seconds', async () => {
    const clock = new ManualClock();
    const rl = limiter(5, 10, clock);
    await rl.consume('a');
    clock.advance(1);
    expect((await rl.consume('a')).resetSeconds).toBe(10);
    clock.advance(999);
    expect((await rl.consume('a')).resetSeconds).toBe(9);
  });

  it('starts a fresh window once the old one has ended', async () => {
    const clock = new ManualClock();
    const rl = limiter(2, 10, clock);
    await rl.consume('a');
    await rl.consume('a');
    expect((await rl.consume('a')).allowed).toBe(false);
    clock.advance(9_999);
    expect((await rl.consume('a')).allowed).toBe(false);
    clock.advance(1);
    expect(await rl.consume('a')).toEqual({ allowed: true, limit: 2, remaining: 1, resetSeconds: 10 });
    // The new window began at this request, not at a multiple of the window length.
    clock.advance(5_000);
    expect(await rl.consume('a')).toEqual({ allowed: true, limit: 2, remaining: 0, resetSeconds: 5 });
  });

  it('counts every key on its own', async () => {
    const clock = new ManualClock();
    const rl = limiter(1, 60, clock);
    expect((await rl.consume('client-a')).allowed).toBe(true);
    expect((await rl.consume('client-a')).allowed).toBe(false);
    clock.advance(30_000);
    expect(await rl.consume('client-b')).toEqual({ allowed: true, limit: 1, remaining: 0, resetSeconds: 60 });
    expect(await rl.consume('client-a')).toMatchObject({ allowed: false, resetSeconds: 30 });
  });

  it('a limit of 1 allows exactly one request per window', async () => {
    const clock = new ManualClock();
    const rl = limiter(1, 1, clock);
    expect((await rl.consume('a')).allowed).toBe(true);
    expect((await rl.consume('a')).allowed).toBe(false);
    clock.advance(1000);
    expect((await rl.consume('a')).allowed).toBe(true);
  });

  describe('memory', () => {
    it('drops expired windows as calls go by, without a timer', async () => {
      const clock = new ManualClock();
      const rl = limiter(10, 1, clock);
      for (let i = 0; i < 5000; i++) await rl.consume(`once-${i}`);
      expect(rl.size).toBeGreaterThan(0);
      clock.advance(1000);
      // One caller keeps coming; the one-off keys of the past window are swept away meanwhile.
      for (let i = 0; i < 6000; i++) await rl.consume('steady');
      expect(rl.size).toBe(1);
    });

    it('stays bounded under a stream of distinct keys (e.g. many client addresses)', async () => {
      const clock = new ManualClock();
      const rl = limiter(100, 1, clock);
      let peak = 0;
      for (let i = 0; i < 100_000; i++) {
        await rl.consume(`ip-${i}`);
        clock.advance(1); // 1000 new keys per window
        peak = Math.max(peak, rl.size);
      }
      // Live keys (~1000) plus at most one sweep interval's worth of expired ones.
      expect(peak).toBeLessThanOrEqual(3000);
    });

    it('keeps windows that are still running when it sweeps', async () => {
      const clock = new ManualClock();
      const rl = limiter(2, 60, clock);
      await rl.consume('kept');
      await rl.consume('kept');
      // Enough calls for several sweeps, all within the window: every key is still running and stays.
      for (let i = 0; i < 3000; i++) await rl.consume(`other-${i}`);
      expect(rl.size).toBe(3001);
      expect((await rl.consume('kept')).allowed).toBe(false);
      clock.advance(60_000);
      // Now every window has ended: the next sweep drops them all but the one key still coming.
      for (let i = 0; i < 4000; i++) await rl.consume('steady');
      expect(rl.size).toBe(1);
    });

    it('close() forgets everything', async () => {
      const rl = limiter(1, 60);
      await rl.consume('a');
      await rl.close();
      expect(rl.size).toBe(0);
    });
  });
});

describe('createRateLimiter', () => {
  it('is in memory without a Redis URL', async () => {
    const rl = await createRateLimiter({ policy: { limit: 5, windowSeconds: 10 }, clock: new ManualClock() });
    expect(rl).toBeInstanceOf(MemoryRateLimiter);
    expect(rl.policy).toEqual({ limit: 5, windowSeconds: 10 });
    await rl.close();
  });

  it('opens no Redis connection when rate limiting is off', async () => {
    // Nothing listens on port 1: a Redis limiter would reject at start-up.
    const rl = await createRateLimiter({
      redisUrl: 'redis://127.0.0.1:1',
      policy: { limit: 0, windowSeconds: 60 },
      clock: new ManualClock(),
    });
    expect(rl).toBeInstanceOf(MemoryRateLimiter);
    expect(rl.policy.limit).toBe(0);
    await rl.close();
  });
});
