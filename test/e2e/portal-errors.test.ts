/**
 * The portal's error boundary: every refusal on a page or form is the HTML error page with its status, never
 * an OAuth JSON error (a JSON body posted to a form used to get `{"error":"invalid_request"}`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from '../helpers/e2e.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.server.close());

const post = (path: string, contentType: string, body: string) =>
  fetch(`${fx.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
    redirect: 'manual',
  });

describe('a portal form', () => {
  for (const path of ['/login', '/signup', '/developers/apps/new', '/oauth/authorize', '/account/password']) {
    it(`POST ${path} with a JSON body answers 400 with the HTML error page`, async () => {
      const response = await post(path, 'application/json', JSON.stringify({ username: 'alice' }));
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      const html = await response.text();
      expect(html).toContain('Request refused');
      expect(html).toContain('application/x-www-form-urlencoded');
    });
  }

  it('with a form body but no CSRF token answers 403 with the one form-expired text', async () => {
    const response = await post('/login', 'application/x-www-form-urlencoded', 'username=alice&password=x');
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('The form expired or did not come from this site.');
  });

  it('that is too large answers 413 with the HTML error page', async () => {
    const response = await post('/login', 'application/x-www-form-urlencoded', `username=${'a'.repeat(70 * 1024)}`);
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('the OAuth endpoints and the API keep their JSON', () => {
  it('POST /oauth/token with a JSON body is an OAuth JSON error', async () => {
    const response = await post('/oauth/token', 'application/json', '{}');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });
});
