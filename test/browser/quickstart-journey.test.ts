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
import { clientCredentialsToken } from '../helpers/developer-apps.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const HOUR = 3_600_000;

/**
 * Issue 4's whole journey in one browser session per person: a developer signs up, creates an app, reads the
 * secret once and rotates it with a grace period; an end user authorizes that app, the developer's server
 * exchanges the code, the user revokes the app from Connected apps, and the refresh token dies.
 */
describe.runIf(chromiumAvailable())('the seeds quickstart through the portal, in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let callback: AppCallback;
  let callbackUri: string;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
    callback = await startAppCallback();
    callbackUri = callback.uri;
  });
  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await server?.close();
  });

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOT_DIR, `journey-${name}.png`), fullPage: true });

  async function signUp(page: Page, username: string, password: string) {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.getByLabel('Username or email address').fill(username);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Password again').fill(password);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signup'));
  }

  it('sign up, create an app, rotate, authorize as another user, revoke from Connected apps', async () => {
    // The developer.
    const developer = await browser.newPage();
    developer.setDefaultTimeout(5000);
    await signUp(developer, 'dana@example.com', 'dana has a long passphrase');
    await shot(developer, 'home');
    await developer.goto(`${server.baseUrl}/developers/apps/new`);
    await developer.getByLabel('Name').fill('Dana’s CRM sync');
    await developer.getByLabel('Redirect URIs').fill(callbackUri);
    await developer.getByRole('checkbox', { name: /read:contacts/ }).check();
    await developer.getByRole('button', { name: 'Create application' }).click();
    await developer.getByRole('heading', { name: 'Dana’s CRM sync' }).waitFor();
    const clientId = await developer.locator('#sandbox-client-id').inputValue();
    const firstSecret = await developer.locator('#sandbox-client-secret').inputValue();
    await shot(developer, 'app-created');

    await developer.getByLabel('Environment').selectOption('sandbox');
    await developer.getByLabel('Keep the old secret working for').selectOption('1h');
    await developer.getByRole('button', { name: 'Rotate secret' }).click();
    await developer.getByText('New sandbox secret issued.').waitFor();
    const secret = await developer.locator('#sandbox-client-secret').inputValue();
    expect((await clientCredentialsToken(server.baseUrl, { clientId, clientSecret: firstSecret })).status).toBe(200);
    server.clock.advance(HOUR + 1000);
    expect((await clientCredentialsToken(server.baseUrl, { clientId, clientSecret: firstSecret })).status).toBe(401);
    expect((await clientCredentialsToken(server.baseUrl, { clientId, clientSecret: secret })).status).toBe(200);

    // An end user, in another browser, signs up while authorizing the app (the seeds' step 1 and 2).
    const user = await (await browser.newContext()).newPage();
    user.setDefaultTimeout(5000);
    const authorize = new URL('/oauth/authorize', server.baseUrl);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: callbackUri,
      scope: 'read:contacts',
      state: 'journey',
    }).toString();
    await user.goto(authorize.toString());
    await user.getByRole('link', { name: 'Sign up' }).click();
    await user.getByLabel('Username or email address').fill('erin');
    await user.getByLabel('Password', { exact: true }).fill('tall green lanterns at dusk');
    await user.getByLabel('Password again').fill('tall green lanterns at dusk');
    await user.getByRole('button', { name: 'Sign up' }).click();
    await user.getByRole('button', { name: 'Allow' }).waitFor();
    await shot(user, 'consent');
    await user.getByRole('button', { name: 'Allow' }).click();
    await user.waitForURL(/\/callback\?/);
    const code = new URL(user.url()).searchParams.get('code') ?? '';

    // The developer's server exchanges the code (seed 001 step 4).
    const exchange = await fetch(`${server.baseUrl}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: callbackUri,
        client_id: clientId,
        client_secret: secret,
      }),
    });
    expect(exchange.status).toBe(200);
    const tokens = (await exchange.json()) as { access_token: string; refresh_token: string };

    // The user revokes the app; its refresh token and access token die at once.
    await user.goto(`${server.baseUrl}/account/apps`);
    await shot(user, 'connected-apps');
    await user.getByRole('button', { name: 'Revoke access for Dana’s CRM sync' }).click();
    await user.waitForURL(/\/account\/apps/);
    const refreshed = await fetch(`${server.baseUrl}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: clientId,
        client_secret: secret,
      }),
    });
    expect(refreshed.status).toBe(400);
    expect(await refreshed.json()).toMatchObject({ error: 'invalid_grant' });
    const me = await fetch(`${server.baseUrl}/api/v0.0.1/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(me.status).toBe(401);
  });
});
