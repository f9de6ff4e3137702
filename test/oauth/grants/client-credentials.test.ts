/** RFC 6749 §4.4 client credentials, called directly. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthError } from '../../../src/oauth/errors.js';
import type { ClientRecord } from '../../../src/oauth/ports.js';
import { type Protocol, startWithClient } from '../harness.js';

let p: Protocol;
let client: ClientRecord;
let secret: string;
beforeAll(async () => {
  ({ p, client, secret } = await startWithClient());
});
afterAll(() => p.close());

const issue = (extra: Record<string, string> = {}) =>
  p.token({ grant_type: 'client_credentials', client_id: client.id, client_secret: secret, ...extra });

describe('the client-credentials grant', () => {
  it('issues a token for every registered scope by default, and no refresh token (RFC 6749 §4.4.3)', async () => {
    const tokens = await issue();
    expect(tokens.scope.split(' ').sort()).toEqual(['read:contacts', 'write:contacts']);
    expect(tokens.refresh_token).toBeUndefined();
    expect(await p.ctx.accessTokens.verify(tokens.access_token)).toMatchObject({ clientId: client.id, userId: null });
  });

  it('narrows to the requested scopes', async () => {
    expect((await issue({ scope: 'read:contacts' })).scope).toBe('read:contacts');
  });

  it('refuses a scope the client may not request (invalid_scope)', async () => {
    await expect(issue({ scope: 'read:news' })).rejects.toMatchObject({ error: 'invalid_scope' });
    await expect(issue({ scope: 'bad"scope' })).rejects.toBeInstanceOf(OAuthError);
  });

  it('is refused for a client that may not use it (unauthorized_client)', async () => {
    const { client: codeOnly, secret: codeOnlySecret = '' } = await p.register({
      name: 'Code only',
      grantTypes: ['authorization_code'],
    });
    await expect(
      p.token({ grant_type: 'client_credentials', client_id: codeOnly.id, client_secret: codeOnlySecret }),
    ).rejects.toMatchObject({ error: 'unauthorized_client' });
  });

  it('signs a new token for every request when reuse is off', async () => {
    const [first, second] = [await issue(), await issue()];
    expect(first.access_token).not.toBe(second.access_token);
  });
});
