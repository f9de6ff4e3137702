import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryRateLimiter } from '../../src/adapters/rate-limit-memory.js';
import { isJsonAcceptable, isJsonContentType } from '../../src/apis/pipeline/negotiate.js';
import { registerApi } from '../../src/apis/pipeline.js';
import { API_BASE, defineRoute } from '../../src/apis/route.js';
import { apiErrorHandler } from '../../src/http/errors.js';
import { apiClient } from '../helpers/api.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('Accept and Content-Type negotiation', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['application/json', true],
    ['*/*', true],
    ['application/*', true],
    ['text/html, application/json;q=0.1', true],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['text/html', false],
    ['application/xml', false],
    ['application/json;q=0', false],
    ['application/json;q=0, */*', false],
    ['*/*;q=0', false],
    ['garbage', true],
  ])('Accept %j → JSON acceptable: %s', (accept, expected) => {
    expect(isJsonAcceptable(accept)).toBe(expected);
  });

  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['Application/JSON', true],
    ['application/merge-patch+json', true],
    ['text/plain', false],
    ['application/x-www-form-urlencoded', false],
    [undefined, false],
  ])('Content-Type %j → JSON: %s', (contentType, expected) => {
    expect(isJsonContentType(contentType)).toBe(expected);
  });
});

describe('an unexpected error in a route', () => {
  let server: TestServer;
  let app: FastifyInstance;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer();
    token = (await apiClient(server)).token;
    app = Fastify({ genReqId: () => crypto.randomUUID() });
    const failing = defineRoute({
      method: 'GET',
      path: '/explode',
      operationId: 'explode',
      summary: 'Fails',
      tag: 'Test',
      scopes: [],
      query: z.strictObject({}),
      success: { status: 200, description: 'never' },
      async handler() {
        throw new Error('secret internal detail: password=hunter2 at /srv/db.sqlite');
      },
    });
    await registerApi(app, server.ctx, API_BASE, [failing], {
      rateLimiter: new MemoryRateLimiter({ limit: 0, windowSeconds: 60 }, server.clock),
      errorHandler: apiErrorHandler,
    });
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('answers 500 with a request id and nothing internal', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v0.0.1/explode',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(500);
    const body = response.json() as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['error', 'error_description', 'request_id']);
    expect(body.error).toBe('server_error');
    expect(body.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(response.headers['x-request-id']).toBe(body.request_id);
    expect(response.body).not.toMatch(/hunter2|sqlite|secret|Error:/);
  });
});
