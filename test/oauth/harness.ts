/**
 * The protocol called directly, without HTTP: a manual clock, a fixed random source and SQLite storage in a
 * temporary folder. Each grant, endpoint and client-authentication test starts one.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleScopeCatalogue } from '../../src/apis/example/scopes.js';
import { type NewClientInput, registerClient } from '../../src/oauth/clients.js';
import { ManualClock } from '../../src/oauth/clock.js';
import type { OAuthContext } from '../../src/oauth/context.js';
import { createOAuth, loadSharedState } from '../../src/oauth/create.js';
import {
  type AuthorizationRequest,
  approveAuthorization,
  validateAuthorizationRequest,
} from '../../src/oauth/endpoints/authorize.js';
import { handleTokenRequest } from '../../src/oauth/endpoints/token.js';
import type { TokenResponse } from '../../src/oauth/grants/grant.js';
import type { RawParams } from '../../src/oauth/params.js';
import type { ClientRecord, OAuthStorage, Random } from '../../src/oauth/ports.js';
import { openStorage } from '../../src/storage/open.js';
import type { Storage } from '../../src/storage/storage.js';

export const ISSUER = 'https://auth.example.test';
export const REDIRECT_URI = 'https://app.example.test/cb';
export const START = Date.UTC(2026, 0, 1);

/** A random source that counts: the same sequence every run, and every value distinct. */
export function countingRandom(): Random {
  let counter = 0;
  return {
    token(bytes: number) {
      counter += 1;
      const digest = createHash('sha512').update(`flexgate-test-${counter}`).digest();
      return digest.subarray(0, Math.min(bytes, digest.length)).toString('base64url');
    },
  };
}

export interface Protocol {
  ctx: Omit<OAuthContext, 'storage'> & { storage: OAuthStorage & Storage };
  clock: ManualClock;
  userId: string;
  register(input?: Partial<NewClientInput>): Promise<{ client: ClientRecord; secret: string | undefined }>;
  /** Approves an authorization request as the user and returns the code from the redirect. */
  authorize(client: ClientRecord, params?: Record<string, string>): Promise<{ code: string; redirect: URL }>;
  token(params: RawParams, basic?: { clientId: string; clientSecret: string }): Promise<TokenResponse>;
  close(): Promise<void>;
}

export async function startProtocol(): Promise<Protocol> {
  const dataDir = await mkdtemp(join(tmpdir(), 'flexgate-oauth-'));
  const storage = await openStorage({ dataDir });
  const clock = new ManualClock(START);
  const ctx = createOAuth({
    config: {
      issuer: ISSUER,
      audience: `${ISSUER}/api`,
      accessTokenTtlSeconds: 3600,
      refreshTokenTtlSeconds: 30 * 86_400,
      authorizationCodeTtlSeconds: 60,
      environmentHosts: {},
      clientCacheTtlMs: 0,
      ccTokenReuseSeconds: 0,
    },
    storage,
    scopes: exampleScopeCatalogue(),
    clock,
    random: countingRandom(),
  });
  await loadSharedState(ctx);
  const userId = 'user-1';
  await storage.users.create({ id: userId, username: 'alice', passwordHash: 'x', isAdmin: false, createdAt: START });
  return {
    ctx,
    clock,
    userId,
    async register(input = {}) {
      const { client, secret } = await registerClient(ctx, {
        name: 'Test App',
        redirectUris: [REDIRECT_URI],
        scopes: ['read:contacts', 'write:contacts'],
        grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
        ...input,
      });
      return { client, secret };
    },
    async authorize(client, params = {}) {
      const validation = await validateAuthorizationRequest(ctx, {
        response_type: 'code',
        client_id: client.id,
        redirect_uri: REDIRECT_URI,
        scope: 'read:contacts',
        state: 'st',
        ...params,
      });
      if (!validation.ok) throw validation.error;
      const redirect = new URL(await approveAuthorization(ctx, userId, validation.request as AuthorizationRequest));
      return { code: redirect.searchParams.get('code') ?? '', redirect };
    },
    token: (params, basic) => handleTokenRequest(ctx, { params, basic }),
    async close() {
      await storage.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A protocol with one confidential client (every grant, `read:contacts write:contacts`) and its secret. */
export async function startWithClient(): Promise<{ p: Protocol; client: ClientRecord; secret: string }> {
  const p = await startProtocol();
  const { client, secret = '' } = await p.register();
  return { p, client, secret };
}

/** A PKCE pair (RFC 7636): the verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = 'v'.repeat(43);
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
