/**
 * @flexgate/client in a real browser: the built package (no bundler, plain ES modules) signs a user in
 * with PKCE (crypto.subtle), checks state and iss, exchanges the code as a public client and calls the API.
 * The single-page app and Flexgate share one origin, as they would behind one host name (the API sends no
 * CORS headers): a small reverse proxy serves the app's files and forwards everything else to Flexgate,
 * whose issuer is the proxy's URL.
 */
import { readFileSync } from 'node:fs';
import { createServer, request as forward, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, screenshot } from '../helpers/chromium.js';
import { REPO_ROOT } from '../helpers/cli-process.js';
import { freePort } from '../helpers/ports.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const SDK_DIST = join(REPO_ROOT, 'packages', 'client', 'dist');
const PASSWORD = 'correct horse battery staple';

const APP_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>SDK app</title></head>
<body><pre id="result">working…</pre><script type="module" src="/sdk-app/main.js"></script></body></html>`;

/** The app: sign in on /sdk-app/, finish on /sdk-app/callback, then show who it is and the contacts. */
const appScript = (clientId: string) => `
import { createClient } from '/sdk-app/sdk/index.js';
const out = document.getElementById('result');
const flexgate = createClient({ baseUrl: location.origin, clientId: ${JSON.stringify(clientId)}, grant: 'authorization_code' });
const redirectUri = location.origin + '/sdk-app/callback';
try {
  if (location.pathname === '/sdk-app/callback') {
    const pending = JSON.parse(sessionStorage.getItem('pending'));
    sessionStorage.removeItem('pending');
    await flexgate.handleCallback(location.href, pending);
    const me = await flexgate.getMe();
    const contacts = await flexgate.listContacts({ query: { limit: 5 } });
    out.textContent = JSON.stringify({ user: me.user && me.user.username, contacts: contacts.data.length, client: String(flexgate) });
    out.dataset.done = 'true';
  } else {
    const { url, pending } = await flexgate.authorizeUrl({ scopes: ['read:contacts'], redirectUri });
    sessionStorage.setItem('pending', JSON.stringify(pending));
    location.assign(url);
  }
} catch (error) {
  out.textContent = 'error: ' + error.name + ': ' + error.message;
  out.dataset.done = 'true';
}
`;

/** Serves /sdk-app/* itself (the app and the built SDK) and forwards every other request to Flexgate. */
function startAppProxy(port: number, flexgateUrl: string, appScriptFor: () => string): Promise<Server> {
  const target = new URL(flexgateUrl);
  const proxy = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://app.invalid').pathname;
    if (path.startsWith('/sdk-app/sdk/')) {
      const file = join(SDK_DIST, path.slice('/sdk-app/sdk/'.length).replaceAll('..', ''));
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(file, 'utf8'));
    } else if (path === '/sdk-app/main.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(appScriptFor());
    } else if (path.startsWith('/sdk-app/')) {
      response.writeHead(200, { 'content-type': 'text/html' }).end(APP_HTML);
    } else {
      const upstream = forward(
        {
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      request.pipe(upstream);
    }
  });
  return new Promise((resolve) => proxy.listen(port, '127.0.0.1', () => resolve(proxy)));
}

describe.runIf(chromiumAvailable())('@flexgate/client in Chromium', () => {
  let server: TestServer;
  let proxy: Server;
  let origin: string;
  let browser: Browser;
  let clientId = '';

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    server = await startTestServer({ config: { issuer: origin } });
    proxy = await startAppProxy(port, server.baseUrl, () => appScript(clientId));
    await server.createUser('dora', PASSWORD);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    proxy?.close();
    await server?.close();
  });

  it('signs in with PKCE as a public client and calls the API', { timeout: 60_000 }, async () => {
    ({ clientId } = await server.createClient({
      name: 'Browser app',
      isPublic: true,
      redirectUris: [`${origin}/sdk-app/callback`],
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: ['read:contacts'],
    }));
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${origin}/sdk-app/`);
    await page.getByLabel('Username').fill('dora');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(/\/sdk-app\/callback\?/);
    await page.waitForSelector('#result[data-done="true"]').catch(async (error: unknown) => {
      throw new Error(`${String(error)}\npage: ${await page.textContent('body')}\nerrors: ${pageErrors.join('; ')}`);
    });
    const result = await page.textContent('#result');
    await screenshot(page, 'sdk-in-browser');
    expect(pageErrors).toEqual([]);
    expect(JSON.parse(result ?? '{}')).toEqual({
      user: 'dora',
      contacts: 0,
      client: expect.stringContaining(clientId),
    });
  });
});
