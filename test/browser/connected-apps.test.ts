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
import { refresh } from '../helpers/oauth-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const PASSWORD = 'a long browser password';

/**
 * Connected apps in a real browser: allow an app, find it under Connected apps, revoke it with the page's
 * own form (CSRF token, 303 back to the list), and see the app's refresh token stop working.
 */
describe.runIf(chromiumAvailable())('connected apps in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let callback: AppCallback;
  let callbackUri: string;
  let client: { clientId: string; clientSecret: string | undefined };

  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('dana', PASSWORD);
    callback = await startAppCallback();
    callbackUri = callback.uri;
    client = await server.createClient({ name: 'Revocable App', redirectUris: [callbackUri] });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await server?.close();
  });

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });

  /** Logs in and allows the app through the pages; returns the tokens the app gets for the code. */
  async function allowApp(page: Page): Promise<{ access_token: string; refresh_token: string }> {
    await page.goto(
      `${server.baseUrl}/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: client.clientId,
        redirect_uri: callbackUri,
        scope: 'read:contacts read:news',
        state: 'connected-apps',
      })}`,
    );
    await page.getByLabel('Username').fill('dana');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(/\/callback\?/);
    const code = new URL(page.url()).searchParams.get('code') ?? '';
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
    return (await exchange.json()) as { access_token: string; refresh_token: string };
  }

  it('lists the allowed app, revokes it with one click, and its refresh token fails', async () => {
    const page = await browser.newPage();
    const tokens = await allowApp(page);

    await page.goto(`${server.baseUrl}/`);
    await shot(page, 'home-signed-in');
    await page.getByRole('link', { name: 'Connected apps' }).first().click();
    await page.waitForURL(/\/account\/apps$/);
    const listed = await page.textContent('main');
    expect(listed).toContain('Revocable App');
    expect(listed).toContain('See your contacts');
    expect(listed).toContain('Read your news');
    await shot(page, 'connected-apps');

    await page.getByRole('button', { name: 'Revoke access for Revocable App' }).click();
    await page.waitForURL(/\/account\/apps\?revoked=/);
    await expect(page.getByRole('status').textContent()).resolves.toContain('Revocable App can no longer use');
    await expect(page.textContent('main')).resolves.toContain('No apps are connected to your account');
    await shot(page, 'connected-apps-revoked');

    const refreshed = await refresh(server.baseUrl, client, tokens.refresh_token);
    expect(refreshed.status).toBe(400);
    expect(refreshed.body.error).toBe('invalid_grant');
    await page.close();
  });
});
