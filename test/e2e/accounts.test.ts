/**
 * Accounts in the portal: sign-up (validation, CSRF, signed in afterwards), the account page and password
 * change (every other session ends), and login rate limiting (per account, per address, unknown usernames
 * alike, lock expiry on the injected clock).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, Browser, hiddenFields, isLoginPage, type Page } from '../helpers/browser-flow.js';
import {
  type Fixture,
  loggedInBrowser,
  type RegisteredClient,
  registerClient,
  startFixture,
  TEST_PASSWORD,
} from '../helpers/e2e.js';

const GOOD_PASSWORD = 'plum violet anchor 42';
const LOCKED_MESSAGE = 'Too many failed attempts. Try again in 15 minutes.';
const MINUTE = 60_000;

let fx: Fixture;
let client: RegisteredClient;
beforeAll(async () => {
  fx = await startFixture();
  client = await registerClient(fx.server);
});
afterAll(() => fx.server.close());

/** Form fields to change; undefined leaves the field out of the form. */
type Overrides = Record<string, string | undefined>;

const definedOnly = (values: Overrides): Record<string, string> =>
  Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined));

let counter = 0;
const newUsername = (prefix = 'user') => `${prefix}${++counter}-${Math.random().toString(36).slice(2, 8)}`;

/** The text of the error shown for one form field (rendered right below its input), if any. */
function fieldError(html: string, name: string): string | undefined {
  const match = html.match(new RegExp(`<p class="field-error" id="${name}-error" role="alert">([^<]*)</p>`));
  return match?.[1]?.replace(/&#39;|&apos;/g, "'");
}

/** Whether the error paragraph directly follows the field's input, and the input points at it. */
function errorIsNextTo(html: string, name: string): boolean {
  // Attribute values may contain ">" (Preact escapes only "<", "&" and '"' there), hence the quoted runs.
  const attributes = '(?:[^>"]|"[^"]*")*';
  const input =
    html.match(
      new RegExp(`<input${attributes}\\bname="${name}"${attributes}>\\s*<p class="field-error" id="${name}-error"`),
    )?.[0] ?? '';
  return new RegExp(`aria-describedby="[^"]*\\b${name}-error"`).test(input);
}

async function signUpForm(browser: Browser, query = ''): Promise<Record<string, string>> {
  const page = await browser.get(`/signup${query}`);
  expect(page.status).toBe(200);
  return hiddenFields(page.html);
}

async function signUp(browser: Browser, fields: Record<string, string>): Promise<Page> {
  return browser.post('/signup', { ...(await signUpForm(browser)), ...fields });
}

const userExists = async (username: string) =>
  (await fx.server.ctx.storage.users.findByUsername(username)) !== undefined;

const authorizeParams = () => ({
  response_type: 'code',
  client_id: client.clientId,
  redirect_uri: client.redirectUri,
  scope: 'read:contacts',
  state: 'accounts',
});

async function isLoggedIn(browser: Browser): Promise<boolean> {
  const page = await browser.get('/account');
  return page.status === 200;
}

async function login(browser: Browser, username: string, password: string): Promise<Page> {
  const form = await browser.get('/login');
  expect(isLoginPage(form)).toBe(true);
  return browser.post('/login', { ...hiddenFields(form.html), username, password });
}

describe('sign up', () => {
  it('the login page links to it, keeping where to go afterwards', async () => {
    const page = await new Browser(fx.baseUrl).get('/login?return_to=%2Faccount');
    expect(page.html).toContain('href="/signup?return_to=%2Faccount"');
  });

  it('creates the account, signs the browser in and returns to return_to', async () => {
    const browser = new Browser(fx.baseUrl);
    const returnTo = `/oauth/authorize?${new URLSearchParams(authorizeParams())}`;
    const form = await signUpForm(browser, `?${new URLSearchParams({ return_to: returnTo })}`);
    expect(form.return_to).toBe(returnTo);
    const before = browser.cookies.get('fg_session');
    const username = newUsername('new.person@example.com-');
    const page = await browser.post('/signup', {
      ...form,
      username,
      password: GOOD_PASSWORD,
      confirm_password: GOOD_PASSWORD,
    });
    expect(page.status).toBe(303);
    expect(`${page.location?.pathname}${page.location?.search}`).toBe(returnTo);
    // A new session id, as after a login.
    expect(browser.cookies.get('fg_session')).not.toBe(before);

    const user = await fx.server.ctx.storage.users.findByUsername(username);
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/);
    // The session works: the authorization request goes straight to consent, no login asked.
    const result = await authorize(browser, authorizeParams());
    expect(result.loginShown).toBe(false);
    expect(result.consentShown).toBe(true);
    expect(result.location.searchParams.get('code')).toBeTruthy();
  });

  it('a signed-in browser is sent on instead of shown the form', async () => {
    const page = await fx.browser.get('/signup?return_to=%2Faccount');
    expect(page.status).toBe(303);
    expect(page.location?.pathname).toBe('/account');
  });

  it('goes to / without a return_to, and refuses an off-site one', async () => {
    const browser = new Browser(fx.baseUrl);
    const form = await signUpForm(browser, '?return_to=%2F%2Fevil.example%2F');
    expect(form.return_to).toBe('/');
    const username = newUsername();
    const page = await browser.post('/signup', {
      ...form,
      return_to: '//evil.example/',
      username,
      password: GOOD_PASSWORD,
      confirm_password: GOOD_PASSWORD,
    });
    expect(page.status).toBe(303);
    expect(page.location?.href).toBe(`${fx.baseUrl}/`);
  });

  const long = 'x'.repeat(10 * 1024);
  it.each<[string, Overrides, string, string]>([
    ['a short password', { password: 'short pass', confirm_password: 'short pass' }, 'password', 'at least 12'],
    ['a common password', { password: 'password1234', confirm_password: 'password1234' }, 'password', 'common'],
    ['a common password in capitals', { password: 'QWERTYUIOPAS' }, 'password', 'common'],
    ['a common password of digits', { password: '123456789012' }, 'password', 'common'],
    [
      'a password containing the username',
      { username: 'margaret', password: 'Margaret-is-great' },
      'password',
      'username',
    ],
    ['a taken username', { username: 'alice' }, 'username', 'taken'],
    ['a mismatched confirmation', { confirm_password: `${GOOD_PASSWORD}!` }, 'confirm_password', 'do not match'],
    ['a 10 kB username', { username: long }, 'username', '3-64 characters'],
    ['a 10 kB password', { password: long, confirm_password: long }, 'password', 'at most 1024'],
    ['a malformed username', { username: 'two words<script>' }, 'username', '3-64 characters'],
    ['a missing username', { username: undefined }, 'username', 'Enter a username'],
    ['a missing password', { password: undefined }, 'password', 'Enter a password'],
  ])('%s → 400, the message next to the field, no user', async (_name, overrides, field, message) => {
    const username = newUsername();
    const values: Record<string, string | undefined> = {
      username,
      password: GOOD_PASSWORD,
      confirm_password: overrides.password ?? GOOD_PASSWORD,
      ...overrides,
    };
    const sent = definedOnly(values);
    const usersBefore = await fx.server.ctx.storage.users.count();
    const page = await signUp(new Browser(fx.baseUrl), sent);

    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(fieldError(page.html, field)).toContain(message);
    expect(errorIsNextTo(page.html, field)).toBe(true);
    expect(await fx.server.ctx.storage.users.count()).toBe(usersBefore);
    // The username is kept for the next try (at most a valid username's length); passwords never are.
    const kept = (sent.username ?? '').slice(0, 64);
    if (kept !== '' && !kept.includes('<')) expect(page.html).toContain(`value="${kept}"`);
    if (sent.password !== undefined) expect(page.html).not.toContain(sent.password);
    expect(page.html).not.toContain('<script>');
  });

  it('sending no fields at all gives an error for each', async () => {
    const browser = new Browser(fx.baseUrl);
    const empty = await browser.post('/signup', await signUpForm(browser));
    expect(empty.status).toBe(400);
    expect(fieldError(empty.html, 'username')).toBe('Enter a username');
    expect(fieldError(empty.html, 'password')).toBe('Enter a password');
  });

  it.each([
    ['missing', (_form: Record<string, string>) => ({})],
    ['wrong', (_form: Record<string, string>) => ({ csrf_token: 'x'.repeat(43) })],
  ])('a %s CSRF token → 403 and no user', async (_name, csrf) => {
    const browser = new Browser(fx.baseUrl);
    const { csrf_token: _real, ...form } = await signUpForm(browser);
    const username = newUsername();
    const page = await browser.post('/signup', {
      ...form,
      ...csrf(form),
      username,
      password: GOOD_PASSWORD,
      confirm_password: GOOD_PASSWORD,
    });
    expect(page.status).toBe(403);
    expect(await userExists(username)).toBe(false);
    expect(await isLoggedIn(browser)).toBe(false);
  });
});

describe('the account page', () => {
  it('asks to log in first, then comes back', async () => {
    const page = await new Browser(fx.baseUrl).get('/account');
    expect(page.status).toBe(303);
    expect(`${page.location?.pathname}${page.location?.search}`).toBe('/login?return_to=%2Faccount');
  });

  it('shows the username and a change-password form', async () => {
    const page = await fx.browser.get('/account');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<strong>alice</strong>');
    expect(page.html).toContain('action="/account/password"');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('logging out ends the session', async () => {
    const browser = await loggedInBrowser(fx.baseUrl, fx.user);
    const page = await browser.get('/account');
    const out = await browser.post('/logout', hiddenFields(page.html));
    expect(out.status).toBe(303);
    expect(out.location?.pathname).toBe('/login');
    expect(await isLoggedIn(browser)).toBe(false);
  });
});

describe('changing the password', () => {
  /** A new user with two browsers signed in (two devices). */
  async function userWithTwoBrowsers() {
    const username = newUsername('changer');
    await fx.server.createUser(username, TEST_PASSWORD);
    const credentials = { username, password: TEST_PASSWORD };
    const [first, second] = await Promise.all([
      loggedInBrowser(fx.baseUrl, credentials),
      loggedInBrowser(fx.baseUrl, credentials),
    ]);
    return { username, first, second };
  }

  async function passwordHashOf(username: string) {
    return (await fx.server.ctx.storage.users.findByUsername(username))?.passwordHash;
  }

  it('ends every other session, keeps this browser signed in, and retires the old password', async () => {
    const { username, first, second } = await userWithTwoBrowsers();
    const form = hiddenFields((await first.get('/account')).html);
    const page = await first.post('/account/password', {
      ...form,
      current_password: TEST_PASSWORD,
      password: GOOD_PASSWORD,
      confirm_password: GOOD_PASSWORD,
    });
    expect(page.status).toBe(303);
    expect(`${page.location?.pathname}${page.location?.search}`).toBe('/account?password=changed');
    const after = await first.get('/account?password=changed');
    expect(after.status).toBe(200);
    expect(after.html).toContain('Your password was changed');

    const other = await second.get('/account');
    expect(other.status).toBe(303);
    expect(other.location?.pathname).toBe('/login');

    expect((await login(new Browser(fx.baseUrl), username, TEST_PASSWORD)).status).toBe(401);
    expect((await login(new Browser(fx.baseUrl), username, GOOD_PASSWORD)).status).toBe(303);
  });

  it.each<[string, Overrides, string, string]>([
    ['a wrong current password', { current_password: 'not my password at all' }, 'current_password', 'Wrong password'],
    ['a missing current password', { current_password: undefined }, 'current_password', 'Enter your current'],
    ['a common new password', { password: 'password1234', confirm_password: 'password1234' }, 'password', 'common'],
    ['a short new password', { password: 'abc', confirm_password: 'abc' }, 'password', 'at least 12'],
    ['a mismatched confirmation', { confirm_password: 'something else entirely' }, 'confirm_password', 'do not match'],
    ['a 10 kB new password', { password: 'y'.repeat(10_240) }, 'password', 'at most 1024'],
    ['a 10 kB current password', { current_password: 'z'.repeat(10_240) }, 'current_password', 'Wrong password'],
  ])('%s → 400 next to the field, nothing changed', async (_name, overrides, field, message) => {
    const { username, first, second } = await userWithTwoBrowsers();
    const hashBefore = await passwordHashOf(username);
    const values: Record<string, string | undefined> = {
      ...hiddenFields((await first.get('/account')).html),
      current_password: TEST_PASSWORD,
      password: GOOD_PASSWORD,
      confirm_password: GOOD_PASSWORD,
      ...overrides,
    };
    const sent = definedOnly(values);
    const page = await first.post('/account/password', sent);
    expect(page.status).toBe(400);
    expect(fieldError(page.html, field)).toContain(message);
    expect(errorIsNextTo(page.html, field)).toBe(true);
    expect(page.html).not.toContain(TEST_PASSWORD);
    expect(await passwordHashOf(username)).toBe(hashBefore);
    expect(await isLoggedIn(second)).toBe(true);
  });

  it.each([
    ['missing', {}],
    ['wrong', { csrf_token: 'x'.repeat(43) }],
  ])('a %s CSRF token → 403, nothing changed', async (_name, csrf) => {
    const { username, first, second } = await userWithTwoBrowsers();
    const hashBefore = await passwordHashOf(username);
    const page = await first.post('/account/password', {
      ...csrf,
      current_password: TEST_PASSWORD,
      password: GOOD_PASSWORD,
      confirm_password: GOOD_PASSWORD,
    });
    expect(page.status).toBe(403);
    expect(await passwordHashOf(username)).toBe(hashBefore);
    expect(await isLoggedIn(first)).toBe(true);
    expect(await isLoggedIn(second)).toBe(true);
  });

  it('wrong current passwords count as failed logins: the 6th try is locked out, even with the right one', async () => {
    const { username, first } = await userWithTwoBrowsers();
    const form = hiddenFields((await first.get('/account')).html);
    const change = (current: string) =>
      first.post('/account/password', {
        ...form,
        current_password: current,
        password: GOOD_PASSWORD,
        confirm_password: GOOD_PASSWORD,
      });
    for (let i = 0; i < 5; i += 1) expect((await change(`guess number ${i}`)).status).toBe(400);
    const hashBefore = await passwordHashOf(username);
    const locked = await change(TEST_PASSWORD);
    expect(locked.status).toBe(429);
    expect(fieldError(locked.html, 'current_password')).toBe(LOCKED_MESSAGE);
    expect(await passwordHashOf(username)).toBe(hashBefore);
    // The account's login is locked as well.
    expect((await login(new Browser(fx.baseUrl), username, TEST_PASSWORD)).status).toBe(429);
  });

  it('needs a session: a signed-out POST goes to the login page', async () => {
    const page = await new Browser(fx.baseUrl).post('/account/password', { password: GOOD_PASSWORD });
    expect(page.status).toBe(303);
    expect(page.location?.pathname).toBe('/login');
  });
});

describe('login rate limiting', () => {
  let own: Fixture;
  beforeAll(async () => {
    own = await startFixture({}, 'dora');
  });
  afterAll(() => own.server.close());

  async function attempt(username: string, password: string): Promise<Page> {
    const browser = new Browser(own.baseUrl);
    const form = await browser.get('/login');
    return browser.post('/login', { ...hiddenFields(form.html), username, password });
  }

  it('locks an account for 15 minutes after 5 failures, without checking the password', async () => {
    for (let i = 0; i < 5; i += 1) expect((await attempt('dora', `wrong password ${i}`)).status).toBe(401);

    const locked = await attempt('dora', TEST_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.html).toContain(LOCKED_MESSAGE);
    expect(locked.headers.get('retry-after')).toBe('900');
    expect(locked.setCookies.filter((c) => c.startsWith('fg_session='))).toEqual([]);
    expect(fieldError(locked.html, 'password')).toBeUndefined();

    own.server.clock.advance(14 * MINUTE);
    const stillLocked = await attempt('dora', TEST_PASSWORD);
    expect(stillLocked.status).toBe(429);
    expect(stillLocked.html).toContain('Try again in 1 minute.');

    own.server.clock.advance(MINUTE);
    expect((await attempt('dora', TEST_PASSWORD)).status).toBe(303);
  });

  it('a success clears the account count', async () => {
    for (let i = 0; i < 4; i += 1) expect((await attempt('dora', 'wrong password')).status).toBe(401);
    expect((await attempt('dora', TEST_PASSWORD)).status).toBe(303);
    for (let i = 0; i < 4; i += 1) expect((await attempt('dora', 'wrong password')).status).toBe(401);
    expect((await attempt('dora', TEST_PASSWORD)).status).toBe(303);
    own.server.clock.advance(16 * MINUTE); // the address's run of failures ends too
  });

  it('locks an unknown username the same way (a lock does not reveal whether it exists)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await attempt('nobody-by-this-name', `guess ${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await attempt('NOBODY-by-this-name', 'guess')).html).toContain(LOCKED_MESSAGE);
    own.server.clock.advance(16 * MINUTE);
  });

  it('a burst of parallel guesses gets no more than 5 password checks', async () => {
    const pages = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt('dora', `parallel guess ${i}`)));
    const statuses = pages.map((page) => page.status);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((status) => status !== 401).every((status) => status === 429)).toBe(true);
    expect((await attempt('dora', TEST_PASSWORD)).status).toBe(429);
    own.server.clock.advance(16 * MINUTE);
  });

  it('locks an address after 20 failures across different usernames', async () => {
    for (let i = 0; i < 20; i += 1) expect((await attempt(`sprayed-${i}`, 'password1234')).status).toBe(401);
    // Even the right password of an account that never failed is refused from this address.
    const locked = await attempt('dora', TEST_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.html).toContain(LOCKED_MESSAGE);

    own.server.clock.advance(15 * MINUTE);
    expect((await attempt('dora', TEST_PASSWORD)).status).toBe(303);
  });
});

describe('the slow-down before the lock', () => {
  let own: Fixture;
  beforeAll(async () => {
    own = await startFixture({ config: { loginDelayMs: 100 } }, 'erin');
  });
  afterAll(() => own.server.close());

  it('holds back failed answers from the 3rd failure on, longer each time', async () => {
    const browser = new Browser(own.baseUrl);
    const form = hiddenFields((await browser.get('/login')).html);
    const elapsed: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const started = performance.now();
      const page = await browser.post('/login', { ...form, username: 'erin', password: 'not the password' });
      elapsed.push(performance.now() - started);
      expect(page.status).toBe(401);
    }
    // Lower bounds only (a busy machine may be slower, never faster).
    expect(elapsed[2]).toBeGreaterThanOrEqual(95);
    expect(elapsed[3]).toBeGreaterThanOrEqual(195);
  });
});
