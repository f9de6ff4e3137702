/** The token endpoint's own checks (RFC 6749 §3.2, §5.2), before any grant runs; called directly. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPPORTED_GRANT_TYPES } from '../../../src/oauth/endpoints/token.js';
import type { ClientRecord } from '../../../src/oauth/ports.js';
import { type Protocol, startWithClient } from '../harness.js';

let p: Protocol;
let client: ClientRecord;
let secret: string;
beforeAll(async () => {
  ({ p, client, secret } = await startWithClient());
});
afterAll(() => p.close());

describe('the token endpoint', () => {
  it('dispatches the three grants it supports', () => {
    expect([...SUPPORTED_GRANT_TYPES].sort()).toEqual(['authorization_code', 'client_credentials', 'refresh_token']);
  });

  it('refuses a repeated parameter (§3.2: parameters MUST NOT be included more than once)', async () => {
    await expect(
      p.token({
        grant_type: 'client_credentials',
        scope: ['read:contacts', 'write:contacts'],
        client_id: client.id,
        client_secret: secret,
      }),
    ).rejects.toMatchObject({ error: 'invalid_request' });
  });

  it('answers unsupported_grant_type for an unknown grant, and invalid_request without one', async () => {
    await expect(
      p.token({ grant_type: 'password', client_id: client.id, client_secret: secret }),
    ).rejects.toMatchObject({ error: 'unsupported_grant_type' });
    await expect(p.token({ client_id: client.id, client_secret: secret })).rejects.toMatchObject({
      error: 'invalid_request',
    });
  });

  it('authenticates the client before the grant runs', async () => {
    await expect(
      p.token({ grant_type: 'client_credentials', client_id: client.id, client_secret: 'wrong' }),
    ).rejects.toMatchObject({ error: 'invalid_client', status: 401 });
  });

  it('accepts HTTP Basic as well as the body', async () => {
    const tokens = await p.token({ grant_type: 'client_credentials' }, { clientId: client.id, clientSecret: secret });
    expect(tokens.token_type).toBe('Bearer');
  });
});
