import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteClient } from '../../src/oauth/clients.js';
import { InputError } from '../../src/oauth/errors.js';
import { createUser } from '../../src/portal/domain/users.js';
import { elements } from '../helpers/browser-flow.js';
import {
  appIdOn,
  clientCredentialsToken,
  createAppViaPortal,
  credentialsOn,
  csrfOf,
  DEFAULT_APP_FORM,
  formBody,
  postRaw,
} from '../helpers/developer-apps.js';
import { type Fixture, loggedInBrowser, startFixture, TEST_PASSWORD } from '../helpers/e2e.js';
import { getMe, jwtPayload } from '../helpers/oauth-client.js';
import { testDialects } from '../helpers/server.js';

const HOUR = 3_600_000;

/** Issue 4: applications with sandbox and live credentials, made and managed through the portal pages. */
describe.each(testDialects())('developer portal: applications (%s)', (dialect) => {
  let fx: Fixture;

  beforeAll(async () => {
    fx = await startFixture({ dialect }, 'dora');
  });
  afterAll(() => fx.server.close());

  const tokenFor = (client: { clientId: string; clientSecret: string | undefined }) =>
    clientCredentialsToken(fx.baseUrl, client);

  it('sends a signed-out visitor to the login page', async () => {
    const page = await fetch(`${fx.baseUrl}/developers/apps`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?return_to=%2Fdevelopers%2Fapps');
  });

  it('creates an app whose sandbox and live credentials both work, each token carrying its env', async () => {
    const { appId, credentials, page } = await createAppViaPortal(fx.browser);
    expect(page.html).toContain('Shop sync');
    expect(credentials.sandbox.clientId).not.toBe(credentials.live.clientId);
    expect(credentials.sandbox.clientSecret).toMatch(/^fgs_/);

    for (const env of ['sandbox', 'live'] as const) {
      const response = await tokenFor(credentials[env]);
      expect(response.status).toBe(200);
      const claims = jwtPayload(response.body.access_token ?? '');
      expect(claims).toMatchObject({ env, client_id: credentials[env].clientId });
    }

    // The secret was shown once: the app's page shows the ids, never a secret.
    const again = await fx.browser.get(`/developers/apps/${appId}`);
    expect(again.status).toBe(200);
    const shown = credentialsOn(again.html);
    expect(shown.sandbox).toEqual({ clientId: credentials.sandbox.clientId, clientSecret: undefined });
    expect(shown.live).toEqual({ clientId: credentials.live.clientId, clientSecret: undefined });
    expect(again.html).not.toContain(credentials.sandbox.clientSecret);
    expect(again.html).not.toContain(credentials.live.clientSecret);

    const list = await fx.browser.get('/developers/apps');
    expect(list.html).toContain(`/developers/apps/${appId}`);
  });

  it("shows the first call with the app's sandbox client id, and where to go next", async () => {
    const { appId, credentials } = await createAppViaPortal(fx.browser);
    const page = await fx.browser.get(`/developers/apps/${appId}`);
    expect(page.html).toContain('Make your first call');
    expect(page.html).toContain(`${fx.issuer}/oauth2/token`);
    expect(page.html).toContain(`client_id=${credentials.sandbox.clientId}`);
    expect(page.html).toContain('href="/docs"');
    expect(page.html).toContain('href="/postman.json"');
    // The curl the page shows works as written, with the secret filled in.
    const token = await tokenFor(credentials.sandbox);
    expect(token.status).toBe(200);
  });

  it('rotation with no grace period kills the old secret at once', async () => {
    const { appId, credentials } = await createAppViaPortal(fx.browser);
    const page = await fx.browser.get(`/developers/apps/${appId}`);
    const rotated = await fx.browser.post(`/developers/apps/${appId}/rotate`, {
      csrf_token: csrfOf(page.html),
      environment: 'live',
      grace: 'none',
    });
    expect(rotated.status).toBe(200);
    const shown = credentialsOn(rotated.html);
    expect(shown.live.clientSecret).toMatch(/^fgs_/);
    expect(shown.sandbox.clientSecret).toBeUndefined();

    expect((await tokenFor(credentials.live)).status).toBe(401);
    expect((await tokenFor(shown.live)).status).toBe(200);
    // The other environment is untouched.
    expect((await tokenFor(credentials.sandbox)).status).toBe(200);
  });

  it('rotation with a 1 h grace period keeps the old secret working until the clock passes it', async () => {
    const { appId, credentials } = await createAppViaPortal(fx.browser);
    const page = await fx.browser.get(`/developers/apps/${appId}`);
    const rotated = await fx.browser.post(`/developers/apps/${appId}/rotate`, {
      csrf_token: csrfOf(page.html),
      environment: 'sandbox',
      grace: '1h',
    });
    const fresh = credentialsOn(rotated.html).sandbox;
    expect(fresh.clientSecret).toMatch(/^fgs_/);
    expect((await tokenFor(credentials.sandbox)).status).toBe(200);
    expect((await tokenFor(fresh)).status).toBe(200);

    fx.server.clock.advance(HOUR - 1000);
    expect((await tokenFor(credentials.sandbox)).status).toBe(200);
    fx.server.clock.advance(2000);
    expect((await tokenFor(credentials.sandbox)).status).toBe(401);
    expect((await tokenFor(fresh)).status).toBe(200);
  });

  it('refuses an unknown environment or grace period without changing anything', async () => {
    const { appId, credentials } = await createAppViaPortal(fx.browser);
    const page = await fx.browser.get(`/developers/apps/${appId}`);
    const csrf_token = csrfOf(page.html);
    for (const form of [
      { environment: 'production', grace: 'none' },
      { environment: 'live', grace: '1y' },
    ]) {
      const response = await fx.browser.post(`/developers/apps/${appId}/rotate`, { csrf_token, ...form });
      expect(response.status).toBe(400);
    }
    expect((await tokenFor(credentials.live)).status).toBe(200);
  });

  it('shows field errors next to their fields, keeps the values, and never fails with a 500', async () => {
    const { appId } = await createAppViaPortal(fx.browser);
    const form = await fx.browser.get(`/developers/apps/${appId}/edit`);
    expect(form.status).toBe(200);
    const bad = {
      name: 'x'.repeat(101),
      description: 'd'.repeat(501),
      redirect_uris: 'http://app.example.com/cb\nhttps://ok.example.com/cb#frag',
      scopes: ['read:everything'],
      grant_types: ['refresh_token'],
    };
    const response = await postRaw(
      fx.browser,
      `/developers/apps/${appId}/edit`,
      formBody({ csrf_token: csrfOf(form.html) }, bad),
    );
    expect(response.status).toBe(400);
    for (const field of ['name', 'description', 'redirectUris', 'scopes', 'grantTypes']) {
      expect(response.html).toContain(`id="${field}-error"`);
    }
    expect(response.html).toContain('must use https');
    expect(response.html).toContain('Unknown scope read:everything');
    // The typed values come back in the form.
    expect(elements(response.html, 'input').find((input) => input.id === 'name')?.value).toBe(bad.name);
    expect(response.html).toContain('http://app.example.com/cb');

    const fragment = await postRaw(
      fx.browser,
      `/developers/apps/${appId}/edit`,
      formBody({ csrf_token: csrfOf(form.html) }, { ...DEFAULT_APP_FORM, redirect_uris: 'https://a.example/cb#x' }),
    );
    expect(fragment.status).toBe(400);
    expect(fragment.html).toContain('must not contain a fragment');

    // Nothing changed.
    const page = await fx.browser.get(`/developers/apps/${appId}`);
    expect(page.html).toContain('Shop sync');
    expect(page.html).not.toContain('xxxxxxxxxx');
  });

  it('rejects malformed input to create with field errors, not a 500', async () => {
    const form = await fx.browser.get('/developers/apps/new');
    const csrf_token = csrfOf(form.html);
    const cases: Record<string, string>[] = [
      { csrf_token },
      { csrf_token, name: '   ', redirect_uris: 'not a uri' },
      { csrf_token, name: 'n', redirect_uris: `https://a.example/${'p'.repeat(3000)}` },
      { csrf_token, name: 'n', scopes: 'admin:everything', grant_types: 'password' },
    ];
    // PostgreSQL refuses NUL in text: such input is refused before any route (400), never a database error.
    const withNul: Record<string, string>[] = [
      { csrf_token, name: 'n', scopes: '\u0000', grant_types: 'password' },
      { csrf_token, name: 'a\u0000b', scopes: 'read:news', grant_types: 'client_credentials' },
      { csrf_token, name: 'n', description: 'x\u0000', scopes: 'read:news', grant_types: 'client_credentials' },
      {
        csrf_token,
        name: 'n',
        redirect_uris: 'https://a.example/\u0000',
        scopes: 'read:news',
        grant_types: 'client_credentials',
      },
    ];
    for (const body of withNul) {
      expect((await fx.browser.post('/developers/apps/new', body)).status).toBe(400);
    }
    for (const body of cases) {
      const response = await fx.browser.post('/developers/apps/new', body);
      expect(response.status).toBe(400);
      expect(response.html).toContain('class="field-error"');
    }
  });

  it('answers 404, never 500, for app ids that cannot exist (400 for a NUL character)', async () => {
    for (const id of ['x'.repeat(100), '..%2F..', 'no-such-app']) {
      expect((await fx.browser.get(`/developers/apps/${id}`)).status, id.slice(0, 20)).toBe(404);
    }
    for (const id of ['%00', 'a%00b']) expect((await fx.browser.get(`/developers/apps/${id}`)).status).toBe(400);
  });

  it('edits an app: both environments get the new settings', async () => {
    const { appId, credentials } = await createAppViaPortal(fx.browser);
    const form = await fx.browser.get(`/developers/apps/${appId}/edit`);
    const response = await postRaw(
      fx.browser,
      `/developers/apps/${appId}/edit`,
      formBody(
        { csrf_token: csrfOf(form.html) },
        {
          name: 'Renamed',
          description: '',
          redirect_uris: '',
          scopes: ['read:news'],
          grant_types: ['client_credentials'],
        },
      ),
    );
    expect(response.status).toBe(303);
    const page = await fx.browser.get(`/developers/apps/${appId}`);
    expect(page.html).toContain('Renamed');
    for (const env of ['sandbox', 'live'] as const) {
      expect((await tokenFor(credentials[env])).body.error).toBe('invalid_scope');
      const news = await clientCredentialsToken(fx.baseUrl, credentials[env], 'read:news');
      expect(news.status).toBe(200);
    }
  });

  it('delete asks for confirmation, then revokes every token of the app', async () => {
    const { appId, credentials } = await createAppViaPortal(fx.browser);
    const tokens = await Promise.all([tokenFor(credentials.sandbox), tokenFor(credentials.live)]);
    for (const token of tokens) expect((await getMe(fx.baseUrl, token.body.access_token)).status).toBe(200);

    const confirm = await fx.browser.get(`/developers/apps/${appId}/delete`);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('This cannot be undone');
    const deleted = await fx.browser.post(`/developers/apps/${appId}/delete`, { csrf_token: csrfOf(confirm.html) });
    expect(deleted.status).toBe(303);
    expect(deleted.location?.pathname).toBe('/developers/apps');

    for (const token of tokens) expect((await getMe(fx.baseUrl, token.body.access_token)).status).toBe(401);
    expect((await tokenFor(credentials.sandbox)).status).toBe(401);
    expect((await tokenFor(credentials.live)).status).toBe(401);
    expect((await fx.browser.get(`/developers/apps/${appId}`)).status).toBe(404);
  });

  it("refuses to delete one of an app's clients on its own (the CLI's clients delete)", async () => {
    const { credentials } = await createAppViaPortal(fx.browser);
    await expect(deleteClient(fx.server.ctx, credentials.sandbox.clientId)).rejects.toBeInstanceOf(InputError);
    expect((await tokenFor(credentials.sandbox)).status).toBe(200);
  });

  it('refuses every form with a missing or wrong CSRF token (403) and changes nothing', async () => {
    const { appId, credentials } = await createAppViaPortal(fx.browser);
    const before = await fx.browser.get(`/developers/apps/${appId}`);
    const appsBefore = (await fx.browser.get('/developers/apps')).html.match(/\/developers\/apps\/[^"/]+"/g)?.length;
    const forms: [string, Record<string, string>][] = [
      [
        '/developers/apps/new',
        { name: 'Sneaky', redirect_uris: '', scopes: 'read:news', grant_types: 'client_credentials' },
      ],
      [`/developers/apps/${appId}/edit`, { name: 'Sneaky', scopes: 'read:news', grant_types: 'client_credentials' }],
      [`/developers/apps/${appId}/rotate`, { environment: 'live', grace: 'none' }],
      [`/developers/apps/${appId}/delete`, {}],
    ];
    for (const [path, form] of forms) {
      for (const csrf of [undefined, 'wrong-token']) {
        const response = await fx.browser.post(path, csrf === undefined ? form : { ...form, csrf_token: csrf });
        expect(response.status, `${path} csrf=${csrf}`).toBe(403);
      }
    }
    const after = await fx.browser.get(`/developers/apps/${appId}`);
    expect(after.status).toBe(200);
    expect(after.html).not.toContain('Sneaky');
    expect(credentialsOn(after.html)).toEqual(credentialsOn(before.html));
    expect((await tokenFor(credentials.live)).status).toBe(200);
    const appsAfter = (await fx.browser.get('/developers/apps')).html.match(/\/developers\/apps\/[^"/]+"/g)?.length;
    expect(appsAfter).toBe(appsBefore);
  });

  describe('admin', () => {
    it('is a 404 for a developer who is not an admin', async () => {
      expect((await fx.browser.get('/admin/apps')).status).toBe(404);
      const { appId } = await createAppViaPortal(fx.browser);
      const page = await fx.browser.get('/developers/apps');
      const response = await fx.browser.post(`/admin/apps/${appId}/disable`, { csrf_token: csrfOf(page.html) });
      expect(response.status).toBe(404);
    });

    it('lists every app and disables one: its tokens and its client authentication fail', async () => {
      const { appId, credentials } = await createAppViaPortal(fx.browser);
      const tokens = await Promise.all([tokenFor(credentials.sandbox), tokenFor(credentials.live)]);
      await createUser(fx.server.ctx, { username: 'root', password: TEST_PASSWORD, isAdmin: true });
      const admin = await loggedInBrowser(fx.baseUrl, { username: 'root', password: TEST_PASSWORD });

      const list = await admin.get('/admin/apps');
      expect(list.status).toBe(200);
      expect(list.html).toContain('dora');
      const action = `/admin/apps/${appId}/disable`;
      expect(elements(list.html, 'form').some((form) => form.action === action)).toBe(true);

      const disabled = await admin.post(action, { csrf_token: csrfOf(list.html) });
      expect(disabled.status).toBe(303);
      for (const token of tokens) expect((await getMe(fx.baseUrl, token.body.access_token)).status).toBe(401);
      for (const env of ['sandbox', 'live'] as const) {
        const response = await tokenFor(credentials[env]);
        expect(response.status).toBe(401);
        expect(response.body.error).toBe('invalid_client');
      }
      // No new authorizations either: the authorization endpoint treats it as unregistered.
      const authorize = await fx.browser.get(
        `/oauth/authorize?${new URLSearchParams({
          response_type: 'code',
          client_id: credentials.live.clientId,
          redirect_uri: 'https://shop.example.com/cb',
          scope: 'read:contacts',
          state: 's',
        })}`,
      );
      expect(authorize.status).toBe(400);
      expect(authorize.html).toContain('not registered');
      const owner = await fx.browser.get(`/developers/apps/${appId}`);
      expect(owner.html).toContain('An administrator disabled this application');
      expect(appIdOn(owner.html)).toBe(appId);
    });
  });
});
