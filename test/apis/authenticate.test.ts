import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The bearer check on an API route that needs a scope (GET /contacts needs read:contacts). */
describe('the bearer check with a required scope', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const get = async (token: string) => {
    const response = await fetch(`${server.baseUrl}/api/v0.0.1/contacts`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { statusCode: response.status, headers: response.headers, body: (await response.json()) as unknown };
  };

  const tokenFor = async (scopes: string[]) => {
    const { clientId } = await server.createClient({ name: 'scoped', grantTypes: ['client_credentials'], scopes });
    return (await server.ctx.accessTokens.issue({ clientId, userId: null, scopes, environment: 'sandbox' })).token;
  };

  it('admits a token that carries the scope', async () => {
    const token = await tokenFor(['read:contacts', 'read:news']);
    const response = await get(token);
    expect(response.statusCode).toBe(200);
  });

  it('answers 403 insufficient_scope with the needed scope in the challenge (RFC 6750 §3.1)', async () => {
    const token = await tokenFor(['read:news']);
    const response = await get(token);
    expect(response.statusCode).toBe(403);
    expect(response.body).toMatchObject({ error: 'insufficient_scope' });
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(response.headers.get('www-authenticate')).toContain('scope="read:contacts"');
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
      const response = await get(foreign.token);
      expect(response.statusCode).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    } finally {
      await other.close();
    }
  });
});
