/**
 * The issuer comes from configuration only (RFC 8414 §2, RFC 9207): Host and X-Forwarded-* headers never
 * change the metadata, the token `iss`, the authorization response `iss` or the token audience.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize } from '../helpers/browser-flow.js';
import { type Fixture, obtainTokens, type RegisteredClient, registerClient, startFixture } from '../helpers/e2e.js';
import { jwtPayload, rawRequest } from '../helpers/oauth-client.js';

const ISSUER = 'https://auth.example.test';

const SPOOFED = {
  host: 'evil.example',
  'x-forwarded-host': 'evil.example',
  'x-forwarded-proto': 'http',
  'x-forwarded-for': '203.0.113.9',
  forwarded: 'host=evil.example;proto=http',
};

let fx: Fixture;
let client: RegisteredClient;
beforeAll(async () => {
  // The configured issuer differs from the address the tests connect to, as behind a reverse proxy.
  fx = await startFixture({ config: { issuer: ISSUER } });
  client = await registerClient(fx.server);
});
afterAll(() => fx.server.close());

describe('with Host and X-Forwarded-Host: evil.example', () => {
  it('the metadata names the configured issuer and endpoints under it', async () => {
    const response = await rawRequest(`${fx.baseUrl}/.well-known/oauth-authorization-server`, { headers: SPOOFED });
    expect(response.status).toBe(200);
    expect(response.body).not.toContain('evil.example');
    expect(response.body).not.toContain('127.0.0.1');
    const metadata = JSON.parse(response.body) as Record<string, string>;
    expect(metadata.issuer).toBe(ISSUER);
    for (const key of [
      'authorization_endpoint',
      'token_endpoint',
      'revocation_endpoint',
      'introspection_endpoint',
      'jwks_uri',
    ]) {
      expect(metadata[key]?.startsWith(`${ISSUER}/`)).toBe(true);
    }
  });

  it('client-credentials tokens carry the configured iss and audience', async () => {
    const { clientId, clientSecret } = await fx.server.createClient({
      name: 'svc',
      grantTypes: ['client_credentials'],
    });
    const response = await rawRequest(`${fx.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: { ...SPOOFED, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret ?? '',
      }).toString(),
    });
    expect(response.status).toBe(200);
    const { access_token: token } = JSON.parse(response.body) as { access_token: string };
    expect(jwtPayload(token)).toMatchObject({ iss: ISSUER, aud: `${ISSUER}/api` });

    // The token works at the API, whatever Host the API request names.
    const me = await rawRequest(`${fx.baseUrl}/api/v0.0.1/me`, {
      headers: { ...SPOOFED, authorization: `Bearer ${token}` },
    });
    expect(me.status).toBe(200);
  });

  it('the authorization response iss and the user’s tokens carry the configured issuer', async () => {
    const state = 'iss-check';
    const result = await authorize(fx.browser, {
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: client.redirectUri,
      scope: 'read:contacts',
      state,
    });
    expect(result.location.searchParams.get('iss')).toBe(ISSUER);

    const tokens = await obtainTokens(fx, client);
    expect(jwtPayload(tokens.access_token).iss).toBe(ISSUER);

    const introspection = await rawRequest(`${fx.baseUrl}/oauth/introspect`, {
      method: 'POST',
      headers: { ...SPOOFED, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: tokens.access_token,
        client_id: client.clientId,
        client_secret: client.clientSecret ?? '',
      }).toString(),
    });
    expect(JSON.parse(introspection.body)).toMatchObject({ active: true, iss: ISSUER, aud: `${ISSUER}/api` });
  });

  it('the login redirect stays relative to this server (no host taken from the request)', async () => {
    const response = await rawRequest(
      `${fx.baseUrl}/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: client.clientId,
        redirect_uri: client.redirectUri,
        scope: 'read:contacts',
        state: 's',
      })}`,
      { headers: SPOOFED },
    );
    expect(response.status).toBe(303);
    expect(String(response.headers.location)).toMatch(/^\/login\?/);
  });
});
