/**
 * RFC 7009 token revocation and RFC 7662 token introspection, over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, obtainTokens, type RegisteredClient, registerClient, startFixture } from '../helpers/e2e.js';
import {
  basicAuth,
  type ClientCredentials,
  clientBody,
  getMe,
  jwtPayload,
  postForm,
  refresh,
} from '../helpers/oauth-client.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.server.close());

async function revoke(client: ClientCredentials, params: Record<string, string>) {
  const response = await fetch(`${fx.baseUrl}/oauth/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...clientBody(client), ...params }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function introspect(client: ClientCredentials | undefined, params: Record<string, string>, basic = false) {
  if (client !== undefined && basic) {
    return postForm(`${fx.baseUrl}/oauth/introspect`, params, {
      headers: { authorization: basicAuth(client.clientId, client.clientSecret ?? '') },
    });
  }
  return postForm(`${fx.baseUrl}/oauth/introspect`, { ...(client === undefined ? {} : clientBody(client)), ...params });
}

function expectRevokeOk(response: Awaited<ReturnType<typeof revoke>>) {
  expect(response.status).toBe(200);
  expect(response.text).toBe('');
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('pragma')).toBe('no-cache');
}

describe('revocation (RFC 7009)', () => {
  let client: RegisteredClient;
  beforeAll(async () => {
    client = await registerClient(fx.server);
  });

  it('revoking an access token makes /me answer 401 at once; the refresh token lives on', async () => {
    const tokens = await obtainTokens(fx, client);
    expect((await getMe(fx.baseUrl, tokens.access_token)).status).toBe(200);
    expectRevokeOk(await revoke(client, { token: tokens.access_token, token_type_hint: 'access_token' }));
    const me = await getMe(fx.baseUrl, tokens.access_token);
    expect(me.status).toBe(401);
    expect(me.headers.get('www-authenticate')).toContain('error="invalid_token"');
    // RFC 7009 §2.1: revoking an access token need not touch the refresh token.
    expect((await refresh(fx.baseUrl, client, tokens.refresh_token)).status).toBe(200);
  });

  it('works without a hint and with a wrong hint (the server searches every kind)', async () => {
    const a = await obtainTokens(fx, client);
    expectRevokeOk(await revoke(client, { token: a.access_token }));
    expect((await getMe(fx.baseUrl, a.access_token)).status).toBe(401);

    const b = await obtainTokens(fx, client);
    expectRevokeOk(await revoke(client, { token: b.refresh_token, token_type_hint: 'access_token' }));
    expect((await refresh(fx.baseUrl, client, b.refresh_token)).body.error).toBe('invalid_grant');
  });

  it('revoking a refresh token kills it and the access tokens of its family', async () => {
    const tokens = await obtainTokens(fx, client);
    const rotated = await refresh(fx.baseUrl, client, tokens.refresh_token);
    const newest = rotated.body.refresh_token ?? '';
    expectRevokeOk(await revoke(client, { token: newest, token_type_hint: 'refresh_token' }));

    const refused = await refresh(fx.baseUrl, client, newest);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
    expect((await getMe(fx.baseUrl, tokens.access_token)).status).toBe(401);
    expect((await getMe(fx.baseUrl, rotated.body.access_token)).status).toBe(401);
  });

  it('accepts HTTP Basic client authentication', async () => {
    const tokens = await obtainTokens(fx, client);
    const response = await fetch(`${fx.baseUrl}/oauth/revoke`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth(client.clientId, client.clientSecret ?? ''),
      },
      body: new URLSearchParams({ token: tokens.access_token }),
    });
    expect(response.status).toBe(200);
    expect((await getMe(fx.baseUrl, tokens.access_token)).status).toBe(401);
  });

  it('an unknown token → 200 (RFC 7009 §2.2)', async () => {
    expectRevokeOk(await revoke(client, { token: 'no-such-token' }));
    expectRevokeOk(await revoke(client, { token: 'fgr_no-such-refresh-token', token_type_hint: 'refresh_token' }));
  });

  it('another client’s tokens → 200, and they keep working', async () => {
    const other = await registerClient(fx.server);
    const tokens = await obtainTokens(fx, other);
    expectRevokeOk(await revoke(client, { token: tokens.access_token }));
    expectRevokeOk(await revoke(client, { token: tokens.refresh_token }));
    expect((await getMe(fx.baseUrl, tokens.access_token)).status).toBe(200);
    expect((await refresh(fx.baseUrl, other, tokens.refresh_token)).status).toBe(200);
  });

  it('an unsupported token_type_hint → 400 unsupported_token_type, nothing revoked', async () => {
    const tokens = await obtainTokens(fx, client);
    const response = await postForm(`${fx.baseUrl}/oauth/revoke`, {
      ...clientBody(client),
      token: tokens.access_token,
      token_type_hint: 'id_token',
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'unsupported_token_type', error_description: expect.any(String) });
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect((await getMe(fx.baseUrl, tokens.access_token)).status).toBe(200);
  });

  it('needs client authentication: a wrong secret → 401 invalid_client, nothing revoked', async () => {
    const tokens = await obtainTokens(fx, client);
    const response = await postForm(`${fx.baseUrl}/oauth/revoke`, {
      client_id: client.clientId,
      client_secret: 'fgs_wrong',
      token: tokens.access_token,
    });
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
    expect((await getMe(fx.baseUrl, tokens.access_token)).status).toBe(200);
  });

  it('a missing token parameter → 400 invalid_request', async () => {
    const response = await postForm(`${fx.baseUrl}/oauth/revoke`, clientBody(client));
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
  });
});

describe('introspection (RFC 7662)', () => {
  let client: RegisteredClient;
  beforeAll(async () => {
    client = await registerClient(fx.server);
  });

  it('an active access token: active with its claims', async () => {
    const tokens = await obtainTokens(fx, client, { scope: 'read:contacts' });
    const claims = jwtPayload(tokens.access_token);
    const response = await introspect(client, { token: tokens.access_token });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    expect(response.body).toEqual({
      active: true,
      token_type: 'Bearer',
      scope: 'read:contacts',
      client_id: client.clientId,
      sub: fx.user.id,
      iss: fx.issuer,
      aud: `${fx.issuer}/api`,
      jti: claims.jti,
      iat: claims.iat,
      exp: claims.exp,
      env: 'sandbox',
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
  });

  it('accepts HTTP Basic client authentication', async () => {
    const tokens = await obtainTokens(fx, client);
    const response = await introspect(client, { token: tokens.access_token, token_type_hint: 'access_token' }, true);
    expect(response.status).toBe(200);
    expect(response.body.active).toBe(true);
  });

  it('an active refresh token: active, with its scope and lifetime', async () => {
    const tokens = await obtainTokens(fx, client, { scope: 'read:contacts write:messages' });
    const now = Math.floor(fx.server.clock.now() / 1000);
    const response = await introspect(client, { token: tokens.refresh_token, token_type_hint: 'refresh_token' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      active: true,
      token_type: 'refresh_token',
      scope: 'read:contacts write:messages',
      client_id: client.clientId,
      sub: fx.user.id,
      iss: fx.issuer,
      iat: now,
      exp: now + 30 * 86_400,
      env: 'sandbox',
    });
  });

  it('a rotated refresh token is inactive; its successor is active', async () => {
    const tokens = await obtainTokens(fx, client);
    const rotated = await refresh(fx.baseUrl, client, tokens.refresh_token);
    expect((await introspect(client, { token: tokens.refresh_token })).body).toEqual({ active: false });
    expect((await introspect(client, { token: rotated.body.refresh_token ?? '' })).body.active).toBe(true);
  });

  it('revoked access and refresh tokens are inactive', async () => {
    const tokens = await obtainTokens(fx, client);
    expectRevokeOk(await revoke(client, { token: tokens.access_token }));
    expect((await introspect(client, { token: tokens.access_token })).body).toEqual({ active: false });

    const family = await obtainTokens(fx, client);
    expectRevokeOk(await revoke(client, { token: family.refresh_token }));
    expect((await introspect(client, { token: family.refresh_token })).body).toEqual({ active: false });
    expect((await introspect(client, { token: family.access_token })).body).toEqual({ active: false });
  });

  it('another client’s tokens → { active: false }', async () => {
    const other = await registerClient(fx.server);
    const tokens = await obtainTokens(fx, other);
    for (const token of [tokens.access_token, tokens.refresh_token]) {
      const response = await introspect(client, { token });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ active: false });
    }
    // …while the owner sees them active.
    expect((await introspect(other, { token: tokens.access_token })).body.active).toBe(true);
  });

  it('garbage and a token signed by someone else → { active: false }', async () => {
    expect((await introspect(client, { token: 'not-a-token' })).body).toEqual({ active: false });
    const tokens = await obtainTokens(fx, client);
    const [header, payload] = tokens.access_token.split('.');
    const forged = `${header}.${payload}.${Buffer.alloc(64).toString('base64url')}`;
    expect((await introspect(client, { token: forged })).body).toEqual({ active: false });
  });

  it('without client authentication → 401 invalid_client', async () => {
    const tokens = await obtainTokens(fx, client);
    const response = await introspect(undefined, { token: tokens.access_token });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('with a wrong secret in HTTP Basic → 401 invalid_client with a Basic challenge', async () => {
    const tokens = await obtainTokens(fx, client);
    const response = await introspect({ ...client, clientSecret: 'fgs_wrong' }, { token: tokens.access_token }, true);
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="flexgate"/);
  });

  // Runs last in this file: it moves the clock past the access-token lifetime.
  it('an expired access token is inactive; the refresh token of the same grant stays active', async () => {
    const tokens = await obtainTokens(fx, client);
    fx.server.clock.advance(3599_000);
    expect((await introspect(client, { token: tokens.access_token })).body.active).toBe(true);
    fx.server.clock.advance(1000);
    expect((await introspect(client, { token: tokens.access_token })).body).toEqual({ active: false });
    expect((await introspect(client, { token: tokens.refresh_token })).body.active).toBe(true);
    // Revoking an expired access token is a 200 no-op.
    expectRevokeOk(await revoke(client, { token: tokens.access_token }));
  });
});
