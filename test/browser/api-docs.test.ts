import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_SCOPES } from '../../src/apis/example/scopes.js';
import { chromiumAvailable, launchChromium, screenshot } from '../helpers/chromium.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Swagger UI at /docs, served by Flexgate itself under its strict CSP: it renders the operations, loads
 * nothing from another host, and a developer can authorize with client credentials and try a call.
 */
describe.runIf(chromiumAvailable())('API docs (Swagger UI) in Chromium', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders the operations offline, authorizes with client credentials and tries GET /me', {
    timeout: 60_000,
  }, async () => {
    const { clientId, clientSecret } = await server.createClient({
      name: 'Docs tryout',
      scopes: EXAMPLE_SCOPES.map((scope) => scope.name),
      grantTypes: ['client_credentials'],
    });
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    const origin = new URL(server.baseUrl).origin;
    const foreign: string[] = [];
    const cspViolations: string[] = [];
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith('data:') && new URL(url).origin !== origin) foreign.push(url);
    });
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });

    await page.goto(`${server.baseUrl}/docs`);
    await page.locator('.info .title').filter({ hasText: 'Flexgate API' }).waitFor();
    await page.locator('.opblock').first().waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThan(0);
    await screenshot(page, 'api-docs');

    // Authorize: the client-credentials flow of the oauth2 scheme.
    await page.locator('.scheme-container .btn.authorize').click();
    const modal = page.locator('.modal-ux');
    await modal.waitFor();
    const flow = modal.locator('.auth-container').filter({ hasText: 'clientCredentials' });
    await flow.locator('input[id^="client_id"]').fill(clientId);
    await flow.locator('input[id^="client_secret"]').fill(clientSecret ?? '');
    await flow.getByText('select all', { exact: true }).click();
    await flow.locator('button.modal-btn.authorize').click();
    await flow.locator('button', { hasText: 'Logout' }).waitFor();
    await screenshot(page, 'api-docs-authorized');
    await modal.locator('button.btn-done').first().click();

    // Try it out: GET /me.
    const operation = page
      .locator('.opblock')
      .filter({ has: page.locator('[data-path="/me"]') })
      .first();
    await operation.locator('.opblock-summary').first().click();
    await operation.locator('.try-out__btn').click();
    await operation.locator('.execute').click();
    const status = operation.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();
    await expect(status.textContent()).resolves.toContain('200');
    await expect(
      operation.locator('.live-responses-table .response .response-col_description').first().textContent(),
    ).resolves.toContain(clientId);
    await screenshot(page, 'api-docs-try-me');

    expect(foreign).toEqual([]);
    expect(cspViolations).toEqual([]);
    await page.close();
  });
});

/** The same endpoints over plain HTTP (runs without a browser). */
describe('API docs endpoints', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves the OpenAPI document, the collection and the OAuth redirect page', async () => {
    const openapi = await fetch(`${server.baseUrl}/openapi.json`);
    expect(openapi.status).toBe(200);
    expect(((await openapi.json()) as { openapi: string }).openapi).toBe('3.1.0');
    const postman = await fetch(`${server.baseUrl}/postman.json`);
    expect(postman.status).toBe(200);
    const redirect = await fetch(`${server.baseUrl}/docs/oauth2-redirect.html`);
    expect(redirect.status).toBe(200);
    expect(await redirect.text()).toContain('oauth2-redirect.js');
    const docs = await fetch(`${server.baseUrl}/docs`);
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await docs.text()).not.toMatch(/<script>|https?:\/\//);
    expect((await fetch(`${server.baseUrl}/docs/assets/nope.js`)).status).toBe(404);
  });
});
