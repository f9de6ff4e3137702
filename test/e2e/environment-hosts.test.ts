import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/oauth-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** seed 003: sandbox and live are separate base URLs; a token only works on its own environment's host. */
describe('environment host names (sandboxHost, liveHost)', () => {
  let server: TestServer;
  const tokens: Record<'sandbox' | 'live', string> = { sandbox: '', live: '' };

  beforeAll(async () => {
    server = await startTestServer({
      config: { sandboxHost: 'api.sandbox.example.com', liveHost: 'api.example.com' },
    });
    for (const environment of ['sandbox', 'live'] as const) {
      const { clientId } = await server.createClient({
        name: environment,
        grantTypes: ['client_credentials'],
        environment,
      });
      const issued = await server.ctx.accessTokens.issue({
        clientId,
        userId: null,
        scopes: ['read:contacts'],
        environment,
      });
      tokens[environment] = issued.token;
    }
  });
  afterAll(() => server.close());

  const me = (host: string, token: string) =>
    rawRequest(`${server.baseUrl}/api/v0.0.1/me`, { headers: { host, authorization: `Bearer ${token}` } });

  it('serves each token on its own environment host', async () => {
    const sandbox = await me('api.sandbox.example.com', tokens.sandbox);
    expect(sandbox.status).toBe(200);
    expect(JSON.parse(sandbox.body)).toMatchObject({ environment: 'sandbox' });
    expect((await me('api.example.com', tokens.live)).status).toBe(200);
  });

  it.each([
    ['sandbox', 'api.example.com', /sandbox token and this is the live API: call api\.sandbox\.example\.com/],
    ['live', 'api.sandbox.example.com', /live token and this is the sandbox API: call api\.example\.com/],
  ] as const)('refuses a %s token on %s with 401 and a clear description', async (environment, host, message) => {
    const response = await me(host, tokens[environment]);
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({
      error: 'invalid_token',
      error_description: expect.stringMatching(message),
    });
    expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('lets the token decide on any other host (and with no host names configured)', async () => {
    expect((await me('127.0.0.1', tokens.sandbox)).status).toBe(200);
    expect((await me('127.0.0.1', tokens.live)).status).toBe(200);
  });

  it('matches host names case-insensitively and ignores the port unless one is configured', async () => {
    expect((await me('API.Sandbox.Example.com:8443', tokens.sandbox)).status).toBe(200);
    expect((await me('API.example.com:8443', tokens.sandbox)).status).toBe(401);
  });
});
