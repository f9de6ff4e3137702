/**
 * Flexgate driven by oauth4webapi, a strict, standards-following OAuth 2.0 client library, the way a
 * third-party integrator would use it. Everything goes over real HTTP to a server on loopback, so every
 * request function gets `allowInsecureRequests` (the only concession: the issuer is http).
 */
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, parseForm, redirectTarget } from '../helpers/oauth4webapi-browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

const USERNAME = 'integrator-alice';
const PASSWORD = 'correct horse battery staple';
const REDIRECT_URI = 'https://client.example/callback';

interface AuthorizationResult {
  callback: URL;
  state: string;
  codeVerifier: string;
}

describe('oauth4webapi against a real server', () => {
  let server: TestServer;
  let issuer: URL;
  let as: oauth.AuthorizationServer;
  let userId: string;

  beforeAll(async () => {
    server = await startTestServer();
    issuer = new URL(server.baseUrl);
    userId = (await server.createUser(USERNAME, PASSWORD)).id;
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure });
    as = await oauth.processDiscoveryResponse(issuer, response);
  });
  afterAll(() => server?.close());

  /** A resource server's check of an access token: signature against the JWKS, RFC 9068 typ/iss/aud/exp. */
  async function validateAccessToken(accessToken: string): Promise<oauth.JWTAccessTokenClaims> {
    const request = new Request(`${server.baseUrl}/api/v0.0.1/me`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    return oauth.validateJwtAccessToken(as, request, `${server.baseUrl}/api`, insecure);
  }

  async function getMe(accessToken: string): Promise<Response> {
    return oauth.protectedResourceRequest(
      accessToken,
      'GET',
      new URL('/api/v0.0.1/me', server.baseUrl),
      undefined,
      undefined,
      insecure,
    );
  }

  /**
   * Plays the user's browser: the authorization URL, the login form, the consent form (if shown), until
   * the redirect back to the client. Returns the callback URL as the client would receive it.
   */
  async function authorize(
    client: oauth.Client,
    options: { scope: string; browser?: Browser; expectConsentPage?: boolean },
  ): Promise<AuthorizationResult> {
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const codeChallenge = await oauth.calculatePKCECodeChallenge(codeVerifier);
    const state = oauth.generateRandomState();
    if (as.authorization_endpoint === undefined) throw new Error('no authorization_endpoint in the metadata');
    const authorizationUrl = new URL(as.authorization_endpoint);
    authorizationUrl.search = new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: options.scope,
      state,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
    }).toString();

    const browser = options.browser ?? new Browser(server.baseUrl);
    let response = await browser.get(authorizationUrl.href);
    let next = redirectTarget(response, server.baseUrl);
    if (next.pathname === '/login') {
      response = await browser.get(next.href);
      expect(response.status).toBe(200);
      const login = parseForm(await response.text(), '/login');
      expect(login.method).toBe('post');
      const hiddenNames = login.hidden.map(([name]) => name);
      expect(hiddenNames).toEqual(expect.arrayContaining(['csrf_token', 'return_to']));
      response = await browser.postForm('/login', [...login.hidden, ['username', USERNAME], ['password', PASSWORD]]);
      next = redirectTarget(response, server.baseUrl);
      expect(next.pathname).toBe('/oauth/authorize');
      response = await browser.get(next.href);
    }

    if (response.status === 200) {
      expect(options.expectConsentPage ?? true).toBe(true);
      const consent = parseForm(await response.text(), '/oauth/authorize');
      expect(consent.method).toBe('post');
      expect(consent.buttons).toContainEqual({ name: 'decision', value: 'allow' });
      const hidden = Object.fromEntries(consent.hidden);
      // The consent form re-submits the whole authorization request, bound to the session by csrf_token.
      expect(hidden).toMatchObject({
        client_id: client.client_id,
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        scope: options.scope,
        state,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
      });
      expect(hidden.csrf_token).toEqual(expect.any(String));
      response = await browser.postForm('/oauth/authorize', [...consent.hidden, ['decision', 'allow']]);
    } else {
      expect(options.expectConsentPage ?? false).toBe(false);
    }

    const callback = redirectTarget(response, server.baseUrl);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    return { callback, state, codeVerifier };
  }

  async function exchangeCode(
    client: oauth.Client,
    clientAuth: oauth.ClientAuth,
    { callback, state, codeVerifier }: AuthorizationResult,
  ): Promise<oauth.TokenEndpointResponse> {
    // Checks state, and the RFC 9207 iss parameter (the metadata advertises it).
    const params = oauth.validateAuthResponse(as, client, callback, state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      params,
      REDIRECT_URI,
      codeVerifier,
      insecure,
    );
    return oauth.processAuthorizationCodeResponse(as, client, response);
  }

  async function refresh(
    client: oauth.Client,
    clientAuth: oauth.ClientAuth,
    refreshToken: string,
  ): Promise<oauth.TokenEndpointResponse> {
    const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshToken, insecure);
    return oauth.processRefreshTokenResponse(as, client, response);
  }

  async function introspect(
    client: oauth.Client,
    clientAuth: oauth.ClientAuth,
    token: string,
  ): Promise<oauth.IntrospectionResponse> {
    const response = await oauth.introspectionRequest(as, client, clientAuth, token, insecure);
    return oauth.processIntrospectionResponse(as, client, response);
  }

  async function revoke(client: oauth.Client, clientAuth: oauth.ClientAuth, token: string): Promise<void> {
    const response = await oauth.revocationRequest(as, client, clientAuth, token, insecure);
    await oauth.processRevocationResponse(response);
  }

  async function confidentialClient(name: string): Promise<{ client: oauth.Client; secret: string }> {
    const { clientId, clientSecret } = await server.createClient({
      name,
      redirectUris: [REDIRECT_URI],
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
    });
    if (clientSecret === undefined) throw new Error('a confidential client must have a secret');
    return { client: { client_id: clientId }, secret: clientSecret };
  }

  it('discovers RFC 8414 metadata whose issuer matches and whose endpoints live under it', () => {
    expect(as.issuer).toBe(server.baseUrl);
    for (const endpoint of [
      as.authorization_endpoint,
      as.token_endpoint,
      as.jwks_uri,
      as.revocation_endpoint,
      as.introspection_endpoint,
    ]) {
      expect(endpoint?.startsWith(`${server.baseUrl}/`)).toBe(true);
    }
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    expect(as.response_types_supported).toEqual(['code']);
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
    expect(as.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'none']),
    );
    expect(as.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'client_credentials', 'refresh_token']),
    );
  });

  it('rejects discovery metadata when the expected issuer differs (the library check works)', async () => {
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure });
    const other = new URL(server.baseUrl.replace('127.0.0.1', 'localhost'));
    await expect(oauth.processDiscoveryResponse(other, response)).rejects.toThrow(/issuer/);
  });

  describe.each([
    { method: 'client_secret_post', auth: oauth.ClientSecretPost },
    { method: 'client_secret_basic', auth: oauth.ClientSecretBasic },
  ])('client credentials with $method', ({ method, auth }) => {
    it('issues a JWT access token that validates against the JWKS and opens the API', async () => {
      const { clientId, clientSecret } = await server.createClient({
        name: `cc ${method}`,
        grantTypes: ['client_credentials'],
        scopes: ['read:contacts', 'read:news'],
      });
      const client: oauth.Client = { client_id: clientId };
      const response = await oauth.clientCredentialsGrantRequest(
        as,
        client,
        auth(clientSecret ?? ''),
        { scope: 'read:news' },
        insecure,
      );
      expect(response.headers.get('cache-control')).toBe('no-store');
      const tokens = await oauth.processClientCredentialsResponse(as, client, response);
      expect(tokens.token_type).toBe('bearer');
      expect(tokens.scope).toBe('read:news');
      expect(tokens.expires_in).toBeGreaterThan(0);
      expect(tokens.refresh_token).toBeUndefined();

      const claims = await validateAccessToken(tokens.access_token);
      expect(claims).toMatchObject({ iss: server.baseUrl, aud: `${server.baseUrl}/api`, client_id: clientId });
      // RFC 9068 §2.2: with no user, the subject is the client.
      expect(claims.sub).toBe(clientId);
      expect(claims.scope).toBe('read:news');

      const me = await getMe(tokens.access_token);
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ client_id: clientId, user: null, scopes: ['read:news'] });
    });

    it('reports a wrong secret as invalid_client', async () => {
      const { clientId } = await server.createClient({ name: `cc bad ${method}`, grantTypes: ['client_credentials'] });
      const client: oauth.Client = { client_id: clientId };
      const response = await oauth.clientCredentialsGrantRequest(as, client, auth('fgs_not-the-secret'), {}, insecure);
      expect(response.status).toBe(401);
      const failure = await oauth
        .processClientCredentialsResponse(as, client, response)
        .catch((error: unknown) => error);
      if (method === 'client_secret_basic') {
        // RFC 6749 §5.2: a failed Basic authentication answers 401 with a Basic challenge.
        expect(failure).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
        const challenge = (failure as oauth.WWWAuthenticateChallengeError).cause[0];
        expect(challenge?.scheme).toBe('basic');
      } else {
        expect(failure).toBeInstanceOf(oauth.ResponseBodyError);
        expect((failure as oauth.ResponseBodyError).error).toBe('invalid_client');
      }
    });
  });

  it('runs the authorization code flow with PKCE for a confidential client, then refreshes with rotation', async () => {
    const { client, secret } = await confidentialClient('web app');
    const clientAuth = oauth.ClientSecretBasic(secret);
    const authorization = await authorize(client, { scope: 'read:contacts write:contacts' });
    expect(authorization.callback.searchParams.get('iss')).toBe(server.baseUrl);

    const tokens = await exchangeCode(client, clientAuth, authorization);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('read:contacts write:contacts');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const claims = await validateAccessToken(tokens.access_token);
    expect(claims).toMatchObject({ sub: userId, client_id: client.client_id, scope: 'read:contacts write:contacts' });
    const me = await getMe(tokens.access_token);
    expect(await me.json()).toMatchObject({ user: { id: userId, username: USERNAME } });

    // The code is single-use.
    const replay = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      oauth.validateAuthResponse(as, client, authorization.callback, authorization.state),
      REDIRECT_URI,
      authorization.codeVerifier,
      insecure,
    );
    const replayError = await oauth.processAuthorizationCodeResponse(as, client, replay).catch((error) => error);
    expect(replayError).toBeInstanceOf(oauth.ResponseBodyError);
    expect((replayError as oauth.ResponseBodyError).error).toBe('invalid_grant');
  });

  it('rotates refresh tokens twice in a row and rejects the old one with invalid_grant', async () => {
    const { client, secret } = await confidentialClient('rotating app');
    const clientAuth = oauth.ClientSecretPost(secret);
    const initial = await exchangeCode(client, clientAuth, await authorize(client, { scope: 'read:messages' }));
    const first = initial.refresh_token ?? '';

    const once = await refresh(client, clientAuth, first);
    expect(once.refresh_token).toEqual(expect.any(String));
    expect(once.refresh_token).not.toBe(first);
    expect(once.scope).toBe('read:messages');
    await validateAccessToken(once.access_token);

    const twice = await refresh(client, clientAuth, once.refresh_token ?? '');
    expect(twice.refresh_token).toEqual(expect.any(String));
    expect(new Set([first, once.refresh_token, twice.refresh_token]).size).toBe(3);
    const claims = await validateAccessToken(twice.access_token);
    expect(claims.sub).toBe(userId);

    const reuse = await refresh(client, clientAuth, first).catch((error: unknown) => error);
    expect(reuse).toBeInstanceOf(oauth.ResponseBodyError);
    expect((reuse as oauth.ResponseBodyError).error).toBe('invalid_grant');
    expect((reuse as oauth.ResponseBodyError).status).toBe(400);

    // Reuse of a rotated token revokes the family (RFC 9700 §4.14.2): the newest token is dead too.
    const latest = await refresh(client, clientAuth, twice.refresh_token ?? '').catch((error: unknown) => error);
    expect((latest as oauth.ResponseBodyError).error).toBe('invalid_grant');
    expect((await introspect(client, clientAuth, twice.access_token)).active).toBe(false);
  });

  it('revokes an access token and a refresh token; introspection then reports them inactive', async () => {
    const { client, secret } = await confidentialClient('revoking app');
    const clientAuth = oauth.ClientSecretBasic(secret);
    const tokens = await exchangeCode(client, clientAuth, await authorize(client, { scope: 'read:news' }));

    const before = await introspect(client, clientAuth, tokens.access_token);
    expect(before).toMatchObject({
      active: true,
      client_id: client.client_id,
      sub: userId,
      scope: 'read:news',
      iss: server.baseUrl,
    });
    const refreshBefore = await introspect(client, clientAuth, tokens.refresh_token ?? '');
    expect(refreshBefore).toMatchObject({ active: true, client_id: client.client_id });

    await revoke(client, clientAuth, tokens.access_token);
    expect(await introspect(client, clientAuth, tokens.access_token)).toEqual({ active: false });
    const me = await getMe(tokens.access_token).catch((error: unknown) => error);
    expect(me).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    expect((me as oauth.WWWAuthenticateChallengeError).cause[0]?.parameters.error).toBe('invalid_token');
    // Revoking an access token leaves the refresh token alone.
    expect((await introspect(client, clientAuth, tokens.refresh_token ?? '')).active).toBe(true);

    await revoke(client, clientAuth, tokens.refresh_token ?? '');
    expect(await introspect(client, clientAuth, tokens.refresh_token ?? '')).toEqual({ active: false });
    const refreshed = await refresh(client, clientAuth, tokens.refresh_token ?? '').catch((error: unknown) => error);
    expect((refreshed as oauth.ResponseBodyError).error).toBe('invalid_grant');

    // RFC 7009 §2.2: an unknown token is not an error.
    await revoke(client, clientAuth, 'not-a-token-this-server-issued');
  });

  it('skips the consent page once consent was given, in the same browser session', async () => {
    const { client, secret } = await confidentialClient('remembered app');
    const browser = new Browser(server.baseUrl);
    const clientAuth = oauth.ClientSecretPost(secret);
    await exchangeCode(client, clientAuth, await authorize(client, { scope: 'read:contacts', browser }));
    const again = await authorize(client, { scope: 'read:contacts', browser, expectConsentPage: false });
    const tokens = await exchangeCode(client, clientAuth, again);
    expect((await validateAccessToken(tokens.access_token)).sub).toBe(userId);
  });

  it('runs the authorization code flow for a public client with PKCE and no client authentication', async () => {
    const { clientId, clientSecret } = await server.createClient({
      name: 'single-page app',
      isPublic: true,
      redirectUris: [REDIRECT_URI],
    });
    expect(clientSecret).toBeUndefined();
    const client: oauth.Client = { client_id: clientId, token_endpoint_auth_method: 'none' };
    const clientAuth = oauth.None();

    const tokens = await exchangeCode(client, clientAuth, await authorize(client, { scope: 'read:contacts' }));
    const claims = await validateAccessToken(tokens.access_token);
    expect(claims).toMatchObject({ sub: userId, client_id: clientId });
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const refreshed = await refresh(client, clientAuth, tokens.refresh_token ?? '');
    await validateAccessToken(refreshed.access_token);

    await revoke(client, clientAuth, refreshed.refresh_token ?? '');
    // Revoking the refresh token kills the family's access tokens too.
    const me = await fetch(`${server.baseUrl}/api/v0.0.1/me`, {
      headers: { authorization: `Bearer ${refreshed.access_token}` },
    });
    expect(me.status).toBe(401);
    // RFC 7662 §2.1: introspection needs an authenticated caller, which a public client cannot be.
    await expect(introspect(client, clientAuth, refreshed.access_token)).rejects.toMatchObject({
      error: 'invalid_client',
    });
  });

  it('rejects a public client exchanging a code with the wrong code_verifier', async () => {
    const { clientId } = await server.createClient({ name: 'spa 2', isPublic: true, redirectUris: [REDIRECT_URI] });
    const client: oauth.Client = { client_id: clientId };
    const authorization = await authorize(client, { scope: 'read:news' });
    const failure = await exchangeCode(client, oauth.None(), {
      ...authorization,
      codeVerifier: oauth.generateRandomCodeVerifier(),
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(oauth.ResponseBodyError);
    expect((failure as oauth.ResponseBodyError).error).toBe('invalid_grant');
  });

  it('returns access_denied with state and iss when the user denies', async () => {
    const { client } = await confidentialClient('denied app');
    const state = oauth.generateRandomState();
    const authorizationUrl = new URL(as.authorization_endpoint ?? '');
    authorizationUrl.search = new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'read:news',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
    }).toString();
    const browser = new Browser(server.baseUrl);
    const toLogin = redirectTarget(await browser.get(authorizationUrl.href), server.baseUrl);
    const login = parseForm(await (await browser.get(toLogin.href)).text(), '/login');
    const back = redirectTarget(
      await browser.postForm('/login', [...login.hidden, ['username', USERNAME], ['password', PASSWORD]]),
      server.baseUrl,
    );
    const consent = parseForm(await (await browser.get(back.href)).text(), '/oauth/authorize');
    expect(consent.buttons).toContainEqual({ name: 'decision', value: 'deny' });
    const callback = redirectTarget(
      await browser.postForm('/oauth/authorize', [...consent.hidden, ['decision', 'deny']]),
      server.baseUrl,
    );
    const denied = (() => {
      try {
        oauth.validateAuthResponse(as, client, callback, state);
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    expect(denied).toBeInstanceOf(oauth.AuthorizationResponseError);
    expect((denied as oauth.AuthorizationResponseError).error).toBe('access_denied');
  });
});
