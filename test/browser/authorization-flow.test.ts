import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppCallback,
  chromiumAvailable,
  launchChromium,
  SCREENSHOT_DIR,
  startAppCallback,
} from '../helpers/chromium.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const PASSWORD = 'a long browser password';

/**
 * The seeds' authorization-code flow in a real browser: the CSP, cookies, CSRF tokens and 303 redirects of
 * the login and consent pages must work together in Chromium, not only in fetch.
 */
describe.runIf(chromiumAvailable())('authorization code flow in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let callback: AppCallback;
  let callbackUri: string;
  let client: { clientId: string; clientSecret: string | undefined };

  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('carol', PASSWORD);
    callback = await startAppCallback();
    callbackUri = callback.uri;
    client = await server.createClient({ name: 'Browser App', redirectUris: [callbackUri] });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await server?.close();
  });

  const authorizeUrl = (state: string) =>
    `${server.baseUrl}/oauth/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: callbackUri,
      scope: 'read:contacts write:messages',
      state,
    })}`;

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });

  it('logs in, shows the consent page, allows, and returns a code that exchanges for tokens', async () => {
    const page = await browser.newPage();
    await page.goto(authorizeUrl('browser-state-1'));
    await expect(page.getByRole('heading', { name: 'Log in' }).isVisible()).resolves.toBe(true);
    await shot(page, 'login');

    await page.getByLabel('Username').fill('carol');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/oauth\/authorize/);
    const consentText = await page.textContent('main');
    expect(consentText).toContain('Browser App');
    expect(consentText).toContain('See your contacts');
    expect(consentText).toContain('Send messages on your behalf');
    await shot(page, 'consent');

    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(/\/callback\?/);
    const landed = new URL(page.url());
    expect(landed.searchParams.get('state')).toBe('browser-state-1');
    expect(landed.searchParams.get('iss')).toBe(server.baseUrl);
    const code = landed.searchParams.get('code') ?? '';

    const exchange = await fetch(`${server.baseUrl}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: callbackUri,
        client_id: client.clientId,
        client_secret: client.clientSecret ?? '',
      }),
    });
    expect(exchange.status).toBe(200);
    const tokens = (await exchange.json()) as { access_token: string; refresh_token: string };
    const me = await fetch(`${server.baseUrl}/api/v0.0.1/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await me.json()).toMatchObject({ user: { username: 'carol' }, scopes: ['read:contacts', 'write:messages'] });

    // Consent is remembered: the second authorization goes straight back to the app.
    await page.goto(authorizeUrl('browser-state-2'));
    await page.waitForURL(/\/callback\?/);
    expect(new URL(page.url()).searchParams.get('state')).toBe('browser-state-2');
    await page.close();
  });

  it('sends the user back with access_denied when they deny', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(authorizeUrl('deny-state'));
    await page.getByLabel('Username').fill('carol');
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Wrong username or password');
    await shot(page, 'login-error');

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    // A fresh browser: consent was given in another session, but for this client it is remembered per user.
    await page.waitForURL(/\/callback\?/);
    await context.close();

    const other = await server.createClient({ name: 'Second App', redirectUris: [callbackUri] });
    const page2 = await browser.newPage();
    await page2.goto(
      `${server.baseUrl}/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: other.clientId,
        redirect_uri: callbackUri,
        scope: 'read:news',
        state: 'deny-state',
      })}`,
    );
    await page2.getByLabel('Username').fill('carol');
    await page2.getByLabel('Password').fill(PASSWORD);
    await page2.getByRole('button', { name: 'Log in' }).click();
    await page2.getByRole('button', { name: 'Deny' }).click();
    await page2.waitForURL(/\/callback\?/);
    const landed = new URL(page2.url());
    expect(landed.searchParams.get('error')).toBe('access_denied');
    expect(landed.searchParams.get('state')).toBe('deny-state');
    await page2.close();
  });

  it('refuses to render the login page inside a frame on another origin (clickjacking)', async () => {
    const page = await browser.newPage();
    const framed = new Promise<boolean>((resolve) => {
      page.on('console', (message) => {
        if (message.text().includes('frame-ancestors')) resolve(true);
      });
      setTimeout(() => resolve(false), 5000);
    });
    // The callback server is another origin (other port): it frames the login page.
    await page.goto(callbackUri);
    await page.setContent(`<iframe src="${server.baseUrl}/login"></iframe>`);
    expect(await framed).toBe(true);
    const frame = page.frames().find((candidate) => candidate.url().includes('/login'));
    const loginFieldInFrame = await frame?.$('#username').catch(() => null);
    expect(loginFieldInFrame ?? null).toBeNull();
    await page.close();
  });
});
