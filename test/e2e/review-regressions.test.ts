/**
 * Regression tests for the findings of the first security review (each names what went wrong before).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, Browser, hiddenFields } from '../helpers/browser-flow.js';
import { type Fixture, obtainCode, obtainTokens, registerClient, startFixture, TEST_PASSWORD } from '../helpers/e2e.js';
import { getMe, pkcePair, refresh, tokenRequest } from '../helpers/oauth-client.js';

describe('security review regressions', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(() => fx.server.close());

  // Before: the code was consumed (and a replay revoked its grant) before checking whose code it was.
  it('another client can neither burn a code nor revoke the grant it created', async () => {
    const owner = await registerClient(fx.server);
    const intruder = await registerClient(fx.server);
    const code = await obtainCode(fx, owner);
    const stolen = await tokenRequest(fx.baseUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: owner.redirectUri,
      client_id: intruder.clientId,
      client_secret: intruder.clientSecret ?? '',
    });
    expect(stolen.body.error).toBe('invalid_grant');
    const redeemed = await tokenRequest(fx.baseUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: owner.redirectUri,
      client_id: owner.clientId,
      client_secret: owner.clientSecret ?? '',
    });
    expect(redeemed.status).toBe(200);
    // A replay by the intruder must not revoke the owner's tokens either.
    await tokenRequest(fx.baseUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: owner.redirectUri,
      client_id: intruder.clientId,
      client_secret: intruder.clientSecret ?? '',
    });
    expect((await getMe(fx.baseUrl, redeemed.body.access_token)).status).toBe(200);
    const refreshed = await refresh(fx.baseUrl, owner, redeemed.body.refresh_token ?? '');
    expect(refreshed.status).toBe(200);
  });

  // Before: a remembered consent approved a public client silently (RFC 8252 §8.6).
  it('a public client gets the consent page every time', async () => {
    const spa = await registerClient(fx.server, { isPublic: true });
    const request = () => {
      const { challenge } = pkcePair();
      return {
        response_type: 'code',
        client_id: spa.clientId,
        redirect_uri: spa.redirectUri,
        scope: 'read:contacts',
        state: 'public-state',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      };
    };
    const first = await authorize(fx.browser, request(), { login: fx.user });
    expect(first.consentShown).toBe(true);
    const second = await authorize(fx.browser, request(), { login: fx.user });
    expect(second.consentShown).toBe(true);
  });

  it('a confidential client still skips a remembered consent', async () => {
    const app = await registerClient(fx.server);
    await obtainTokens(fx, app, { scope: 'read:contacts' });
    const again = await authorize(
      fx.browser,
      {
        response_type: 'code',
        client_id: app.clientId,
        redirect_uri: app.redirectUri,
        scope: 'read:contacts',
        state: 's',
      },
      { login: fx.user },
    );
    expect(again.consentShown).toBe(false);
  });

  // Before: a return_to with characters outside Latin-1 made the login's redirect a 500.
  it('a non-ASCII return_to logs in and redirects to its percent-encoded form', async () => {
    const browser = new Browser(fx.baseUrl);
    const form = await browser.get(`/login?${new URLSearchParams({ return_to: '/✓?x=ü' })}`);
    const result = await browser.post('/login', {
      ...hiddenFields(form.html),
      username: fx.user.username,
      password: TEST_PASSWORD,
    });
    expect(result.status).toBe(303);
    expect(result.location?.pathname).toBe('/%E2%9C%93');
    expect(result.location?.search).toBe('?x=%C3%BC');
  });

  // Before: page routes accepted JSON, and a number where a string belongs crashed parseScope.
  it('a JSON body on the consent form is refused with 400, not a 500', async () => {
    const response = await fetch(`${fx.baseUrl}/oauth/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scope: 5, client_id: 'x', decision: 'allow' }),
    });
    expect(response.status).toBe(400);
  });

  it('the metadata does not offer "none" for introspection, which public clients cannot use', async () => {
    const metadata = (await (await fetch(`${fx.baseUrl}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      string[]
    >;
    expect(metadata.introspection_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'client_secret_post',
    ]);
    expect(metadata.token_endpoint_auth_methods_supported).toContain('none');
  });
});

describe('second security review regressions', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(() => fx.server.close());

  // Before: dot segments resolved "/..//evil.example" to "//evil.example", another host to a browser.
  it.each(['/..//evil.example', '/.//evil.example', '/a/..//evil.example', '/%2e%2e//evil.example'])(
    'return_to %s never leaves this origin after login',
    async (returnTo) => {
      const browser = new Browser(fx.baseUrl);
      const form = await browser.get(`/login?${new URLSearchParams({ return_to: returnTo })}`);
      expect(hiddenFields(form.html).return_to).toBe('/');
      const result = await browser.post('/login', {
        ...hiddenFields(form.html),
        return_to: returnTo,
        username: fx.user.username,
        password: TEST_PASSWORD,
      });
      expect(result.status).toBe(303);
      expect(result.location?.origin).toBe(new URL(fx.baseUrl).origin);
      expect(result.location?.pathname).toBe('/');
    },
  );

  // Before: PostgreSQL raised an error on a NUL byte in a text comparison (a 500).
  it('refuses NUL characters in any parameter with 400', async () => {
    const browser = new Browser(fx.baseUrl);
    const form = await browser.get('/login');
    const login = await browser.post('/login', { ...hiddenFields(form.html), username: 'a\u0000b', password: 'x' });
    expect(login.status).toBe(400);
    expect((await fetch(`${fx.baseUrl}/account/apps?revoked=a%00b`, { redirect: 'manual' })).status).toBe(400);
    const token = await fetch(`${fx.baseUrl}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'a\u0000b', client_secret: 'x' }),
    });
    expect(token.status).toBe(400);
  });
});
