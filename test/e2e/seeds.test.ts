/**
 * The requests of the four getting-started pages in shared/seeds, sent exactly as written there with only
 * the host changed: client credentials at /oauth2/token (seeds 002 and 003) and the authorization-code flow
 * with refresh at /oauth/token (seeds 000 and 001).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_SCOPES } from '../../src/apis/example/scopes.js';
import { authorize, Browser } from '../helpers/browser-flow.js';
import { type Fixture, startFixture } from '../helpers/e2e.js';
import { basicAuth, getMe, jwtPayload, type TokenBody } from '../helpers/oauth-client.js';
import { testDialects } from '../helpers/server.js';

const ALL_SCOPES = EXAMPLE_SCOPES.map((scope) => scope.name).join(' ');

/** A form POST as curl -d / --data-urlencode sends it: the body is built by hand, in the seed's order. */
async function curlPost(url: string, fields: [string, string][], headers: Record<string, string> = {}) {
  const body = fields.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
  const response = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as TokenBody };
}

function expectNoStore(headers: Headers) {
  expect(headers.get('cache-control')).toBe('no-store');
  expect(headers.get('pragma')).toBe('no-cache');
}

describe.each(testDialects())('seed pages against Flexgate (%s)', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture({ dialect });
  });
  afterAll(() => fx.server.close());

  describe('client credentials (seeds 002 and 003)', () => {
    let clientId: string;
    let clientSecret: string;
    beforeAll(async () => {
      const client = await fx.server.createClient({ name: 'Flexli worker', grantTypes: ['client_credentials'] });
      clientId = client.clientId;
      clientSecret = client.clientSecret ?? '';
    });

    function expectClientCredentialsResponse(response: Awaited<ReturnType<typeof curlPost>>) {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expectNoStore(response.headers);
      expect(Object.keys(response.body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
      expect(response.body).toEqual({
        access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        token_type: 'Bearer',
        expires_in: 3600,
        scope: ALL_SCOPES,
      });
    }

    it('seed 002: form body with client_id and client_secret', async () => {
      const response = await curlPost(`${fx.baseUrl}/oauth2/token`, [
        ['grant_type', 'client_credentials'],
        ['client_id', clientId],
        ['client_secret', clientSecret],
      ]);
      expectClientCredentialsResponse(response);
      const me = await getMe(fx.baseUrl, response.body.access_token);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ client_id: clientId, user: null, environment: 'sandbox' });
      expect(me.body.scopes).toEqual(ALL_SCOPES.split(' '));
    });

    it('seed 003: curl -X POST -H "Accept: application/json" -d client_id -d client_secret -d grant_type', async () => {
      const response = await curlPost(
        `${fx.baseUrl}/oauth2/token`,
        [
          ['client_id', clientId],
          ['client_secret', clientSecret],
          ['grant_type', 'client_credentials'],
        ],
        { accept: 'application/json' },
      );
      expectClientCredentialsResponse(response);
      // "Include this bearer token in API requests in the Authorization header with the Bearer scheme".
      const me = await fetch(`${fx.baseUrl}/api/v0.0.1/me`, {
        headers: { accept: 'application/json', authorization: `Bearer ${response.body.access_token}` },
      });
      expect(me.status).toBe(200);
    });

    it("seed 003: the REST calls (domainTypes/7/domainValues, a customer's news, the validation sample)", async () => {
      const token = await curlPost(`${fx.baseUrl}/oauth2/token`, [
        ['client_id', clientId],
        ['client_secret', clientSecret],
        ['grant_type', 'client_credentials'],
      ]);
      const headers = { Accept: 'application/json', Authorization: `Bearer ${token.body.access_token}` };
      const get = async (path: string) => {
        const response = await fetch(`${fx.baseUrl}/api/v0.0.1/${path}`, { method: 'GET', headers });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };
      const values = await get('domainTypes/7/domainValues');
      expect(values.status).toBe(200);
      expect(values.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'read:contacts' })]));
      const me = await get('me');
      const news = await get(`customers/${encodeURIComponent(String(me.body.customer_id))}/news`);
      expect(news.status).toBe(200);
      expect(news.body).toEqual({ data: [], next: null });
      const invalid = await get('domainTypes/-1/domainValues?lang=xx');
      expect(invalid.status).toBe(400);
      expect(invalid.body).toEqual({
        id: ['Value -1 is invalid.'],
        lang: ['Should be valid ISO 639-1 language code.'],
      });
    });

    it('seed 003: the credentials in the Authorization header (HTTP Basic)', async () => {
      const response = await curlPost(`${fx.baseUrl}/oauth2/token`, [['grant_type', 'client_credentials']], {
        accept: 'application/json',
        authorization: basicAuth(clientId, clientSecret),
      });
      expectClientCredentialsResponse(response);
    });

    it('issues tokens whose claims name the client and the configured issuer', async () => {
      const response = await curlPost(`${fx.baseUrl}/oauth2/token`, [
        ['grant_type', 'client_credentials'],
        ['client_id', clientId],
        ['client_secret', clientSecret],
      ]);
      expect(jwtPayload(response.body.access_token ?? '')).toMatchObject({
        iss: fx.issuer,
        sub: clientId,
        client_id: clientId,
        scope: ALL_SCOPES,
      });
    });
  });

  describe('authorization code with refresh (seeds 000 and 001)', () => {
    const redirectUri = 'https://yourapp.com/callback';

    it('runs the whole flow exactly as the seeds write it', async () => {
      const client = await fx.server.createClient({ name: 'Your App', redirectUris: [redirectUri] });
      const clientSecret = client.clientSecret ?? '';

      // Seed 001 step 1: curl --get …/oauth/authorize --data-urlencode … (a fresh browser: login is shown).
      const query = [
        ['response_type', 'code'],
        ['client_id', client.clientId],
        ['redirect_uri', redirectUri],
        ['scope', 'read:contacts write:messages'],
        ['state', 'abc123xyz'],
      ];
      const result = await authorize(new Browser(fx.baseUrl), Object.fromEntries(query), {
        login: fx.user,
        decision: 'allow',
      });
      expect(result.loginShown).toBe(true);
      expect(result.consentShown).toBe(true);

      // Step 3: https://yourapp.com/callback?code=AUTH_CODE_HERE&state=abc123xyz (+ iss, RFC 9207).
      const callback = result.location;
      expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
      expect([...callback.searchParams.keys()].sort()).toEqual(['code', 'iss', 'state']);
      expect(callback.searchParams.get('state')).toBe('abc123xyz');
      expect(callback.searchParams.get('iss')).toBe(fx.issuer);
      const code = callback.searchParams.get('code') ?? '';
      expect(code).not.toBe('');

      // Step 4: the code exchange, field for field.
      const exchange = await curlPost(`${fx.baseUrl}/oauth/token`, [
        ['grant_type', 'authorization_code'],
        ['code', code],
        ['redirect_uri', redirectUri],
        ['client_id', client.clientId],
        ['client_secret', clientSecret],
      ]);
      expect(exchange.status).toBe(200);
      expectNoStore(exchange.headers);
      expect(Object.keys(exchange.body).sort()).toEqual([
        'access_token',
        'expires_in',
        'refresh_token',
        'scope',
        'token_type',
      ]);
      expect(exchange.body).toMatchObject({
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'read:contacts write:messages',
      });

      // Step 5: an authenticated API request.
      const me = await getMe(fx.baseUrl, exchange.body.access_token);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({
        client_id: client.clientId,
        user: { id: fx.user.id, username: fx.user.username },
        scopes: ['read:contacts', 'write:messages'],
        environment: 'sandbox',
      });

      // "Refreshing an expired token": same shape, a new access token and a new refresh token.
      const refreshed = await curlPost(`${fx.baseUrl}/oauth/token`, [
        ['grant_type', 'refresh_token'],
        ['refresh_token', exchange.body.refresh_token ?? ''],
        ['client_id', client.clientId],
        ['client_secret', clientSecret],
      ]);
      expect(refreshed.status).toBe(200);
      expectNoStore(refreshed.headers);
      expect(Object.keys(refreshed.body).sort()).toEqual([
        'access_token',
        'expires_in',
        'refresh_token',
        'scope',
        'token_type',
      ]);
      expect(refreshed.body).toMatchObject({
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'read:contacts write:messages',
      });
      expect(refreshed.body.access_token).not.toBe(exchange.body.access_token);
      expect(refreshed.body.refresh_token).not.toBe(exchange.body.refresh_token);

      const meAfterRefresh = await getMe(fx.baseUrl, refreshed.body.access_token);
      expect(meAfterRefresh.status).toBe(200);
      expect(meAfterRefresh.body).toMatchObject({
        client_id: client.clientId,
        user: { id: fx.user.id, username: fx.user.username },
        scopes: ['read:contacts', 'write:messages'],
        environment: 'sandbox',
      });
    });

    it('seed 000: the code exchange with curl --data (not url-encoded) works the same', async () => {
      const client = await fx.server.createClient({ name: 'Your App', redirectUris: [redirectUri] });
      const result = await authorize(
        fx.browser,
        {
          response_type: 'code',
          client_id: client.clientId,
          redirect_uri: redirectUri,
          scope: 'read:contacts',
          state: 'seed000',
        },
        { login: fx.user },
      );
      const code = result.location.searchParams.get('code') ?? '';
      // curl --data sends the values as typed; codes, ids and secrets are URL-safe, so no encoding is needed.
      const response = await fetch(`${fx.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: [
          'grant_type=authorization_code',
          `code=${code}`,
          `client_id=${client.clientId}`,
          `client_secret=${client.clientSecret}`,
          `redirect_uri=${redirectUri}`,
        ].join('&'),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read:contacts' });
    });

    // Seed 000 step 1 shows the URL without state; seed 001 and the product require it (CSRF protection for
    // the integrator, RFC 9700 §2.1). Without it the integrator is sent back with a message that says so.
    it('seed 000: /oauth/authorize without state redirects with invalid_request naming state', async () => {
      const client = await fx.server.createClient({ name: 'Your App', redirectUris: [redirectUri] });
      const url = new URL('/oauth/authorize', fx.baseUrl);
      url.search = `response_type=code&client_id=${client.clientId}&redirect_uri=${redirectUri}&scope=read:contacts`;
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status).toBe(303);
      const location = new URL(response.headers.get('location') ?? '');
      expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('error_description')).toMatch(/state/);
      expect(location.searchParams.has('code')).toBe(false);
    });
  });
});
