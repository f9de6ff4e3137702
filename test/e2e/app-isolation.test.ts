import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from '../helpers/browser-flow.js';
import {
  type CreatedPortalApp,
  clientCredentialsToken,
  createAppViaPortal,
  credentialsOn,
  csrfOf,
  DEFAULT_APP_FORM,
  formBody,
  postRaw,
} from '../helpers/developer-apps.js';
import { type Fixture, loggedInBrowser, startFixture, TEST_PASSWORD } from '../helpers/e2e.js';

/**
 * Issue 4: nobody sees or changes another developer's apps. User B tries every app URL and form against
 * user A's app, with B's own valid session and CSRF token; each answer is the same 404 as for an app that
 * does not exist, and A's app is unchanged afterwards.
 */
describe('application isolation between developers', () => {
  let fx: Fixture;
  let bob: Browser;
  let alicesApp: CreatedPortalApp;
  let bobsCsrf: string;
  let notFoundHtml: string;

  beforeAll(async () => {
    fx = await startFixture({}, 'alice');
    alicesApp = await createAppViaPortal(fx.browser);
    await fx.server.createUser('bob', TEST_PASSWORD);
    bob = await loggedInBrowser(fx.baseUrl, { username: 'bob', password: TEST_PASSWORD });
    await createAppViaPortal(bob, { ...DEFAULT_APP_FORM, name: 'Bob app' });
    bobsCsrf = csrfOf((await bob.get('/developers/apps')).html);
    notFoundHtml = (await bob.get('/developers/apps/no-such-app')).html;
  });
  afterAll(() => fx.server.close());

  const base = () => `/developers/apps/${alicesApp.appId}`;

  it("does not list A's app for B", async () => {
    const page = await bob.get('/developers/apps');
    expect(page.html).toContain('Bob app');
    expect(page.html).not.toContain(alicesApp.appId);
  });

  it.each(['', '/edit', '/delete'])('GET {app}%s is a 404 for B, like an unknown app', async (suffix) => {
    const page = await bob.get(`${base()}${suffix}`);
    expect(page.status).toBe(404);
    expect(page.html).toBe(notFoundHtml);
    expect(page.html).not.toContain(alicesApp.credentials.sandbox.clientId);
    expect(page.html).not.toContain('Shop sync');
  });

  it('POST edit (valid and invalid), rotate and delete are each a 404 for B', async () => {
    const valid = formBody({ csrf_token: bobsCsrf }, { ...DEFAULT_APP_FORM, name: 'Taken over' });
    expect((await postRaw(bob, `${base()}/edit`, valid)).status).toBe(404);
    // An invalid form must not reveal the app either (no form with field errors).
    const invalid = formBody({ csrf_token: bobsCsrf }, { name: '' });
    expect((await postRaw(bob, `${base()}/edit`, invalid)).status).toBe(404);
    for (const environment of ['sandbox', 'live']) {
      const rotated = await bob.post(`${base()}/rotate`, { csrf_token: bobsCsrf, environment, grace: 'none' });
      expect(rotated.status).toBe(404);
      expect(rotated.html).not.toContain('fgs_');
    }
    // Even with an invalid environment, ownership is checked first.
    expect((await bob.post(`${base()}/rotate`, { csrf_token: bobsCsrf, environment: 'x', grace: 'x' })).status).toBe(
      404,
    );
    expect((await bob.post(`${base()}/delete`, { csrf_token: bobsCsrf })).status).toBe(404);
    expect((await bob.post(`/admin/apps/${alicesApp.appId}/disable`, { csrf_token: bobsCsrf })).status).toBe(404);
  });

  it("leaves A's app unchanged: same settings, same ids, both secrets still work", async () => {
    const page = await fx.browser.get(base());
    expect(page.status).toBe(200);
    expect(page.html).toContain('Shop sync');
    expect(page.html).not.toContain('Taken over');
    expect(page.html).not.toContain('An administrator disabled');
    const shown = credentialsOn(page.html);
    expect(shown.sandbox.clientId).toBe(alicesApp.credentials.sandbox.clientId);
    expect(shown.live.clientId).toBe(alicesApp.credentials.live.clientId);
    for (const env of ['sandbox', 'live'] as const) {
      expect((await clientCredentialsToken(fx.baseUrl, alicesApp.credentials[env])).status).toBe(200);
    }
  });
});
