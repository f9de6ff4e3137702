/**
 * Loopback redirect URIs for native apps (RFC 8252 §7.3): a client that registered http://127.0.0.1/callback
 * may use any port at request time (the operating system picks it), and the code is then bound to the URI
 * with that port: the token request must repeat it exactly (RFC 6749 §4.1.3). Path and query still match
 * exactly, and `localhost` keeps exact matching (RFC 8252 §8.3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, isConsentPage, type Page } from '../helpers/browser-flow.js';
import { type Fixture, type RegisteredClient, registerClient, startFixture } from '../helpers/e2e.js';
import { getMe, pkcePair, redeemCode, tokenRequest } from '../helpers/oauth-client.js';
import { freePort } from '../helpers/ports.js';

const REGISTERED_V4 = 'http://127.0.0.1/callback';
const REGISTERED_V6 = 'http://[::1]/callback';
const REGISTERED_LOCALHOST = 'http://localhost/callback';

let fx: Fixture;
let client: RegisteredClient;
beforeAll(async () => {
  fx = await startFixture();
  // A public client, as a native app is (RFC 8252 §8.4): PKCE is required.
  client = await registerClient(fx.server, {
    name: 'Native App',
    isPublic: true,
    redirectUris: [REGISTERED_V4, REGISTERED_V6, REGISTERED_LOCALHOST],
  });
});
afterAll(() => fx.server.close());

function params(redirectUri: string, challenge: string, state = 'st4te') {
  return {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: redirectUri,
    scope: 'read:contacts',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
}

function get(query: Record<string, string>): Promise<Page> {
  return fx.browser.get(`/oauth/authorize?${new URLSearchParams(query)}`);
}

function expectErrorPage(page: Page) {
  expect(page.status).toBe(400);
  expect(page.headers.get('location')).toBeNull();
  expect(page.html).toContain('role="alert"');
  expect(page.html).toContain('redirect_uri is not registered');
}

describe.each([
  ['IPv4', (port: number) => `http://127.0.0.1:${port}/callback`],
  ['IPv6', (port: number) => `http://[::1]:${port}/callback`],
])('%s loopback: any port', (_name, uriWithPort) => {
  it('authorize with a random port redirects there, and the code redeems with that same redirect_uri', async () => {
    const port = await freePort();
    const redirectUri = uriWithPort(port);
    const pkce = pkcePair();
    const result = await authorize(fx.browser, params(redirectUri, pkce.challenge), { login: fx.user });
    expect(result.consentShown).toBe(true);
    expect(`${result.location.origin}${result.location.pathname}`).toBe(redirectUri);
    expect(result.location.port).toBe(String(port));
    expect(result.location.searchParams.get('state')).toBe('st4te');
    expect(result.location.searchParams.get('iss')).toBe(fx.issuer);
    const code = result.location.searchParams.get('code') ?? '';

    const tokens = await redeemCode(fx.baseUrl, client, code, redirectUri, { code_verifier: pkce.verifier });
    expect((await getMe(fx.baseUrl, tokens.access_token)).status).toBe(200);
  });

  it('the code does not redeem with another port, nor with the registered URI without a port', async () => {
    for (const redeemWith of [uriWithPort(1), uriWithPort(0).replace(':0', '')]) {
      const port = await freePort();
      const pkce = pkcePair();
      const result = await authorize(fx.browser, params(uriWithPort(port), pkce.challenge), { login: fx.user });
      const code = result.location.searchParams.get('code') ?? '';
      const response = await tokenRequest(fx.baseUrl, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redeemWith,
        client_id: client.clientId,
        code_verifier: pkce.verifier,
      });
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('invalid_grant');
      expect(response.body.error_description).toBe('redirect_uri does not match the authorization request');
    }
  });
});

describe('what still has to match exactly: an error page, never a redirect', () => {
  it.each([
    ['another path', 'http://127.0.0.1:5000/other'],
    ['a longer path', 'http://127.0.0.1:5000/callback/x'],
    ['a trailing slash', 'http://127.0.0.1:5000/callback/'],
    ['a query added', 'http://127.0.0.1:5000/callback?x=1'],
    ['a fragment', 'http://127.0.0.1:5000/callback#x'],
    ['https', 'https://127.0.0.1:5000/callback'],
    ['user info with another host', 'http://127.0.0.1:80@evil.example/callback'],
    ['a look-alike host', 'http://127.0.0.1.evil.example:5000/callback'],
    ['another loopback address', 'http://127.0.0.2:5000/callback'],
    ['an out-of-range port', 'http://127.0.0.1:70000/callback'],
    ['localhost with a port (exact matching for localhost)', 'http://localhost:5000/callback'],
  ])('%s: %s', async (_name, redirectUri) => {
    expectErrorPage(await get(params(redirectUri, pkcePair().challenge)));
  });

  it('localhost exactly as registered still works', async () => {
    const page = await get(params(REGISTERED_LOCALHOST, pkcePair().challenge));
    expect(isConsentPage(page)).toBe(true);
  });

  it('a client that registered only an https URI gets no port leeway', async () => {
    const web = await registerClient(fx.server, { redirectUris: ['https://app.example.com/cb'] });
    const page = await get({
      ...params('https://app.example.com:8443/cb', pkcePair().challenge),
      client_id: web.clientId,
    });
    expectErrorPage(page);
  });
});
