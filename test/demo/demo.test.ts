import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientOwnerId } from '../../src/apis/example/owner.js';
import { demoContacts } from '../../src/demo/contacts.js';
import { demoRedirectUris, seedDemoData } from '../../src/demo/seed.js';
import { redirectUriMatches } from '../../src/oauth/redirect-uris.js';
import { apiCall, clientToken } from '../helpers/api.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('the demo app', () => {
  it("registers the /docs page's OAuth callback on the server's own URL", () => {
    expect(demoRedirectUris('http://localhost:8080')).toContain('http://localhost:8080/docs/oauth2-redirect.html');
    expect(demoRedirectUris('https://api.example.com')).toContain('https://api.example.com/docs/oauth2-redirect.html');
  });

  it('leaves the docs callback out when the issuer is plain http on a public host (not a valid redirect URI)', () => {
    expect(demoRedirectUris('http://api.internal:8080').some((uri) => uri.includes('/docs/'))).toBe(false);
  });

  it('lets flexgate login use it: a loopback callback on any port matches', () => {
    const registered = demoRedirectUris('http://localhost:8080');
    expect(registered.some((uri) => redirectUriMatches(uri, 'http://127.0.0.1:53121/callback'))).toBe(true);
  });
});

describe('the demo data', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("is what the demo client's client-credentials token sees: the seeded contacts", async () => {
    const seed = await seedDemoData(server.ctx);
    if (!seed.created) throw new Error('expected a fresh seed');
    const token = await clientToken(server, seed.clientId, seed.clientSecret);
    const response = await apiCall<{ data: { id: string; name: string }[] }>(server.baseUrl, 'GET', '/contacts', {
      token,
    });
    expect(response.status).toBe(200);
    const seeded = demoContacts(clientOwnerId(seed.clientId), 'sandbox', 0);
    expect(seeded).toHaveLength(6);
    expect(response.body.data.map((contact) => contact.id)).toEqual(seeded.map((contact) => contact.id));
    expect(response.body.data.map((contact) => contact.name)).toEqual(seeded.map((contact) => contact.name));
  });
});
