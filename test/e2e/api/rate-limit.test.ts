/**
 * API rate limits as a client sees them: the headers, 429 with Retry-After past the limit, per-client counts,
 * a new window after the old one ends, and (with Redis) one count shared by several server instances.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, apiCall, apiClient } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const REDIS_URL = process.env.FLEXGATE_TEST_REDIS_URL;

/** Mirrors testDialects(): Redis is optional on a laptop, required in CI. */
function redisAvailable(): boolean {
  if (REDIS_URL !== undefined && REDIS_URL !== '') return true;
  if (process.env.CI !== undefined) throw new Error('CI must set FLEXGATE_TEST_REDIS_URL for the Redis suites');
  console.warn('Redis rate-limit e2e tests skipped: set FLEXGATE_TEST_REDIS_URL=redis://127.0.0.1:6379');
  return false;
}

const header = (response: ApiResponse, name: string) => response.headers.get(name);

function expectRefused(response: ApiResponse, limit: number, window: number): void {
  expect(response.status).toBe(429);
  expect(response.body).toEqual({ error: 'rate_limited', error_description: expect.any(String) });
  const retryAfter = Number(header(response, 'retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(window);
  expect(header(response, 'ratelimit-remaining')).toBe('0');
  expect(header(response, 'ratelimit-limit')).toBe(String(limit));
  expect(header(response, 'ratelimit-policy')).toBe(`${limit};w=${window}`);
  expect(header(response, 'ratelimit-reset')).toBe(String(retryAfter));
}

describe('rate limits (in memory, manual clock)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ config: { rateLimit: 5, rateLimitWindow: 60 } });
  });

  afterAll(async () => {
    await server?.close();
  });

  it("a client's 6th request in the window → 429; another client is unaffected; 61 s later it passes", async () => {
    const client = await apiClient(server);
    const other = await apiClient(server);
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await apiCall(server.baseUrl, 'GET', '/contacts', { token: client.token });
      expect(response.status).toBe(200);
      expect(header(response, 'ratelimit-limit')).toBe('5');
      expect(header(response, 'ratelimit-policy')).toBe('5;w=60');
      expect(header(response, 'ratelimit-reset')).toBe('60');
      expect(header(response, 'retry-after')).toBeNull();
      remaining.push(header(response, 'ratelimit-remaining') ?? '');
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);

    const sixth = await apiCall(server.baseUrl, 'GET', '/contacts', { token: client.token });
    expectRefused(sixth, 5, 60);
    expect(header(sixth, 'retry-after')).toBe('60');
    // Every route counts against the same budget, writes included: nothing is created.
    const write = await apiCall(server.baseUrl, 'POST', '/contacts', { token: client.token, json: { name: 'x' } });
    expectRefused(write, 5, 60);

    const otherResponse = await apiCall(server.baseUrl, 'GET', '/me', { token: other.token });
    expect(otherResponse.status).toBe(200);
    expect(header(otherResponse, 'ratelimit-remaining')).toBe('4');

    server.clock.advance(30_000);
    const halfway = await apiCall(server.baseUrl, 'GET', '/me', { token: client.token });
    expectRefused(halfway, 5, 60);
    expect(header(halfway, 'retry-after')).toBe('30');

    server.clock.advance(31_000);
    const again = await apiCall(server.baseUrl, 'GET', '/contacts', { token: client.token });
    expect(again.status).toBe(200);
    expect(header(again, 'ratelimit-remaining')).toBe('4');
    expect(header(again, 'ratelimit-reset')).toBe('60');
    const list = await apiCall<{ data: unknown[] }>(server.baseUrl, 'GET', '/contacts', { token: client.token });
    expect(list.body.data).toEqual([]);
  });

  it('requests without a valid token are limited by address, apart from the clients', async () => {
    const client = await apiClient(server);
    // A fresh window for the address (earlier tests in this file may have used it).
    server.clock.advance(61_000);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await apiCall(server.baseUrl, 'GET', '/me', { token: 'garbage' })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const refused = await apiCall(server.baseUrl, 'GET', '/me');
    expectRefused(refused, 5, 60);
    expect((await apiCall(server.baseUrl, 'GET', '/me', { token: client.token })).status).toBe(200);
  });
});

describe.runIf(redisAvailable())('rate limits shared through Redis by two servers', () => {
  let first: TestServer;
  let second: TestServer;
  let sharedDir: string;

  beforeAll(async () => {
    sharedDir = await mkdtemp(join(tmpdir(), 'flexgate-rl-shared-'));
    const config = { rateLimit: 5, rateLimitWindow: 60, redisUrl: REDIS_URL ?? '', dataDir: sharedDir };
    first = await startTestServer({ config });
    // The second instance shares the first's database and issuer, so a token is good on both (as behind a load
    // balancer); only Redis can make them share the count.
    second = await startTestServer({
      config: { ...config, issuer: first.baseUrl },
    });
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
    if (sharedDir !== undefined) await rm(sharedDir, { recursive: true, force: true });
  });

  it('3 requests on one server and 2 on the other use up the limit: the 6th, on either, is 429', async () => {
    const client = await apiClient(first);
    const on = (server: TestServer) => apiCall(server.baseUrl, 'GET', '/me', { token: client.token });
    const remaining: string[] = [];
    for (const server of [first, second, first, second, first]) {
      const response = await on(server);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      remaining.push(header(response, 'ratelimit-remaining') ?? '');
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const sixth = await on(second);
    expectRefused(sixth, 5, 60);
    expectRefused(await on(first), 5, 60);
  });

  it('3 + 3 requests on two instances: the 6th is 429; another client has its own count', async () => {
    const one = await apiClient(first);
    const two = await apiClient(first);
    const statuses: number[] = [];
    for (const server of [first, first, first, second, second, second]) {
      statuses.push((await apiCall(server.baseUrl, 'GET', '/me', { token: one.token })).status);
    }
    // 3 on one instance and 3 on the other: the 6th is refused.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const response = await apiCall(second.baseUrl, 'GET', '/me', { token: two.token });
    expect(response.status).toBe(200);
    expect(header(response, 'ratelimit-remaining')).toBe('4');
  });
});
