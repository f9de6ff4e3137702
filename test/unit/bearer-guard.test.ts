import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBearer } from '../../src/http/bearer.js';
import { handleError } from '../../src/http/errors.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The guard on a route that needs a scope, mounted on a bare Fastify app sharing a real server's core. */
describe('requireBearer with a required scope', () => {
  let server: TestServer;
  const app = Fastify();

  beforeAll(async () => {
    server = await startTestServer();
    app.setErrorHandler(handleError);
    app.get('/contacts', { preHandler: requireBearer(server.ctx, ['read:contacts']) }, async (request) => ({
      client: request.token?.clientId,
    }));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await server.close();
  });

  const tokenFor = async (scopes: string[]) => {
    const { clientId } = await server.createClient({ name: 'scoped', grantTypes: ['client_credentials'], scopes });
    return (await server.ctx.accessTokens.issue({ clientId, userId: null, scopes, environment: 'sandbox' })).token;
  };

  it('admits a token that carries the scope', async () => {
    const token = await tokenFor(['read:contacts', 'read:news']);
    const response = await app.inject({ url: '/contacts', headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(200);
  });

  it('answers 403 insufficient_scope with the needed scope in the challenge (RFC 6750 §3.1)', async () => {
    const token = await tokenFor(['read:news']);
    const response = await app.inject({ url: '/contacts', headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'insufficient_scope' });
    expect(response.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(response.headers['www-authenticate']).toContain('scope="read:contacts"');
  });

  it('answers a token for another audience (another issuer) with 401 invalid_token', async () => {
    const other = await startTestServer();
    try {
      const { clientId } = await other.createClient({ name: 'elsewhere', grantTypes: ['client_credentials'] });
      const foreign = await other.ctx.accessTokens.issue({
        clientId,
        userId: null,
        scopes: ['read:contacts'],
        environment: 'sandbox',
      });
      const response = await app.inject({ url: '/contacts', headers: { authorization: `Bearer ${foreign.token}` } });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
    } finally {
      await other.close();
    }
  });
});
