import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

async function clientCredentials(server: TestServer, clientId: string, secret: string, scope?: string) {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
  if (scope !== undefined) body.set('scope', scope);
  const response = await fetch(`${server.baseUrl}/oauth2/token`, { method: 'POST', body });
  expect(response.status).toBe(200);
  return (await response.json()) as { access_token: string; expires_in: number };
}

describe('client-credentials token reuse (FLEXGATE_CC_TOKEN_REUSE, default 60 s)', () => {
  let server: TestServer;
  let clientId: string;
  let secret: string;

  beforeAll(async () => {
    server = await startTestServer();
    const created = await server.createClient({ name: 'reuse', grantTypes: ['client_credentials'] });
    clientId = created.clientId;
    secret = created.clientSecret ?? '';
  });
  afterAll(() => server.close());

  it('hands the same token to a repeated request, with expires_in counting down', async () => {
    const first = await clientCredentials(server, clientId, secret, 'read:contacts');
    server.clock.advance(10_000);
    const second = await clientCredentials(server, clientId, secret, 'read:contacts');
    expect(second.access_token).toBe(first.access_token);
    expect(second.expires_in).toBe(first.expires_in - 10);
  });

  it('issues a new token after the reuse window', async () => {
    const first = await clientCredentials(server, clientId, secret, 'read:news');
    server.clock.advance(61_000);
    const second = await clientCredentials(server, clientId, secret, 'read:news');
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.expires_in).toBe(3600);
  });

  it('keeps scopes apart', async () => {
    const contacts = await clientCredentials(server, clientId, secret, 'read:contacts write:contacts');
    const news = await clientCredentials(server, clientId, secret, 'read:news write:contacts');
    expect(news.access_token).not.toBe(contacts.access_token);
  });

  it('never hands out a revoked token again', async () => {
    const first = await clientCredentials(server, clientId, secret, 'read:messages');
    const revoke = await fetch(`${server.baseUrl}/oauth/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ token: first.access_token, client_id: clientId, client_secret: secret }),
    });
    expect(revoke.status).toBe(200);
    const second = await clientCredentials(server, clientId, secret, 'read:messages');
    expect(second.access_token).not.toBe(first.access_token);
    const me = await fetch(`${server.baseUrl}/api/v0.0.1/me`, {
      headers: { authorization: `Bearer ${second.access_token}` },
    });
    expect(me.status).toBe(200);
  });

  it('is off with ccTokenReuse 0: every request gets a fresh token', async () => {
    const strict = await startTestServer({ config: { ccTokenReuse: 0 } });
    try {
      const created = await strict.createClient({ name: 'strict', grantTypes: ['client_credentials'] });
      const a = await clientCredentials(strict, created.clientId, created.clientSecret ?? '');
      const b = await clientCredentials(strict, created.clientId, created.clientSecret ?? '');
      expect(b.access_token).not.toBe(a.access_token);
    } finally {
      await strict.close();
    }
  });
});
