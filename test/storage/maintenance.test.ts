import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpired } from '../../src/maintenance.js';
import { MAX_ACCESS_TOKEN_TTL_SECONDS } from '../../src/oauth/context.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('purgeExpired', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('deletes a revoked grant once no access token of it can be alive, and keeps live grants', async () => {
    const { ctx, clock } = server;
    const { clientId } = await server.createClient({ name: 'purge', redirectUris: ['https://app.example.com/cb'] });
    const user = await server.createUser('purge-user', 'a long enough password');
    const grant = (id: string) => ({
      id,
      clientId,
      userId: user.id,
      scopes: ['read:contacts'],
      environment: 'sandbox' as const,
      createdAt: clock.now(),
      revokedAt: null,
    });
    await ctx.storage.grants.create(grant('revoked-grant'));
    await ctx.storage.grants.create(grant('live-grant'));
    await ctx.storage.grants.revoke('revoked-grant', clock.now());

    clock.advance(MAX_ACCESS_TOKEN_TTL_SECONDS * 1000 - 1000);
    await purgeExpired(ctx);
    expect(await ctx.storage.grants.findById('revoked-grant')).toBeDefined();

    clock.advance(2000);
    await purgeExpired(ctx);
    expect(await ctx.storage.grants.findById('revoked-grant')).toBeUndefined();
    expect(await ctx.storage.grants.findById('live-grant')).toBeDefined();
  });
});
