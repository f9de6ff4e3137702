/** RFC 7009 revocation and RFC 7662 introspection, called directly. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleIntrospectionRequest } from '../../../src/oauth/endpoints/introspect.js';
import { handleRevocationRequest } from '../../../src/oauth/endpoints/revoke.js';
import type { TokenResponse } from '../../../src/oauth/grants/grant.js';
import type { ClientRecord } from '../../../src/oauth/ports.js';
import { type Protocol, REDIRECT_URI, startWithClient } from '../harness.js';

let p: Protocol;
let client: ClientRecord;
let secret: string;
beforeAll(async () => {
  ({ p, client, secret } = await startWithClient());
});
afterAll(() => p.close());

async function userTokens(): Promise<TokenResponse> {
  const { code } = await p.authorize(client);
  return p.token({
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    client_id: client.id,
    client_secret: secret,
  });
}

const asClient = (params: Record<string, string>, who = { id: client.id, secret }) => ({
  params: { ...params, client_id: who.id, client_secret: who.secret },
  basic: undefined,
});
const revoke = (token: string, who?: { id: string; secret: string }) =>
  handleRevocationRequest(p.ctx, asClient({ token }, who));
const introspect = (token: string, who?: { id: string; secret: string }) =>
  handleIntrospectionRequest(p.ctx, asClient({ token }, who));

describe('revocation', () => {
  it('revoking a refresh token revokes its grant, access tokens included (§2.1)', async () => {
    const tokens = await userTokens();
    await revoke(tokens.refresh_token ?? '');
    await expect(p.ctx.accessTokens.verify(tokens.access_token)).rejects.toThrow(/revoked/);
    expect(await introspect(tokens.refresh_token ?? '')).toEqual({ active: false });
  });

  it('revoking an access token ends that token only', async () => {
    const tokens = await userTokens();
    await revoke(tokens.access_token);
    expect(await introspect(tokens.access_token)).toEqual({ active: false });
    expect((await introspect(tokens.refresh_token ?? '')).active).toBe(true);
  });

  it("answers an unknown token, or another client's, like a success and changes nothing (§2.2)", async () => {
    const { client: other, secret: otherSecret = '' } = await p.register({ name: 'Other' });
    const tokens = await userTokens();
    await expect(revoke('no-such-token')).resolves.toBeUndefined();
    await expect(revoke(tokens.access_token, { id: other.id, secret: otherSecret })).resolves.toBeUndefined();
    expect((await introspect(tokens.access_token)).active).toBe(true);
  });

  it('refuses an unsupported token_type_hint', async () => {
    await expect(
      handleRevocationRequest(p.ctx, asClient({ token: 'x', token_type_hint: 'id_token' })),
    ).rejects.toMatchObject({ error: 'unsupported_token_type' });
  });
});

describe('introspection', () => {
  it('describes an active access token of the caller', async () => {
    const tokens = await userTokens();
    expect(await introspect(tokens.access_token)).toMatchObject({
      active: true,
      token_type: 'Bearer',
      scope: 'read:contacts',
      client_id: client.id,
      iss: 'https://auth.example.test',
      env: 'sandbox',
    });
  });

  it("answers active: false for an expired token and for another client's token", async () => {
    const { client: other, secret: otherSecret = '' } = await p.register({ name: 'Other2' });
    const tokens = await userTokens();
    expect(await introspect(tokens.access_token, { id: other.id, secret: otherSecret })).toEqual({ active: false });
    p.clock.advance(3_600_001);
    expect(await introspect(tokens.access_token)).toEqual({ active: false });
  });

  it('needs an authenticated caller: a public client cannot introspect (§2.1)', async () => {
    const { client: spa } = await p.register({ name: 'SPA', isPublic: true, grantTypes: ['authorization_code'] });
    await expect(
      handleIntrospectionRequest(p.ctx, { params: { token: 'x', client_id: spa.id }, basic: undefined }),
    ).rejects.toMatchObject({ error: 'invalid_client' });
  });
});
