/**
 * The authorization-code grant end to end (RFC 6749 §4.1, RFC 7636, RFC 9700): the login and consent pages,
 * remembered consent, PKCE, code expiry, code binding and code replay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleScopeCatalogue } from '../../src/apis/example/scopes.js';

const describeScope = (name: string) => exampleScopeCatalogue().describe(name);

import {
  authorize,
  Browser,
  elements,
  formAction,
  hiddenFields,
  isConsentPage,
  isLoginPage,
} from '../helpers/browser-flow.js';
import { type Fixture, obtainCode, obtainTokens, registerClient, startFixture } from '../helpers/e2e.js';
import { getMe, pkcePair, redeemCode, refresh, tokenRequest } from '../helpers/oauth-client.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.server.close());

function authorizeUrl(params: Record<string, string>) {
  return `/oauth/authorize?${new URLSearchParams(params)}`;
}

describe('login and consent pages', () => {
  it('a browser without a session is sent to the login page, which has the CSRF and return_to fields', async () => {
    const client = await registerClient(fx.server, { name: 'Contacts Sync' });
    const params = {
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: client.redirectUri,
      scope: 'read:contacts',
      state: 's1',
    };
    const browser = new Browser(fx.baseUrl);
    const first = await browser.get(authorizeUrl(params));
    expect(first.status).toBe(303);
    expect(first.location?.pathname).toBe('/login');
    const returnTo = first.location?.searchParams.get('return_to') ?? '';
    expect(returnTo).toBe(authorizeUrl(params));

    const login = await browser.get(first.location ?? '');
    expect(login.status).toBe(200);
    expect(login.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(formAction(login.html)).toBe('/login');
    const fields = hiddenFields(login.html);
    expect(Object.keys(fields).sort()).toEqual(['csrf_token', 'return_to']);
    expect(fields.csrf_token).toMatch(/^[\w-]{43}$/);
    expect(fields.return_to).toBe(returnTo);
    const inputs = elements(login.html, 'input');
    expect(inputs.find((input) => input.name === 'username')?.type).toBe('text');
    expect(inputs.find((input) => input.name === 'password')?.type).toBe('password');

    // Logging in goes back to the authorization request, which now shows the consent page.
    const loggedIn = await browser.post('/login', {
      ...fields,
      username: fx.user.username,
      password: fx.user.password,
    });
    expect(loggedIn.status).toBe(303);
    expect(loggedIn.location?.toString()).toBe(`${fx.baseUrl}${returnTo}`);
    const consent = await browser.get(loggedIn.location ?? '');
    expect(isConsentPage(consent)).toBe(true);
  });

  it('the consent page names the client, describes each scope, and has allow/deny buttons and a CSRF field', async () => {
    const client = await registerClient(fx.server, { name: 'Message Board' });
    const pkce = pkcePair();
    const params = {
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: client.redirectUri,
      scope: 'read:contacts write:messages read:news',
      state: 'consent-state',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    };
    const page = await fx.browser.get(authorizeUrl(params));
    expect(page.status).toBe(200);
    expect(isConsentPage(page)).toBe(true);
    expect(page.html).toContain('Message Board');
    expect(page.html).toContain(fx.user.username);
    expect(page.html).toContain('app.example.com');
    for (const scope of ['read:contacts', 'write:messages', 'read:news']) {
      expect(page.html).toContain(describeScope(scope)?.description);
      expect(page.html).toContain(scope);
    }
    // A scope that was not asked for is not listed.
    expect(page.html).not.toContain(describeScope('write:contacts')?.description);

    const buttons = elements(page.html, 'button').filter((button) => button.name === 'decision');
    expect(buttons.map((button) => button.value).sort()).toEqual(['allow', 'deny']);
    expect(buttons.every((button) => button.type === 'submit')).toBe(true);

    // The request is re-submitted with the decision, along with the session's CSRF token.
    const fields = hiddenFields(page.html);
    expect(fields).toEqual({ csrf_token: expect.stringMatching(/^[\w-]{43}$/), ...params });
  });

  it('deny redirects to the client with error=access_denied, the state and iss', async () => {
    const client = await registerClient(fx.server);
    const result = await authorize(
      fx.browser,
      {
        response_type: 'code',
        client_id: client.clientId,
        redirect_uri: client.redirectUri,
        scope: 'read:contacts',
        state: 'deny-me',
      },
      { decision: 'deny' },
    );
    expect(result.consentShown).toBe(true);
    const location = result.location;
    expect(`${location.origin}${location.pathname}`).toBe(client.redirectUri);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      error: 'access_denied',
      error_description: expect.any(String),
      state: 'deny-me',
      iss: fx.issuer,
    });
    // A denial is not remembered: the next request asks again.
    const again = await fx.browser.get(
      authorizeUrl({
        response_type: 'code',
        client_id: client.clientId,
        redirect_uri: client.redirectUri,
        scope: 'read:contacts',
        state: 'again',
      }),
    );
    expect(isConsentPage(again)).toBe(true);
  });

  it('remembered consent skips the page for the same or fewer scopes and asks again for a new scope', async () => {
    const client = await registerClient(fx.server);
    const request = (scope: string, state: string) => ({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: client.redirectUri,
      scope,
      state,
    });
    const first = await authorize(fx.browser, request('read:contacts write:messages', 'a'));
    expect(first.consentShown).toBe(true);
    expect(first.location.searchParams.get('code')).not.toBeNull();

    const same = await authorize(fx.browser, request('write:messages read:contacts', 'b'));
    expect(same.consentShown).toBe(false);
    expect(same.location.searchParams.get('code')).not.toBeNull();
    expect(same.location.searchParams.get('state')).toBe('b');

    const fewer = await authorize(fx.browser, request('read:contacts', 'c'));
    expect(fewer.consentShown).toBe(false);
    const fewerTokens = await redeemCode(
      fx.baseUrl,
      client,
      fewer.location.searchParams.get('code') ?? '',
      client.redirectUri,
    );
    // The code carries what this request asked for, not everything ever consented to.
    expect(fewerTokens.scope).toBe('read:contacts');

    const wider = await fx.browser.get(authorizeUrl(request('read:contacts read:news', 'd')));
    expect(isConsentPage(wider)).toBe(true);
    // The consent page lists what this request asks for.
    expect(wider.html).toContain(describeScope('read:news')?.description);

    // Consent to one client is not consent to another.
    const other = await registerClient(fx.server);
    const otherPage = await fx.browser.get(
      authorizeUrl({ ...request('read:contacts', 'e'), client_id: other.clientId, redirect_uri: other.redirectUri }),
    );
    expect(isConsentPage(otherPage)).toBe(true);
  });

  it('a logged-in user is not asked to log in again', async () => {
    const client = await registerClient(fx.server);
    const page = await fx.browser.get(
      authorizeUrl({
        response_type: 'code',
        client_id: client.clientId,
        redirect_uri: client.redirectUri,
        scope: 'read:contacts',
        state: 'x',
      }),
    );
    expect(isLoginPage(page)).toBe(false);
    expect(isConsentPage(page)).toBe(true);
  });
});

describe('PKCE (RFC 7636, S256 only)', () => {
  it('a public client redeems its code with the verifier and no secret', async () => {
    const client = await registerClient(fx.server, { isPublic: true, name: 'Mobile App' });
    expect(client.clientSecret).toBeUndefined();
    const { verifier, challenge } = pkcePair();
    const code = await obtainCode(fx, client, { codeChallenge: challenge });
    const response = await tokenRequest(fx.baseUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      client_id: client.clientId,
      code_verifier: verifier,
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: expect.stringMatching(/^fgr_/),
      scope: 'read:contacts write:messages',
    });
    const me = await getMe(fx.baseUrl, response.body.access_token);
    expect(me.status).toBe(200);
    expect(me.body.user).toEqual({ id: fx.user.id, username: fx.user.username });
  });

  it('a confidential client may use PKCE too', async () => {
    const client = await registerClient(fx.server);
    const { verifier, challenge } = pkcePair();
    const code = await obtainCode(fx, client, { codeChallenge: challenge });
    const tokens = await redeemCode(fx.baseUrl, client, code, client.redirectUri, { code_verifier: verifier });
    expect(tokens.token_type).toBe('Bearer');
  });

  it.each([
    [
      'a wrong verifier',
      (verifier: string) => ({ code_verifier: `${verifier.slice(0, -1)}${verifier.endsWith('A') ? 'B' : 'A'}` }),
    ],
    ['another valid verifier', () => ({ code_verifier: pkcePair().verifier })],
    ['no verifier', () => ({})],
  ])('%s → invalid_grant', async (_name, extra) => {
    const client = await registerClient(fx.server, { isPublic: true });
    const { verifier, challenge } = pkcePair();
    const code = await obtainCode(fx, client, { codeChallenge: challenge });
    const response = await tokenRequest(fx.baseUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      client_id: client.clientId,
      ...extra(verifier),
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
  });

  it('a verifier for a code issued without a challenge (PKCE downgrade) → invalid_grant', async () => {
    const client = await registerClient(fx.server);
    const code = await obtainCode(fx, client);
    const response = await tokenRequest(fx.baseUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      client_id: client.clientId,
      client_secret: client.clientSecret ?? '',
      code_verifier: pkcePair().verifier,
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_grant');
  });

  it('a failed PKCE check burns the code: the right verifier does not work afterwards', async () => {
    const client = await registerClient(fx.server, { isPublic: true });
    const { verifier, challenge } = pkcePair();
    const code = await obtainCode(fx, client, { codeChallenge: challenge });
    const params = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      client_id: client.clientId,
    };
    const wrong = await tokenRequest(fx.baseUrl, { ...params, code_verifier: pkcePair().verifier });
    expect(wrong.body.error).toBe('invalid_grant');
    const right = await tokenRequest(fx.baseUrl, { ...params, code_verifier: verifier });
    expect(right.status).toBe(400);
    expect(right.body.error).toBe('invalid_grant');
  });

  it('a public client without code_challenge gets an invalid_request redirect', async () => {
    const client = await registerClient(fx.server, { isPublic: true });
    const page = await fx.browser.get(
      authorizeUrl({
        response_type: 'code',
        client_id: client.clientId,
        redirect_uri: client.redirectUri,
        scope: 'read:contacts',
        state: 'no-pkce',
      }),
    );
    expect(page.status).toBe(303);
    const location = page.location ?? new URL('about:blank');
    expect(`${location.origin}${location.pathname}`).toBe(client.redirectUri);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      error: 'invalid_request',
      error_description: expect.stringContaining('PKCE'),
      state: 'no-pkce',
      iss: fx.issuer,
    });
  });

  it.each([
    ['code_challenge_method=plain', { code_challenge_method: 'plain' }],
    ['no code_challenge_method (RFC 7636 would default to plain)', {}],
  ])('%s → invalid_request redirect', async (_name, method) => {
    const client = await registerClient(fx.server);
    const { challenge } = pkcePair();
    const page = await fx.browser.get(
      authorizeUrl({
        response_type: 'code',
        client_id: client.clientId,
        redirect_uri: client.redirectUri,
        scope: 'read:contacts',
        state: 'plain',
        code_challenge: challenge,
        ...method,
      }),
    );
    expect(page.status).toBe(303);
    expect(page.location?.searchParams.get('error')).toBe('invalid_request');
    expect(page.location?.searchParams.get('state')).toBe('plain');
    expect(page.location?.searchParams.get('iss')).toBe(fx.issuer);
    expect(page.location?.searchParams.get('code')).toBeNull();
  });
});

describe('the authorization code', () => {
  it('works until its 60 s lifetime ends', async () => {
    const client = await registerClient(fx.server);
    const early = await obtainCode(fx, client);
    fx.server.clock.advance(59_999);
    const beforeExpiry = await tokenRequest(fx.baseUrl, {
      grant_type: 'authorization_code',
      code: early,
      redirect_uri: client.redirectUri,
      client_id: client.clientId,
      client_secret: client.clientSecret ?? '',
    });
    expect(beforeExpiry.status).toBe(200);

    const late = await obtainCode(fx, client);
    fx.server.clock.advance(60_000);
    const afterExpiry = await tokenRequest(fx.baseUrl, {
      grant_type: 'authorization_code',
      code: late,
      redirect_uri: client.redirectUri,
      client_id: client.clientId,
      client_secret: client.clientSecret ?? '',
    });
    expect(afterExpiry.status).toBe(400);
    expect(afterExpiry.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
  });

  it('is bound to the redirect_uri of the authorization request', async () => {
    const client = await registerClient(fx.server, {
      redirectUris: ['https://app.example.com/cb', 'https://app.example.com/other'],
    });
    const code = await obtainCode(fx, client, { redirectUri: 'https://app.example.com/cb' });
    const response = await tokenRequest(fx.baseUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'https://app.example.com/other',
      client_id: client.clientId,
      client_secret: client.clientSecret ?? '',
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_grant');
  });

  it('needs the redirect_uri at the token endpoint (RFC 6749 §4.1.3)', async () => {
    const client = await registerClient(fx.server);
    const code = await obtainCode(fx, client);
    const response = await tokenRequest(fx.baseUrl, {
      grant_type: 'authorization_code',
      code,
      client_id: client.clientId,
      client_secret: client.clientSecret ?? '',
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
  });

  it('is bound to the client it was issued to', async () => {
    const owner = await registerClient(fx.server);
    const thief = await registerClient(fx.server);
    const code = await obtainCode(fx, owner);
    const response = await tokenRequest(fx.baseUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: owner.redirectUri,
      client_id: thief.clientId,
      client_secret: thief.clientSecret ?? '',
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
  });

  it('an unknown code → invalid_grant', async () => {
    const client = await registerClient(fx.server);
    const response = await tokenRequest(fx.baseUrl, {
      grant_type: 'authorization_code',
      code: 'not-a-code-we-issued',
      redirect_uri: client.redirectUri,
      client_id: client.clientId,
      client_secret: client.clientSecret ?? '',
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_grant');
  });

  it('a replayed code is refused and kills the tokens of the first redemption (RFC 6749 §4.1.2)', async () => {
    const client = await registerClient(fx.server);
    const code = await obtainCode(fx, client);
    const first = await redeemCode(fx.baseUrl, client, code, client.redirectUri);
    expect((await getMe(fx.baseUrl, first.access_token)).status).toBe(200);

    const replay = await tokenRequest(fx.baseUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      client_id: client.clientId,
      client_secret: client.clientSecret ?? '',
    });
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });

    const me = await getMe(fx.baseUrl, first.access_token);
    expect(me.status).toBe(401);
    expect(me.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const refreshed = await refresh(fx.baseUrl, client, first.refresh_token ?? '');
    expect(refreshed.status).toBe(400);
    expect(refreshed.body.error).toBe('invalid_grant');
  });

  it('a replay does not touch other authorizations of the same user and client', async () => {
    const client = await registerClient(fx.server);
    const other = await obtainTokens(fx, client);
    const code = await obtainCode(fx, client);
    await redeemCode(fx.baseUrl, client, code, client.redirectUri);
    const replay = await tokenRequest(fx.baseUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      client_id: client.clientId,
      client_secret: client.clientSecret ?? '',
    });
    expect(replay.body.error).toBe('invalid_grant');
    expect((await getMe(fx.baseUrl, other.access_token)).status).toBe(200);
    expect((await refresh(fx.baseUrl, client, other.refresh_token)).status).toBe(200);
  });
});
