/** RFC 6749 §4.1.3, RFC 7636 and RFC 9700 §4.5 for the authorization-code grant, called directly. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthError } from '../../../src/oauth/errors.js';
import type { ClientRecord } from '../../../src/oauth/ports.js';
import { type Protocol, pkcePair, REDIRECT_URI, startWithClient } from '../harness.js';

let p: Protocol;
let client: ClientRecord;
let secret: string;
beforeAll(async () => {
  ({ p, client, secret } = await startWithClient());
});
afterAll(() => p.close());

const exchange = (code: string, extra: Record<string, string> = {}, who = { id: client.id, secret }) =>
  p.token({
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    client_id: who.id,
    client_secret: who.secret,
    ...extra,
  });

const refused = async (promise: Promise<unknown>): Promise<OAuthError> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OAuthError);
  return error as OAuthError;
};

describe('the authorization-code grant', () => {
  it('exchanges a code once for an access token, a refresh token and the granted scope', async () => {
    const { code } = await p.authorize(client);
    const tokens = await exchange(code);
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read:contacts' });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const claims = await p.ctx.accessTokens.verify(tokens.access_token);
    expect(claims).toMatchObject({ clientId: client.id, userId: p.userId, scopes: ['read:contacts'] });
  });

  it('a replayed code is invalid_grant and revokes every token issued from it', async () => {
    const { code } = await p.authorize(client);
    const first = await exchange(code);
    expect((await refused(exchange(code))).error).toBe('invalid_grant');
    await expect(p.ctx.accessTokens.verify(first.access_token)).rejects.toThrow(/revoked/);
    const refresh = { grant_type: 'refresh_token', refresh_token: first.refresh_token ?? '' };
    expect((await refused(p.token({ ...refresh, client_id: client.id, client_secret: secret }))).error).toBe(
      'invalid_grant',
    );
  });

  it('an expired code is invalid_grant', async () => {
    const { code } = await p.authorize(client);
    p.clock.advance(60_000);
    expect((await refused(exchange(code))).description).toMatch(/expired/);
  });

  it('redirect_uri must be identical to the one of the authorization request', async () => {
    const { code } = await p.authorize(client);
    expect((await refused(exchange(code, { redirect_uri: `${REDIRECT_URI}/x` }))).error).toBe('invalid_grant');
  });

  it('a code issued to another client is invalid for it, and stays usable by its own client', async () => {
    const { client: other, secret: otherSecret = '' } = await p.register({ name: 'Other' });
    const { code } = await p.authorize(client);
    expect((await refused(exchange(code, {}, { id: other.id, secret: otherSecret }))).error).toBe('invalid_grant');
    expect((await exchange(code)).access_token).toEqual(expect.any(String));
  });

  it('PKCE: the verifier is required, must match, and a verifier without a challenge is a downgrade', async () => {
    const { verifier, challenge } = pkcePair();
    const pkce = { code_challenge: challenge, code_challenge_method: 'S256' };
    expect((await refused(exchange((await p.authorize(client, pkce)).code))).description).toMatch(/required/);
    const wrong = 'w'.repeat(43);
    expect(
      (await refused(exchange((await p.authorize(client, pkce)).code, { code_verifier: wrong }))).description,
    ).toMatch(/does not match/);
    expect((await exchange((await p.authorize(client, pkce)).code, { code_verifier: verifier })).scope).toBe(
      'read:contacts',
    );
    expect(
      (await refused(exchange((await p.authorize(client)).code, { code_verifier: verifier }))).description,
    ).toMatch(/no code_challenge/);
  });

  it('a code whose consent was withdrawn while in flight is refused', async () => {
    const { code } = await p.authorize(client);
    await p.ctx.storage.consents.delete(p.userId, client.id);
    expect((await refused(exchange(code))).error).toBe('invalid_grant');
  });
});
