/**
 * The refresh-token grant (RFC 6749 §6) with rotation and reuse detection (RFC 9700 §4.14.2): every refresh
 * returns a new refresh token and kills the old one; presenting a dead one kills the whole family.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, obtainTokens, registerClient, startFixture } from '../helpers/e2e.js';
import { getMe, refresh } from '../helpers/oauth-client.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.server.close());

const invalidGrant = { error: 'invalid_grant', error_description: expect.any(String) };

describe('rotation', () => {
  it('returns a new refresh token and a new access token; the old refresh token is dead at once', async () => {
    const client = await registerClient(fx.server);
    const tokens = await obtainTokens(fx, client);

    const first = await refresh(fx.baseUrl, client, tokens.refresh_token);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: expect.stringMatching(/^fgr_[\w-]{43}$/),
      scope: 'read:contacts write:messages',
    });
    expect(first.body.refresh_token).not.toBe(tokens.refresh_token);
    expect(first.body.access_token).not.toBe(tokens.access_token);

    const me = await getMe(fx.baseUrl, first.body.access_token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      client_id: client.clientId,
      user: { id: fx.user.id, username: fx.user.username },
      scopes: ['read:contacts', 'write:messages'],
    });

    const old = await refresh(fx.baseUrl, client, tokens.refresh_token);
    expect(old.status).toBe(400);
    expect(old.body).toEqual(invalidGrant);
  });

  it('a chain of refreshes works, each token once', async () => {
    const client = await registerClient(fx.server);
    let refreshToken = (await obtainTokens(fx, client)).refresh_token;
    const seen = new Set([refreshToken]);
    for (let i = 0; i < 3; i += 1) {
      const next = await refresh(fx.baseUrl, client, refreshToken);
      expect(next.status).toBe(200);
      refreshToken = next.body.refresh_token ?? '';
      expect(seen.has(refreshToken)).toBe(false);
      seen.add(refreshToken);
    }
  });

  it('reusing a rotated token revokes the family: the newest refresh token and every access token die', async () => {
    const client = await registerClient(fx.server);
    const original = await obtainTokens(fx, client);
    const second = await refresh(fx.baseUrl, client, original.refresh_token);
    const third = await refresh(fx.baseUrl, client, second.body.refresh_token ?? '');
    expect(third.status).toBe(200);
    for (const token of [original.access_token, second.body.access_token, third.body.access_token]) {
      expect((await getMe(fx.baseUrl, token)).status).toBe(200);
    }

    // An attacker (or a confused client) replays the first refresh token.
    const reuse = await refresh(fx.baseUrl, client, original.refresh_token);
    expect(reuse.status).toBe(400);
    expect(reuse.body).toEqual(invalidGrant);

    const newest = await refresh(fx.baseUrl, client, third.body.refresh_token ?? '');
    expect(newest.status).toBe(400);
    expect(newest.body).toEqual(invalidGrant);
    for (const token of [original.access_token, second.body.access_token, third.body.access_token]) {
      const me = await getMe(fx.baseUrl, token);
      expect(me.status).toBe(401);
      expect(me.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
  });

  it('revoking one family leaves the user’s other authorizations of the same client alone', async () => {
    const client = await registerClient(fx.server);
    const victim = await obtainTokens(fx, client);
    const bystander = await obtainTokens(fx, client);
    await refresh(fx.baseUrl, client, victim.refresh_token);
    await refresh(fx.baseUrl, client, victim.refresh_token);
    expect((await getMe(fx.baseUrl, bystander.access_token)).status).toBe(200);
    expect((await refresh(fx.baseUrl, client, bystander.refresh_token)).status).toBe(200);
  });

  it('an unknown refresh token → invalid_grant', async () => {
    const client = await registerClient(fx.server);
    const response = await refresh(fx.baseUrl, client, 'fgr_not-a-token-we-issued');
    expect(response.status).toBe(400);
    expect(response.body).toEqual(invalidGrant);
  });
});

describe('scope', () => {
  it('may be narrowed: the new access token carries the narrower scope', async () => {
    const client = await registerClient(fx.server);
    const tokens = await obtainTokens(fx, client, { scope: 'read:contacts write:messages' });
    const narrowed = await refresh(fx.baseUrl, client, tokens.refresh_token, { scope: 'read:contacts' });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.scope).toBe('read:contacts');
    const me = await getMe(fx.baseUrl, narrowed.body.access_token);
    expect(me.body.scopes).toEqual(['read:contacts']);
  });

  // RFC 6749 §6: an omitted scope "is treated as equal to the scope originally granted by the resource
  // owner", and the ceiling is what the owner granted, not what the last refresh asked for.
  it('after narrowing, an omitted scope and a request for the full grant both get the original scope', async () => {
    const client = await registerClient(fx.server);
    const tokens = await obtainTokens(fx, client, { scope: 'read:contacts write:messages' });
    const narrowed = await refresh(fx.baseUrl, client, tokens.refresh_token, { scope: 'read:contacts' });
    const omitted = await refresh(fx.baseUrl, client, narrowed.body.refresh_token ?? '');
    expect(omitted.status).toBe(200);
    expect(omitted.body.scope).toBe('read:contacts write:messages');
    const narrowedAgain = await refresh(fx.baseUrl, client, omitted.body.refresh_token ?? '', {
      scope: 'write:messages',
    });
    const full = await refresh(fx.baseUrl, client, narrowedAgain.body.refresh_token ?? '', {
      scope: 'read:contacts write:messages',
    });
    expect(full.status).toBe(200);
    expect(full.body.scope).toBe('read:contacts write:messages');
  });

  it.each([
    ['a scope never granted', 'read:contacts read:news'],
    ['an unknown scope', 'read:contacts admin'],
  ])('may not be widened (%s) → invalid_scope', async (_name, scope) => {
    const client = await registerClient(fx.server);
    const tokens = await obtainTokens(fx, client, { scope: 'read:contacts write:messages' });
    const widened = await refresh(fx.baseUrl, client, tokens.refresh_token, { scope });
    expect(widened.status).toBe(400);
    expect(widened.body).toEqual({ error: 'invalid_scope', error_description: expect.any(String) });
  });

  // Regression: the scope was checked after the token had been marked rotated, so a refused request burned
  // the client's only refresh token, and its next (correct) refresh was treated as reuse.
  it('a refused widening does not burn the refresh token', async () => {
    const client = await registerClient(fx.server);
    const tokens = await obtainTokens(fx, client, { scope: 'read:contacts' });
    const widened = await refresh(fx.baseUrl, client, tokens.refresh_token, { scope: 'read:contacts read:news' });
    expect(widened.body.error).toBe('invalid_scope');
    const retry = await refresh(fx.baseUrl, client, tokens.refresh_token);
    expect(retry.status).toBe(200);
    expect(retry.body.scope).toBe('read:contacts');
    expect((await getMe(fx.baseUrl, tokens.access_token)).status).toBe(200);
  });
  it('replaying a rotated token with a wider scope is still reuse: the family dies', async () => {
    const client = await registerClient(fx.server);
    const tokens = await obtainTokens(fx, client, { scope: 'read:contacts' });
    const rotated = await refresh(fx.baseUrl, client, tokens.refresh_token);
    expect(rotated.status).toBe(200);
    const replay = await refresh(fx.baseUrl, client, tokens.refresh_token, { scope: 'read:contacts read:news' });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect((await refresh(fx.baseUrl, client, rotated.body.refresh_token ?? '')).body.error).toBe('invalid_grant');
    expect((await getMe(fx.baseUrl, rotated.body.access_token)).status).toBe(401);
  });
});

describe('client binding', () => {
  it('client B presenting client A’s refresh token → invalid_grant, and the token still works for A', async () => {
    const clientA = await registerClient(fx.server);
    const clientB = await registerClient(fx.server);
    const tokens = await obtainTokens(fx, clientA);

    const stolen = await refresh(fx.baseUrl, clientB, tokens.refresh_token);
    expect(stolen.status).toBe(400);
    expect(stolen.body).toEqual(invalidGrant);

    expect((await getMe(fx.baseUrl, tokens.access_token)).status).toBe(200);
    const legit = await refresh(fx.baseUrl, clientA, tokens.refresh_token);
    expect(legit.status).toBe(200);
    expect(legit.body.refresh_token).toMatch(/^fgr_/);
  });

  it('the refresh token needs the client’s credentials: a wrong secret → invalid_client, token not burned', async () => {
    const client = await registerClient(fx.server);
    const tokens = await obtainTokens(fx, client);
    const wrong = await refresh(fx.baseUrl, { ...client, clientSecret: 'fgs_wrong' }, tokens.refresh_token);
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
    expect((await refresh(fx.baseUrl, client, tokens.refresh_token)).status).toBe(200);
  });
});

describe('expiry', () => {
  // Runs last in this file: it moves the shared clock past every session and token lifetime.
  it('a refresh token expires after 30 days → invalid_grant', async () => {
    const client = await registerClient(fx.server);
    const early = await obtainTokens(fx, client);
    const late = await obtainTokens(fx, client);

    fx.server.clock.advance(30 * 86_400_000 - 1000);
    const stillValid = await refresh(fx.baseUrl, client, early.refresh_token);
    expect(stillValid.status).toBe(200);

    fx.server.clock.advance(1000);
    const expired = await refresh(fx.baseUrl, client, late.refresh_token);
    expect(expired.status).toBe(400);
    expect(expired.body).toEqual(invalidGrant);

    // Each rotation starts a new lifetime: the token issued a second ago is good for 30 more days.
    const fresh = await refresh(fx.baseUrl, client, stillValid.body.refresh_token ?? '');
    expect(fresh.status).toBe(200);
  });
});
