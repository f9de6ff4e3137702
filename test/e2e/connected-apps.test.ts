/**
 * Connected apps (/account/apps) and the portal home page: an end user sees the apps they allowed and can
 * take one back — its consent, refresh tokens and access tokens die at once — without touching anyone
 * else's; every link the home page shows answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteClient } from '../../src/oauth/clients.js';
import { listConnectedApps } from '../../src/portal/domain/connected-apps.js';
import { formatUtc } from '../../src/portal/pages/connected-apps-page.js';
import { authorize, Browser, elements, hiddenFields } from '../helpers/browser-flow.js';
import {
  type Fixture,
  loggedInBrowser,
  obtainCode,
  obtainTokens,
  type RegisteredClient,
  registerClient,
  startFixture,
  TEST_PASSWORD,
} from '../helpers/e2e.js';
import { clientBody, getMe, refresh, tokenRequest } from '../helpers/oauth-client.js';
import { testDialects } from '../helpers/server.js';

const CONTACTS_SCOPE = 'read:contacts write:contacts';
const MESSAGES_SCOPE = 'read:messages write:messages';

/** The revoke forms of a Connected apps page, as client ids. */
const revokeTargets = (html: string) =>
  elements(html, 'form')
    .map((form) => /^\/account\/apps\/([^/]+)\/revoke$/.exec(form.action ?? '')?.[1])
    .filter((id): id is string => id !== undefined)
    .map(decodeURIComponent);

/** Whether a fresh authorization of `client` by `browser` shows the consent page. */
async function asksForConsent(fx: Fixture, client: RegisteredClient, scope: string, browser = fx.browser) {
  const result = await authorize(browser, {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope,
    state: 'again',
  });
  return result.consentShown;
}

describe.each(testDialects())('connected apps (%s)', (dialect) => {
  let fx: Fixture;
  let contacts: RegisteredClient;
  let messages: RegisteredClient;
  let contactsTokens: { access_token: string; refresh_token: string };
  let messagesTokens: { access_token: string; refresh_token: string };

  beforeAll(async () => {
    fx = await startFixture({ dialect });
    contacts = await registerClient(fx.server, { name: 'Contacts Helper', scopes: CONTACTS_SCOPE.split(' ') });
    messages = await registerClient(fx.server, { name: 'Message Bot', scopes: MESSAGES_SCOPE.split(' ') });
    contactsTokens = await obtainTokens(fx, contacts, { scope: CONTACTS_SCOPE });
    messagesTokens = await obtainTokens(fx, messages, { scope: MESSAGES_SCOPE });
  });
  afterAll(() => fx?.server.close());

  it('lists every app the user allowed, with its scopes described and when it was allowed', async () => {
    const page = await fx.browser.get('/account/apps');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Contacts Helper');
    expect(page.html).toContain('See your contacts');
    expect(page.html).toContain('Create, change and delete your contacts');
    expect(page.html).toContain('Message Bot');
    expect(page.html).toContain('See the messages you sent and their delivery status');
    expect(page.html).toContain('Send messages on your behalf');
    expect(page.html).toContain(formatUtc(fx.server.clock.now()));
    expect(revokeTargets(page.html).sort()).toEqual([contacts.clientId, messages.clientId].sort());
  });

  it('refuses a revoke form without the CSRF token, or with a wrong one, and changes nothing', async () => {
    const path = `/account/apps/${contacts.clientId}/revoke`;
    expect((await fx.browser.post(path, {})).status).toBe(403);
    expect((await fx.browser.post(path, { csrf_token: 'not-the-token' })).status).toBe(403);
    expect(revokeTargets((await fx.browser.get('/account/apps')).html)).toContain(contacts.clientId);
    expect((await getMe(fx.baseUrl, contactsTokens.access_token)).status).toBe(200);
  });

  it('sends a signed-out browser to log in, for the page and for the form', async () => {
    const stranger = new Browser(fx.baseUrl);
    const page = await stranger.get('/account/apps');
    expect(page.status).toBe(303);
    expect(page.location?.pathname).toBe('/login');
    expect(page.location?.searchParams.get('return_to')).toBe('/account/apps');
    const form = await stranger.post(`/account/apps/${contacts.clientId}/revoke`, { csrf_token: 'x' });
    expect(form.status).toBe(303);
    expect(form.location?.pathname).toBe('/login');
  });

  it('shows another user none of these apps and lets them revoke none of them (404, tokens live on)', async () => {
    await fx.server.createUser('bob', TEST_PASSWORD);
    const bob = await loggedInBrowser(fx.baseUrl, { username: 'bob', password: TEST_PASSWORD });
    const page = await bob.get('/account/apps');
    expect(page.status).toBe(200);
    expect(page.html).toContain('No apps are connected to your account');
    expect(page.html).not.toContain('Contacts Helper');

    const attempt = await bob.post(`/account/apps/${contacts.clientId}/revoke`, hiddenFields(page.html));
    expect(attempt.status).toBe(404);
    const unknown = await bob.post('/account/apps/no-such-client/revoke', hiddenFields(page.html));
    expect(unknown.status).toBe(404);

    expect((await getMe(fx.baseUrl, contactsTokens.access_token)).status).toBe(200);
    const refreshed = await refresh(fx.baseUrl, contacts, contactsTokens.refresh_token);
    expect(refreshed.status).toBe(200);
    contactsTokens = {
      access_token: refreshed.body.access_token ?? '',
      refresh_token: refreshed.body.refresh_token ?? '',
    };
    expect(revokeTargets((await fx.browser.get('/account/apps')).html)).toContain(contacts.clientId);
  });

  it('revoking one app kills its tokens at once and asks for consent again; the other app is untouched', async () => {
    // Before: consent is remembered, so authorizing again goes straight back to the app.
    expect(await asksForConsent(fx, contacts, CONTACTS_SCOPE)).toBe(false);

    const list = await fx.browser.get('/account/apps');
    const revoked = await fx.browser.post(`/account/apps/${contacts.clientId}/revoke`, hiddenFields(list.html));
    expect(revoked.status).toBe(303);
    expect(revoked.location?.pathname).toBe('/account/apps');

    const after = await fx.browser.get(revoked.location ?? '/account/apps');
    expect(after.status).toBe(200);
    expect(after.html).toContain('Contacts Helper can no longer use your account');
    expect(revokeTargets(after.html)).toEqual([messages.clientId]);

    const deadRefresh = await refresh(fx.baseUrl, contacts, contactsTokens.refresh_token);
    expect(deadRefresh.status).toBe(400);
    expect(deadRefresh.body.error).toBe('invalid_grant');
    expect((await getMe(fx.baseUrl, contactsTokens.access_token)).status).toBe(401);

    expect((await getMe(fx.baseUrl, messagesTokens.access_token)).status).toBe(200);
    expect((await refresh(fx.baseUrl, messages, messagesTokens.refresh_token)).status).toBe(200);

    expect(await asksForConsent(fx, contacts, CONTACTS_SCOPE)).toBe(true);
    // The consent page was answered with Allow: the app is connected again.
    expect(revokeTargets((await fx.browser.get('/account/apps')).html)).toContain(contacts.clientId);
  });

  it('a code issued before the revocation cannot be redeemed after it, even once the user allows again', async () => {
    const redeem = (code: string) =>
      tokenRequest(fx.baseUrl, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: messages.redirectUri,
        ...clientBody(messages),
      });
    const inFlight = await obtainCode(fx, messages, { scope: MESSAGES_SCOPE });
    const inFlightToo = await obtainCode(fx, messages, { scope: MESSAGES_SCOPE });
    const list = await fx.browser.get('/account/apps');
    const revoked = await fx.browser.post(`/account/apps/${messages.clientId}/revoke`, hiddenFields(list.html));
    expect(revoked.status).toBe(303);

    const refused = await redeem(inFlight);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');

    fx.server.clock.advance(1000);
    const fresh = await obtainCode(fx, messages, { scope: MESSAGES_SCOPE });
    expect((await redeem(inFlightToo)).status).toBe(400);
    expect((await redeem(fresh)).status).toBe(200);
  });

  it('does not confirm a revocation the link merely claims', async () => {
    const page = await fx.browser.get(`/account/apps?revoked=${contacts.clientId}`);
    expect(page.html).not.toContain('can no longer use your account');
    const unknown = await fx.browser.get('/account/apps?revoked=%3Cscript%3E');
    expect(unknown.html).not.toContain('can no longer use your account');
    expect(unknown.html).not.toContain('<script>');
  });

  it('leaves out apps whose client was deleted', async () => {
    const gone = await registerClient(fx.server, { name: 'Short-lived App', scopes: ['read:news'] });
    await obtainTokens(fx, gone, { scope: 'read:news' });
    expect((await listConnectedApps(fx.server.ctx, fx.user.id)).map((app) => app.name)).toContain('Short-lived App');
    await deleteClient(fx.server.ctx, gone.clientId);
    expect((await listConnectedApps(fx.server.ctx, fx.user.id)).map((app) => app.name)).not.toContain(
      'Short-lived App',
    );
  });
});

describe('home page', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(() => fx?.server.close());

  /** GETs every link of the page with the same browser and returns those that do not answer 200. */
  async function deadLinks(browser: Browser, html: string): Promise<string[]> {
    const hrefs = [...new Set(elements(html, 'a').map((a) => a.href ?? ''))];
    const dead: string[] = [];
    for (const href of hrefs) if ((await browser.get(href)).status !== 200) dead.push(href);
    return dead;
  }

  it('signed out: says what Flexgate is and links to log in and to the discovery documents, all live', async () => {
    const browser = new Browser(fx.baseUrl);
    const page = await browser.get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const hrefs = elements(page.html, 'a').map((a) => a.href);
    expect(hrefs).toEqual(
      expect.arrayContaining(['/login', '/.well-known/oauth-authorization-server', '/.well-known/jwks.json']),
    );
    expect(hrefs).not.toContain('/account/apps');
    expect(await deadLinks(browser, page.html)).toEqual([]);
  });

  it('signed in: greets the user and links to their pages, all live', async () => {
    const page = await fx.browser.get('/');
    expect(page.status).toBe(200);
    expect(page.html).toContain(`Hello, ${fx.user.username}`);
    expect(elements(page.html, 'a').map((a) => a.href)).toContain('/account/apps');
    expect(await deadLinks(fx.browser, page.html)).toEqual([]);
  });
});
