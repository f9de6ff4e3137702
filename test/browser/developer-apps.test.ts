import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/portal/domain/users.js';
import { chromiumAvailable, launchChromium, SCREENSHOT_DIR } from '../helpers/chromium.js';
import { clientCredentialsToken } from '../helpers/developer-apps.js';
import { jwtPayload } from '../helpers/oauth-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const PASSWORD = 'a long developer password';
const HOUR = 3_600_000;

/**
 * Issue 4 in a real browser: a developer logs in, creates an application, reads each secret once, gets a
 * token with it, and rotates the sandbox secret with a grace period during which the old one still works.
 * No page needs JavaScript; the CSP, cookies and CSRF tokens must work together in Chromium.
 */
describe.runIf(chromiumAvailable())('developer portal applications in Chromium', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('devon', PASSWORD);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  const inputValue = (page: Page, selector: string) => page.locator(selector).inputValue();
  const token = (clientId: string, clientSecret: string) =>
    clientCredentialsToken(server.baseUrl, { clientId, clientSecret });

  it('creates an app, shows each secret once, and rotates with a grace period', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.baseUrl}/developers/apps`);
    await page.getByLabel('Username').fill('devon');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/developers\/apps$/);
    await expect(page.getByRole('heading', { name: 'Applications' }).isVisible()).resolves.toBe(true);
    await shot(page, 'apps-empty');

    await page.getByRole('link', { name: 'Create an application' }).click();
    await page.waitForURL(/\/developers\/apps\/new$/);
    await page.getByLabel('Name').fill('Seed quickstart');
    await page.getByLabel('Description').fill('The seeds, with my own credentials');
    await page.getByLabel('Redirect URIs').fill('http://ftp.example.com/cb');
    await page.getByRole('checkbox', { name: /read:contacts/ }).check();
    await page.getByRole('button', { name: 'Create application' }).click();
    // A field error next to its field, the typed values kept.
    await expect(page.locator('#redirectUris-error').textContent()).resolves.toContain('must use https');
    await expect(page.getByLabel('Name').inputValue()).resolves.toBe('Seed quickstart');
    await shot(page, 'app-form-errors');

    await page.getByLabel('Redirect URIs').fill('https://app.example.com/cb\nhttp://localhost:3000/cb');
    await page.getByRole('button', { name: 'Create application' }).click();
    await page.getByRole('heading', { name: 'Seed quickstart' }).waitFor();
    const sandboxId = await inputValue(page, '#sandbox-client-id');
    const sandboxSecret = await inputValue(page, '#sandbox-client-secret');
    const liveId = await inputValue(page, '#live-client-id');
    const liveSecret = await inputValue(page, '#live-client-secret');
    expect(sandboxSecret).toMatch(/^fgs_/);
    expect(liveSecret).toMatch(/^fgs_/);
    await shot(page, 'app-created');

    const sandboxToken = await token(sandboxId, sandboxSecret);
    expect(sandboxToken.status).toBe(200);
    expect(jwtPayload(sandboxToken.body.access_token ?? '')).toMatchObject({ env: 'sandbox' });
    const liveToken = await token(liveId, liveSecret);
    expect(jwtPayload(liveToken.body.access_token ?? '')).toMatchObject({ env: 'live' });

    // The secret is shown once: opening the app again shows only the client ids.
    await page.getByRole('link', { name: 'Applications' }).first().click();
    await shot(page, 'apps-list');
    await page.getByRole('link', { name: 'Seed quickstart' }).click();
    await page.getByRole('heading', { name: 'Seed quickstart' }).waitFor();
    await expect(page.locator('#sandbox-client-secret').count()).resolves.toBe(0);
    await expect(page.content()).resolves.not.toContain(sandboxSecret);
    await expect(inputValue(page, '#sandbox-client-id')).resolves.toBe(sandboxId);
    await shot(page, 'app-page');

    await page.getByLabel('Environment').selectOption('sandbox');
    await page.getByLabel('Keep the old secret working for').selectOption('1h');
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByText('New sandbox secret issued.').waitFor();
    const newSecret = await inputValue(page, '#sandbox-client-secret');
    expect(newSecret).not.toBe(sandboxSecret);
    await shot(page, 'app-rotated');

    expect((await token(sandboxId, newSecret)).status).toBe(200);
    expect((await token(sandboxId, sandboxSecret)).status).toBe(200);
    server.clock.advance(HOUR + 1000);
    expect((await token(sandboxId, sandboxSecret)).status).toBe(401);
    expect((await token(sandboxId, newSecret)).status).toBe(200);

    await page.goto(`${server.baseUrl}/developers/apps`);
    await page.getByRole('link', { name: 'Seed quickstart' }).click();
    await page.getByRole('link', { name: 'Edit application' }).click();
    await shot(page, 'app-edit');
    await page.goBack();
    await page.getByRole('link', { name: 'Delete application' }).click();
    await shot(page, 'app-delete');
    await page.getByRole('button', { name: 'Delete application' }).click();
    await page.waitForURL(/\/developers\/apps$/);
    await expect(page.getByRole('link', { name: 'Seed quickstart' }).count()).resolves.toBe(0);
    expect((await token(liveId, liveSecret)).status).toBe(401);
    await page.close();
  });

  it('lets an admin see every app and disable one', async () => {
    const owner = await browser.newContext();
    const page = await owner.newPage();
    page.setDefaultTimeout(5000);
    await logIn(page, 'devon', PASSWORD, '/developers/apps/new');
    await page.getByLabel('Name').fill('To be disabled');
    await page.getByLabel('Redirect URIs').fill('https://app.example.com/cb');
    await page.getByRole('checkbox', { name: /read:contacts/ }).check();
    await page.getByRole('button', { name: 'Create application' }).click();
    const clientId = await inputValue(page, '#live-client-id');
    const clientSecret = await inputValue(page, '#live-client-secret');
    await owner.close();

    await createUser(server.ctx, { username: 'root', password: PASSWORD, isAdmin: true });
    const admin = await browser.newContext();
    const adminPage = await admin.newPage();
    adminPage.setDefaultTimeout(5000);
    await logIn(adminPage, 'root', PASSWORD, '/admin/apps');
    await adminPage.getByRole('heading', { name: 'All applications' }).waitFor();
    await shot(adminPage, 'admin-apps');
    await adminPage.getByRole('button', { name: 'Disable To be disabled' }).click();
    await adminPage.getByText(/^Disabled /).waitFor();
    await shot(adminPage, 'admin-apps-disabled');
    expect((await token(clientId, clientSecret)).body.error).toBe('invalid_client');
    await admin.close();
  });

  /** Opens `path`, which sends the browser to the login form, and logs in; the form brings it back. */
  async function logIn(page: Page, username: string, password: string, path: string) {
    await page.goto(`${server.baseUrl}${path}`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((url) => url.pathname === path);
  }
});
