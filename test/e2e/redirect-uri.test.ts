/**
 * Redirect URI matching at the authorization endpoint (RFC 6749 §3.1.2, §4.1.2.1; RFC 9700 §4.1): the
 * registered URI must match exactly, and an error about the client or the redirect URI is shown as a page,
 * never sent as a redirect (that would make Flexgate an open redirector). Every later error is redirected
 * to the client with error, error_description, state and iss.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, isConsentPage, type Page } from '../helpers/browser-flow.js';
import { type Fixture, type RegisteredClient, registerClient, startFixture } from '../helpers/e2e.js';

const REGISTERED = 'https://app.example.com/cb';

let fx: Fixture;
let client: RegisteredClient;
beforeAll(async () => {
  fx = await startFixture();
  client = await registerClient(fx.server, { redirectUris: [REGISTERED] });
});
afterAll(() => fx.server.close());

function get(params: Record<string, string>): Promise<Page> {
  return fx.browser.get(`/oauth/authorize?${new URLSearchParams(params)}`);
}

const valid = () => ({
  response_type: 'code',
  client_id: client.clientId,
  redirect_uri: REGISTERED,
  scope: 'read:contacts',
  state: 'st4te',
});

function expectErrorPage(page: Page) {
  expect(page.status).toBe(400);
  expect(page.headers.get('location')).toBeNull();
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(page.html).toMatch(/^<!doctype html>/);
  expect(page.html).toContain('role="alert"');
}

it('the registered URI itself works (the control for every case below)', async () => {
  const page = await get(valid());
  expect(isConsentPage(page)).toBe(true);
});

describe('an unregistered redirect_uri gets an error page, never a redirect', () => {
  it.each([
    ['a longer path (prefix match)', 'https://app.example.com/cb/extra'],
    ['a prefix of the path', 'https://app.example.com/c'],
    ['a string prefix', 'https://app.example.com/cbx'],
    ['an extra path segment in front', 'https://app.example.com/extra/cb'],
    ['a trailing slash', 'https://app.example.com/cb/'],
    ['another port', 'https://app.example.com:8443/cb'],
    ['the explicit default port', 'https://app.example.com:443/cb'],
    ['another scheme', 'http://app.example.com/cb'],
    ['a fragment', 'https://app.example.com/cb#x'],
    ['a query added', 'https://app.example.com/cb?x=1'],
    ['an empty query added', 'https://app.example.com/cb?'],
    ['a host in upper case', 'https://APP.example.com/cb'],
    ['a path in upper case', 'https://app.example.com/CB'],
    ['a subdomain', 'https://evil.app.example.com/cb'],
    ['another host with the registered one as user info', 'https://app.example.com@evil.example/cb'],
    ['user info', 'https://user@app.example.com/cb'],
    ['a percent-encoded path', 'https://app.example.com/%63b'],
    ['dot segments', 'https://app.example.com/x/../cb'],
    ['a relative URI', '/cb'],
    ['another site entirely', 'https://evil.example/cb'],
  ])('%s', async (_name, redirectUri) => {
    expectErrorPage(await get({ ...valid(), redirect_uri: redirectUri }));
  });

  it('a missing redirect_uri (even with a single registered URI)', async () => {
    const { redirect_uri: _omitted, ...rest } = valid();
    expectErrorPage(await get(rest));
  });

  it('a repeated redirect_uri', async () => {
    const params = new URLSearchParams(valid());
    params.append('redirect_uri', REGISTERED);
    expectErrorPage(await fx.browser.get(`/oauth/authorize?${params}`));
  });

  it('an unknown client_id', async () => {
    expectErrorPage(await get({ ...valid(), client_id: 'no-such-client' }));
  });

  it('a missing client_id', async () => {
    const { client_id: _omitted, ...rest } = valid();
    expectErrorPage(await get(rest));
  });

  it('another client’s redirect URI', async () => {
    const other = await registerClient(fx.server, { redirectUris: ['https://other.example.com/cb'] });
    expectErrorPage(await get({ ...valid(), redirect_uri: other.redirectUri }));
  });

  it('the same checks apply to the consent form POST', async () => {
    const consent = await get(valid());
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(consent.html)?.[1] ?? '';
    const page = await fx.browser.post('/oauth/authorize', {
      ...valid(),
      redirect_uri: 'https://evil.example/cb',
      csrf_token: csrf,
      decision: 'allow',
    });
    expectErrorPage(page);
  });

  it('…also for a browser that is not logged in (checked before the login redirect)', async () => {
    const anonymous = new Browser(fx.baseUrl);
    const page = await anonymous.get(
      `/oauth/authorize?${new URLSearchParams({ ...valid(), redirect_uri: 'https://evil.example/cb' })}`,
    );
    expectErrorPage(page);
  });
});

describe('other errors are redirected to the client', () => {
  function expectErrorRedirect(page: Page, error: string, state: string | undefined) {
    expect(page.status).toBe(303);
    const location = page.location ?? new URL('about:blank');
    expect(`${location.origin}${location.pathname}`).toBe(REGISTERED);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      error,
      error_description: expect.any(String),
      ...(state === undefined ? {} : { state }),
      iss: fx.issuer,
    });
  }

  it('a missing state → invalid_request, without state', async () => {
    const { state: _omitted, ...rest } = valid();
    expectErrorRedirect(await get(rest), 'invalid_request', undefined);
  });

  it('a missing response_type → invalid_request', async () => {
    const { response_type: _omitted, ...rest } = valid();
    expectErrorRedirect(await get(rest), 'invalid_request', 'st4te');
  });

  it.each(['token', 'id_token', 'code token', 'none'])('response_type=%s → unsupported_response_type', async (type) => {
    expectErrorRedirect(await get({ ...valid(), response_type: type }), 'unsupported_response_type', 'st4te');
  });

  it('an unknown scope → invalid_scope', async () => {
    expectErrorRedirect(await get({ ...valid(), scope: 'read:contacts admin' }), 'invalid_scope', 'st4te');
  });

  it('a scope the client is not registered for → invalid_scope', async () => {
    const narrow = await registerClient(fx.server, { scopes: ['read:news'] });
    const page = await get({ ...valid(), client_id: narrow.clientId, scope: 'read:contacts' });
    expectErrorRedirect(page, 'invalid_scope', 'st4te');
  });

  it('a missing scope → invalid_request', async () => {
    const { scope: _omitted, ...rest } = valid();
    expectErrorRedirect(await get(rest), 'invalid_request', 'st4te');
  });

  it('a repeated parameter → invalid_request', async () => {
    const params = new URLSearchParams(valid());
    params.append('scope', 'read:news');
    expectErrorRedirect(await fx.browser.get(`/oauth/authorize?${params}`), 'invalid_request', 'st4te');
  });

  it('a client not registered for the authorization code grant → unauthorized_client', async () => {
    const { clientId } = await fx.server.createClient({
      name: 'cc only',
      grantTypes: ['client_credentials'],
      redirectUris: [REGISTERED],
    });
    expectErrorRedirect(await get({ ...valid(), client_id: clientId }), 'unauthorized_client', 'st4te');
  });

  it('state is returned exactly, special characters included', async () => {
    const state = 'a b&c=d/é?#"<>';
    expectErrorRedirect(await get({ ...valid(), state, response_type: 'token' }), 'unsupported_response_type', state);
  });

  it('a registered URI with a query keeps its query; the response parameters are added to it', async () => {
    const withQuery = 'https://app.example.com/cb?tenant=42';
    const tenantClient = await registerClient(fx.server, { redirectUris: [withQuery] });
    const page = await get({ ...valid(), client_id: tenantClient.clientId, redirect_uri: withQuery, scope: 'nope' });
    expect(page.status).toBe(303);
    expect(page.location?.searchParams.get('tenant')).toBe('42');
    expect(page.location?.searchParams.get('error')).toBe('invalid_scope');
    // The exact match still applies: without its query the URI is unknown.
    expectErrorPage(await get({ ...valid(), client_id: tenantClient.clientId, redirect_uri: REGISTERED }));
  });
});
