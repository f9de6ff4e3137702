/** RFC 6749 §6 and RFC 9700 §4.14 (rotation, reuse detection) for the refresh-token grant, called directly. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientRecord } from '../../../src/oauth/ports.js';
import { type Protocol, startWithClient } from '../harness.js';

let p: Protocol;
let client: ClientRecord;
let secret: string;
beforeAll(async () => {
  ({ p, client, secret } = await startWithClient());
});
afterAll(() => p.close());

async function tokens(scope = 'read:contacts write:contacts') {
  const { code } = await p.authorize(client, { scope });
  return p.token({
    grant_type: 'authorization_code',
    code,
    redirect_uri: 'https://app.example.test/cb',
    client_id: client.id,
    client_secret: secret,
  });
}

const refresh = (refreshToken: string, extra: Record<string, string> = {}, who = { id: client.id, secret }) =>
  p.token({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: who.id,
    client_secret: who.secret,
    ...extra,
  });

describe('the refresh-token grant', () => {
  it('rotates: each refresh returns a new refresh token, and the old one is dead at once', async () => {
    const first = await tokens();
    const second = await refresh(first.refresh_token ?? '');
    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    await expect(refresh(first.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('reuse of a rotated token revokes the whole family, the newest tokens included', async () => {
    const first = await tokens();
    const second = await refresh(first.refresh_token ?? '');
    await expect(refresh(first.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(refresh(second.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(p.ctx.accessTokens.verify(second.access_token)).rejects.toThrow(/revoked/);
  });

  it('may narrow the scope, never widen it; an omitted scope is the one originally granted', async () => {
    const first = await tokens('read:contacts');
    await expect(refresh(first.refresh_token ?? '', { scope: 'read:contacts write:contacts' })).rejects.toMatchObject({
      error: 'invalid_scope',
    });
    // A refused widening leaves the token usable.
    const wide = await tokens();
    const narrowed = await refresh(wide.refresh_token ?? '', { scope: 'read:contacts' });
    expect(narrowed.scope).toBe('read:contacts');
    expect((await refresh(narrowed.refresh_token ?? '')).scope).toBe('read:contacts write:contacts');
    expect((await refresh(first.refresh_token ?? '')).scope).toBe('read:contacts');
  });

  it('an expired refresh token is invalid_grant', async () => {
    const first = await tokens();
    p.clock.advance(30 * 86_400_000);
    await expect(refresh(first.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
      description: expect.stringMatching(/expired/),
    });
  });

  it("another client's refresh token is invalid for it, and stays usable by its own client", async () => {
    const { client: other, secret: otherSecret = '' } = await p.register({ name: 'Other' });
    const first = await tokens();
    await expect(refresh(first.refresh_token ?? '', {}, { id: other.id, secret: otherSecret })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect((await refresh(first.refresh_token ?? '')).access_token).toEqual(expect.any(String));
  });
});
