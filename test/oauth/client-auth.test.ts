/** RFC 6749 §2.3 client authentication, called directly (no HTTP). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateClient } from '../../src/oauth/client-auth.js';
import { rotateClientSecret } from '../../src/oauth/clients.js';
import { OAuthError } from '../../src/oauth/errors.js';
import type { ClientRecord } from '../../src/oauth/ports.js';
import { type Protocol, startWithClient } from './harness.js';

let p: Protocol;
let client: ClientRecord;
let secret: string;
beforeAll(async () => {
  ({ p, client, secret } = await startWithClient());
});
afterAll(() => p.close());

const authenticate = (presented: Parameters<typeof authenticateClient>[0]) =>
  authenticateClient(presented, p.ctx.clientCache, p.clock);

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OAuthError);
  return error as OAuthError;
};

describe('client authentication', () => {
  it('accepts client_secret_basic and client_secret_post, and says which was used', async () => {
    expect((await authenticate({ basic: { clientId: client.id, clientSecret: secret } })).method).toBe(
      'client_secret_basic',
    );
    expect((await authenticate({ bodyClientId: client.id, bodyClientSecret: secret })).method).toBe(
      'client_secret_post',
    );
  });

  it('MUST NOT accept two methods in one request (invalid_request)', async () => {
    const error = await refusal(
      authenticate({ basic: { clientId: client.id, clientSecret: secret }, bodyClientSecret: secret }),
    );
    expect(error.error).toBe('invalid_request');
  });

  it('refuses a body client_id that differs from the Basic one', async () => {
    const error = await refusal(
      authenticate({ basic: { clientId: client.id, clientSecret: secret }, bodyClientId: 'other' }),
    );
    expect(error.error).toBe('invalid_request');
  });

  it('answers invalid_client (401) for an unknown client, a wrong secret and no client_id alike', async () => {
    for (const presented of [
      { bodyClientId: 'nobody', bodyClientSecret: secret },
      { bodyClientId: client.id, bodyClientSecret: `${secret}x` },
      { bodyClientId: client.id },
      {},
    ]) {
      const error = await refusal(authenticate(presented));
      expect(error.error).toBe('invalid_client');
      expect(error.status).toBe(401);
      expect(error.basicAuthAttempted).toBe(false);
    }
  });

  it('marks a failed Basic attempt, so the transport sends the Basic challenge (RFC 6749 §5.2)', async () => {
    const error = await refusal(authenticate({ basic: { clientId: client.id, clientSecret: 'wrong' } }));
    expect(error.basicAuthAttempted).toBe(true);
  });

  it('refuses a public client that presents a secret, and lets one identify itself with client_id alone', async () => {
    const { client: spa } = await p.register({ name: 'SPA', isPublic: true, grantTypes: ['authorization_code'] });
    expect((await authenticate({ bodyClientId: spa.id })).method).toBe('none');
    expect((await refusal(authenticate({ bodyClientId: spa.id, bodyClientSecret: 'x' }))).error).toBe('invalid_client');
  });

  it('keeps the previous secret working during the grace period only', async () => {
    const { client: rolled, secret: old = '' } = await p.register({ name: 'Rolled' });
    const fresh = await rotateClientSecret(p.ctx, rolled.id, 60_000);
    expect((await authenticate({ bodyClientId: rolled.id, bodyClientSecret: old })).client.id).toBe(rolled.id);
    expect((await authenticate({ bodyClientId: rolled.id, bodyClientSecret: fresh })).client.id).toBe(rolled.id);
    p.clock.advance(60_001);
    expect((await refusal(authenticate({ bodyClientId: rolled.id, bodyClientSecret: old }))).error).toBe(
      'invalid_client',
    );
    expect((await authenticate({ bodyClientId: rolled.id, bodyClientSecret: fresh })).client.id).toBe(rolled.id);
  });

  it('treats a disabled client as unknown', async () => {
    const { client: off, secret: offSecret = '' } = await p.register({ name: 'Off' });
    await p.ctx.storage.clients.setDisabled(off.id, p.clock.now());
    p.ctx.clientCache.invalidate(off.id);
    expect((await refusal(authenticate({ bodyClientId: off.id, bodyClientSecret: offSecret }))).error).toBe(
      'invalid_client',
    );
  });
});
