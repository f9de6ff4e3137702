/**
 * Browser-facing security of the login and consent pages: framing, the session cookie, CSRF, login
 * failures, open redirects, session rotation and HTML escaping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, hiddenFields, isConsentPage, isLoginPage, type Page } from '../helpers/browser-flow.js';
import { type Fixture, loggedInBrowser, type RegisteredClient, registerClient, startFixture } from '../helpers/e2e.js';
import { startTestServer } from '../helpers/server.js';

let fx: Fixture;
let client: RegisteredClient;
beforeAll(async () => {
  fx = await startFixture();
  client = await registerClient(fx.server);
});
afterAll(() => fx.server.close());

const authorizeParams = (state = 'sec') => ({
  response_type: 'code',
  client_id: client.clientId,
  redirect_uri: client.redirectUri,
  scope: 'read:contacts',
  state,
});
const authorizePath = (params: Record<string, string> = authorizeParams()) =>
  `/oauth/authorize?${new URLSearchParams(params)}`;

function sessionCookie(page: Page): string | undefined {
  return page.setCookies.find((cookie) => cookie.startsWith('fg_session='));
}

/** Whether the browser's session is logged in: an authorization request then skips the login page. */
async function isLoggedIn(browser: Browser): Promise<boolean> {
  const page = await browser.get(authorizePath());
  return !(page.status === 303 && page.location?.pathname === '/login');
}

function expectNoFraming(page: Page) {
  const csp = page.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("frame-ancestors 'none'");
  expect(page.headers.get('x-frame-options')).toBe('DENY');
  expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  expect(page.headers.get('cache-control')).toBe('no-store');
}

describe('pages', () => {
  it('the login page may not be framed', async () => {
    const page = await new Browser(fx.baseUrl).get('/login');
    expect(isLoginPage(page)).toBe(true);
    expectNoFraming(page);
    // No inline script may run on it.
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('the consent page may not be framed', async () => {
    const page = await fx.browser.get(authorizePath());
    expect(isConsentPage(page)).toBe(true);
    expectNoFraming(page);
  });

  it('the error page may not be framed', async () => {
    const page = await fx.browser.get('/oauth/authorize?client_id=nope&redirect_uri=https%3A%2F%2Fx.example%2F');
    expect(page.status).toBe(400);
    expectNoFraming(page);
  });
});

describe('the session cookie', () => {
  it('is HttpOnly, SameSite=Lax, for the whole site, and not Secure on an http issuer', async () => {
    const page = await new Browser(fx.baseUrl).get('/login');
    const cookie = sessionCookie(page) ?? '';
    expect(cookie).toMatch(/^fg_session=[\w-]{43};/);
    const attributes = cookie.split(';').map((part) => part.trim().toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=lax');
    expect(attributes).toContain('path=/');
    expect(attributes).toContain(`max-age=${8 * 3600}`);
    expect(attributes).not.toContain('secure');
  });

  it('is Secure when the configured issuer is https (even though this request came over http)', async () => {
    const server = await startTestServer({ config: { issuer: 'https://auth.example.test' } });
    try {
      const page = await new Browser(server.baseUrl).get('/login');
      const attributes = (sessionCookie(page) ?? '').split(';').map((part) => part.trim().toLowerCase());
      expect(attributes).toContain('secure');
      expect(attributes).toContain('httponly');
      expect(attributes).toContain('samesite=lax');
    } finally {
      await server.close();
    }
  });

  it('logging in replaces the session id; the old id is worthless', async () => {
    const browser = new Browser(fx.baseUrl);
    const form = await browser.get('/login');
    const before = browser.cookies.get('fg_session');
    expect(before).toBeDefined();
    const result = await browser.post('/login', { ...hiddenFields(form.html), ...fx.user });
    expect(result.status).toBe(303);
    const after = browser.cookies.get('fg_session');
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect(await isLoggedIn(browser)).toBe(true);

    // Someone holding the pre-login id (e.g. one they planted) is not logged in.
    const planted = new Browser(fx.baseUrl);
    planted.cookies.set('fg_session', before ?? '');
    expect(await isLoggedIn(planted)).toBe(false);
  });

  it('an id the server did not issue is not adopted', async () => {
    const browser = new Browser(fx.baseUrl);
    browser.cookies.set('fg_session', 'attacker-chosen-session-id-aaaaaaaaaaaaaaaaa');
    const page = await browser.get('/login');
    expect(browser.cookies.get('fg_session')).not.toBe('attacker-chosen-session-id-aaaaaaaaaaaaaaaaa');
    expect(sessionCookie(page)).toBeDefined();
  });
});

describe('CSRF', () => {
  it.each([
    ['a missing csrf_token', () => ({})],
    ['a wrong csrf_token', () => ({ csrf_token: 'x'.repeat(43) })],
    ['an empty csrf_token', () => ({ csrf_token: '' })],
  ])('POST /login with %s → 403, not logged in', async (_name, csrf) => {
    const browser = new Browser(fx.baseUrl);
    const form = await browser.get('/login');
    const { csrf_token: _real, ...fields } = hiddenFields(form.html);
    const cookieBefore = browser.cookies.get('fg_session');
    const page = await browser.post('/login', { ...fields, ...csrf(), ...fx.user });
    expect(page.status).toBe(403);
    expect(page.location).toBeUndefined();
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(sessionCookie(page)).toBeUndefined();
    expect(browser.cookies.get('fg_session')).toBe(cookieBefore);
    expect(await isLoggedIn(browser)).toBe(false);
  });

  it('POST /login with the CSRF token of another session → 403', async () => {
    const attacker = new Browser(fx.baseUrl);
    const attackerForm = await attacker.get('/login');
    const victim = new Browser(fx.baseUrl);
    await victim.get('/login');
    const page = await victim.post('/login', { ...hiddenFields(attackerForm.html), ...fx.user });
    expect(page.status).toBe(403);
    expect(await isLoggedIn(victim)).toBe(false);
  });

  it('POST /login without any session → 403', async () => {
    const page = await new Browser(fx.baseUrl).post('/login', { csrf_token: 'x', return_to: '/', ...fx.user });
    expect(page.status).toBe(403);
    expect(sessionCookie(page)).toBeUndefined();
  });

  it.each([
    [
      'a missing csrf_token',
      (fields: Record<string, string>) => {
        const { csrf_token: _real, ...rest } = fields;
        return rest;
      },
    ],
    ['a wrong csrf_token', (fields: Record<string, string>) => ({ ...fields, csrf_token: 'y'.repeat(43) })],
  ])('POST /oauth/authorize with %s → 403, no code, no consent remembered', async (_name, tamper) => {
    const app = await registerClient(fx.server);
    const params = { ...authorizeParams(), client_id: app.clientId, redirect_uri: app.redirectUri };
    const consent = await fx.browser.get(authorizePath(params));
    expect(isConsentPage(consent)).toBe(true);
    const page = await fx.browser.post('/oauth/authorize', {
      ...tamper(hiddenFields(consent.html)),
      decision: 'allow',
    });
    expect(page.status).toBe(403);
    expect(page.location).toBeUndefined();
    expect(page.html).not.toContain('code=');
    // Nothing was remembered: the consent page is shown again.
    expect(isConsentPage(await fx.browser.get(authorizePath(params)))).toBe(true);
  });

  it('POST /oauth/authorize with the CSRF token of another logged-in session → 403', async () => {
    const other = await loggedInBrowser(fx.baseUrl, fx.user);
    const consent = await other.get(authorizePath());
    const page = await fx.browser.post('/oauth/authorize', { ...hiddenFields(consent.html), decision: 'allow' });
    expect(page.status).toBe(403);
    expect(page.location).toBeUndefined();
  });

  it('POST /oauth/authorize without a logged-in session → 403', async () => {
    const consent = await fx.browser.get(authorizePath());
    const page = await new Browser(fx.baseUrl).post('/oauth/authorize', {
      ...hiddenFields(consent.html),
      decision: 'allow',
    });
    expect(page.status).toBe(403);
    expect(page.location).toBeUndefined();
  });

  it('POST /logout without the CSRF token does not log out', async () => {
    const browser = await loggedInBrowser(fx.baseUrl, fx.user);
    const page = await browser.post('/logout', {});
    expect(page.status).toBe(303);
    expect(await isLoggedIn(browser)).toBe(true);
  });
});

describe('login', () => {
  it.each([
    ['a wrong password', () => ({ username: fx.user.username, password: 'not the password at all' })],
    ['an unknown user', () => ({ username: 'mallory', password: fx.user.password })],
  ])('%s → 401 with the error on the login page, not logged in', async (_name, credentials) => {
    const browser = new Browser(fx.baseUrl);
    const form = await browser.get(`/login?${new URLSearchParams({ return_to: authorizePath() })}`);
    const page = await browser.post('/login', { ...hiddenFields(form.html), ...credentials() });
    expect(page.status).toBe(401);
    expect(page.location).toBeUndefined();
    expect(isLoginPage({ ...page, status: 200 })).toBe(true);
    expect(page.html).toContain('Wrong username or password.');
    expect(page.html).toContain('role="alert"');
    expectNoFraming(page);
    // The form can be submitted again as it is: same CSRF token and destination.
    expect(hiddenFields(page.html)).toEqual(hiddenFields(form.html));
    expect(sessionCookie(page)).toBeUndefined();
    expect(await isLoggedIn(browser)).toBe(false);

    const retry = await browser.post('/login', { ...hiddenFields(page.html), ...fx.user });
    expect(retry.status).toBe(303);
    expect(retry.location?.toString()).toBe(`${fx.baseUrl}${authorizePath()}`);
  });
});

describe('open redirects through return_to', () => {
  const hostile = [
    '//evil.example',
    '//evil.example/oauth/authorize',
    '/\\evil.example',
    '\\\\evil.example',
    'https://evil.example/',
    'http:evil.example',
    'javascript:alert(1)',
    '/\t/evil.example',
    '/\n/evil.example',
    '',
  ];

  it.each(hostile)('GET /login?return_to=%j puts "/" in the form', async (returnTo) => {
    const page = await new Browser(fx.baseUrl).get(`/login?${new URLSearchParams({ return_to: returnTo })}`);
    expect(page.status).toBe(200);
    expect(hiddenFields(page.html).return_to).toBe('/');
  });

  it.each(hostile)('POST /login with return_to=%j redirects to /', async (returnTo) => {
    const browser = new Browser(fx.baseUrl);
    const form = await browser.get('/login');
    const page = await browser.post('/login', { ...hiddenFields(form.html), return_to: returnTo, ...fx.user });
    expect(page.status).toBe(303);
    expect(page.location?.origin).toBe(fx.baseUrl);
    expect(page.headers.get('location')).toBe('/');
  });

  it('a local path is kept', async () => {
    const browser = new Browser(fx.baseUrl);
    const form = await browser.get(`/login?${new URLSearchParams({ return_to: authorizePath() })}`);
    expect(hiddenFields(form.html).return_to).toBe(authorizePath());
    const page = await browser.post('/login', { ...hiddenFields(form.html), ...fx.user });
    expect(page.headers.get('location')).toBe(authorizePath());
  });
});

describe('HTML escaping', () => {
  it('a client named <script>alert(1)</script> is shown as text on the consent page', async () => {
    const evil = await registerClient(fx.server, { name: '<script>alert(1)</script>' });
    const page = await fx.browser.get(authorizePath({ ...authorizeParams(), client_id: evil.clientId }));
    expect(isConsentPage(page)).toBe(true);
    expect(page.html).not.toContain('<script>alert(1)</script>');
    expect(page.html).not.toMatch(/<script/i);
    expect(page.html).toContain('&lt;script>alert(1)&lt;/script>');
  });

  it('a hostile state is escaped in the consent form and returned intact', async () => {
    const state = '"><script>alert(2)</script><input value="';
    const page = await fx.browser.get(authorizePath(authorizeParams(state)));
    expect(isConsentPage(page)).toBe(true);
    expect(page.html).not.toMatch(/<script/i);
    expect(hiddenFields(page.html).state).toBe(state);
    const result = await fx.browser.post('/oauth/authorize', { ...hiddenFields(page.html), decision: 'deny' });
    expect(result.location?.searchParams.get('state')).toBe(state);
  });

  it('a hostile return_to is escaped on the login page', async () => {
    const returnTo = '/x"><script>alert(3)</script>';
    const page = await new Browser(fx.baseUrl).get(`/login?${new URLSearchParams({ return_to: returnTo })}`);
    expect(page.html).not.toMatch(/<script/i);
    // Normalised to its percent-encoded form, which is also what makes it a valid Location header.
    expect(hiddenFields(page.html).return_to).toBe('/x%22%3E%3Cscript%3Ealert(3)%3C/script%3E');
  });

  it('a hostile username is escaped on the failed-login page', async () => {
    const browser = new Browser(fx.baseUrl);
    const form = await browser.get('/login');
    const page = await browser.post('/login', {
      ...hiddenFields(form.html),
      username: '"><script>alert(4)</script>',
      password: 'whatever-password',
    });
    expect(page.status).toBe(401);
    expect(page.html).not.toMatch(/<script/i);
  });
});
