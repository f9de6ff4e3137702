/**
 * The SDK with the authorization-code grant (PKCE) and rotating refresh tokens against a real Flexgate
 * server: the callback checks, refresh before expiry, one refresh for many concurrent calls, rotation across
 * process restarts with the file store, and what happens when the server revokes the grant.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthorizationCallbackError,
  AuthorizationRequiredError,
  createClient,
  MemoryTokenStore,
  type StoredTokens,
  type TokenStore,
} from '../../packages/client/src/index.js';
import { FileTokenStore } from '../../packages/client/src/node.js';
import { APP_REDIRECT_URI, type Fixture, startFixture } from '../helpers/e2e.js';
import { refresh } from '../helpers/oauth-client.js';
import { countingFetch, createWebApp, signIn, type WebApp, type WebAppClientOptions } from './sdk-helpers.js';

let fx: Fixture;
let app: WebApp;
let confidential: { clientId: string; clientSecret: string };
let publicClientId: string;
let dir: string;

beforeAll(async () => {
  fx = await startFixture();
  app = await createWebApp(fx);
  confidential = { clientId: app.clientId, clientSecret: app.clientSecret };
  const spa = await fx.server.createClient({
    name: 'SPA',
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['read:contacts'],
    redirectUris: [APP_REDIRECT_URI],
    isPublic: true,
  });
  publicClientId = spa.clientId;
  dir = await mkdtemp(join(tmpdir(), 'flexgate-sdk-'));
});
afterAll(async () => {
  await fx.server.close();
  await rm(dir, { recursive: true, force: true });
});

const webApp = (options: WebAppClientOptions = {}) => app.client(options);
const signedIn = (options: WebAppClientOptions = {}) => app.signedIn(options);

const revokeAtServer = (token: string, hint: string) =>
  fetch(`${fx.baseUrl}/oauth/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      token,
      token_type_hint: hint,
      client_id: confidential.clientId,
      client_secret: confidential.clientSecret,
    }).toString(),
  });

describe('authorization code with PKCE', () => {
  it('authorizeUrl: a fresh state and an S256 challenge every time', async () => {
    const sdk = webApp();
    const first = await sdk.authorizeUrl({ scopes: ['read:contacts'], redirectUri: APP_REDIRECT_URI });
    const second = await sdk.authorizeUrl({ scopes: ['read:contacts'], redirectUri: APP_REDIRECT_URI });
    const url = new URL(first.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${fx.baseUrl}/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: confidential.clientId,
      redirect_uri: APP_REDIRECT_URI,
      scope: 'read:contacts',
      state: first.pending.state,
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
    });
    expect(first.pending.codeVerifier).toMatch(/^[\w-]{43,128}$/);
    expect(url.searchParams.get('code_challenge')).not.toBe(first.pending.codeVerifier);
    expect(second.pending.state).not.toBe(first.pending.state);
    expect(second.pending.codeVerifier).not.toBe(first.pending.codeVerifier);
  });

  it('end to end (confidential client): tokens stored, the API answers', async () => {
    const { sdk, store } = await signedIn();
    const stored = await store.load();
    expect(stored).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^fgr_/),
      scope: 'read:contacts write:contacts',
      tokenType: 'Bearer',
    });
    await expect(sdk.getMe()).resolves.toMatchObject({ client_id: confidential.clientId, user: { id: fx.user.id } });
  });

  it('end to end (public client, PKCE only, no secret)', async () => {
    const store = new MemoryTokenStore();
    const spa = createClient({ baseUrl: fx.baseUrl, clientId: publicClientId, tokenStore: store });
    const { callback, pending } = await signIn(fx, spa, { scopes: ['read:contacts'] });
    await spa.handleCallback(callback, pending);
    expect((await store.load())?.refreshToken).toEqual(expect.any(String));
    await expect(spa.listContacts()).resolves.toMatchObject({ data: expect.any(Array) });
  });

  it('handleCallback takes a relative callback URL (a server’s request.url), read against the redirect URI', async () => {
    const store = new MemoryTokenStore();
    const sdk = webApp({ store });
    const { callback, pending } = await signIn(fx, sdk);
    await sdk.handleCallback(`${callback.pathname}${callback.search}`, pending);
    expect((await store.load())?.refreshToken).toEqual(expect.any(String));
  });

  it('a wrong state → error, nothing stored, the code not redeemed', async () => {
    const counter = countingFetch();
    const store = new MemoryTokenStore();
    const sdk = webApp({ store, fetch: counter.fetch });
    const { callback, pending } = await signIn(fx, sdk);
    const error = await sdk
      .handleCallback(callback, { ...pending, state: 'another-state' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthorizationCallbackError);
    expect(error).toMatchObject({ error: 'state_mismatch' });
    expect(await store.load()).toBeUndefined();
    expect(counter.grants('authorization_code')).toBe(0);
    await expect(sdk.getAccessToken()).rejects.toBeInstanceOf(AuthorizationRequiredError);
  });

  it('a wrong or missing iss → error, nothing stored', async () => {
    const store = new MemoryTokenStore();
    const sdk = webApp({ store });
    const { callback, pending } = await signIn(fx, sdk);
    expect(callback.searchParams.get('iss')).toBe(fx.issuer);
    const forged = new URL(callback);
    forged.searchParams.set('iss', 'https://evil.example.com');
    await expect(sdk.handleCallback(forged, pending)).rejects.toMatchObject({ error: 'issuer_mismatch' });
    const missing = new URL(callback);
    missing.searchParams.delete('iss');
    await expect(sdk.handleCallback(missing, pending)).rejects.toMatchObject({ error: 'issuer_mismatch' });
    expect(await store.load()).toBeUndefined();
    // The genuine response still works.
    await sdk.handleCallback(callback, pending);
    expect(await store.load()).toBeDefined();
  });

  it('access_denied → a typed error with the server’s code', async () => {
    // A client the user has not consented to yet, so that the consent page is shown.
    const other = await fx.server.createClient({
      name: 'Other App',
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: ['read:contacts'],
      redirectUris: [APP_REDIRECT_URI],
      isPublic: true,
    });
    const store = new MemoryTokenStore();
    const sdk = createClient({ baseUrl: fx.baseUrl, clientId: other.clientId, tokenStore: store });
    const { callback, pending } = await signIn(fx, sdk, { scopes: ['read:contacts'], decision: 'deny' });
    const error = await sdk.handleCallback(callback, pending).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthorizationCallbackError);
    expect(error).toMatchObject({ error: 'access_denied' });
    expect(await store.load()).toBeUndefined();
  });
});

describe('refresh', () => {
  it('reuses the access token until the margin, then refreshes and stores the rotated refresh token', async () => {
    const counter = countingFetch();
    const { sdk, store } = await signedIn({ fetch: counter.fetch });
    const before = (await store.load()) as StoredTokens;
    fx.server.clock.advance(3600_000 - 61_000);
    expect(await sdk.getAccessToken()).toBe(before.accessToken);
    expect(counter.grants('refresh_token')).toBe(0);
    fx.server.clock.advance(2000);
    const renewed = await sdk.getAccessToken();
    expect(renewed).not.toBe(before.accessToken);
    expect(counter.grants('refresh_token')).toBe(1);
    const after = (await store.load()) as StoredTokens;
    expect(after.accessToken).toBe(renewed);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.expiresAt).toBe(fx.server.clock.now() + 3600_000);
    await expect(sdk.getMe()).resolves.toMatchObject({ client_id: confidential.clientId });
  });

  it('20 concurrent calls at expiry → exactly one refresh request, all succeed', async () => {
    const counter = countingFetch();
    const { sdk } = await signedIn({ fetch: counter.fetch });
    fx.server.clock.advance(3600_000 - 10_000);
    const results = await Promise.all(Array.from({ length: 20 }, () => sdk.listContacts()));
    expect(results).toHaveLength(20);
    expect(counter.grants('refresh_token')).toBe(1);
    // Had the old refresh token been sent twice, the server would have revoked the family.
    await expect(sdk.getMe()).resolves.toMatchObject({ user: { id: fx.user.id } });
  });

  it('the rotated refresh token is saved before the new access token is used', async () => {
    const events: string[] = [];
    const base = new MemoryTokenStore();
    const store: TokenStore = {
      load: () => base.load(),
      save: async (tokens) => {
        events.push(`save ${tokens.accessToken.slice(-8)}`);
        await base.save(tokens);
      },
      clear: () => base.clear(),
    };
    const recording: typeof globalThis.fetch = (input, init) => {
      const auth = new Headers(init?.headers).get('authorization');
      if (String(input).includes('/api/') && auth !== null) events.push(`use ${auth.slice(-8)}`);
      return fetch(input, init);
    };
    const { sdk } = await signedIn({ store, fetch: recording });
    events.length = 0;
    fx.server.clock.advance(3600_000 - 10_000);
    await sdk.getMe();
    expect(events).toHaveLength(2);
    expect(events[0]?.startsWith('save ')).toBe(true);
    expect(events[1]).toBe(`use ${events[0]?.slice(5)}`);
  });

  it('rotation across process restarts with the file store; the old refresh token is dead', async () => {
    const path = join(dir, 'nested', 'tokens.json');
    const { sdk: first } = await signedIn({ store: new FileTokenStore(path) });
    const original = JSON.parse(await readFile(path, 'utf8')) as StoredTokens;
    fx.server.clock.advance(3600_000 - 10_000);
    await first.getMe(); // refreshes: the file now holds the rotated token
    const rotated = JSON.parse(await readFile(path, 'utf8')) as StoredTokens;
    expect(rotated.refreshToken).not.toBe(original.refreshToken);

    // "Restart": a new client over the same file.
    const counter = countingFetch();
    const second = webApp({ store: new FileTokenStore(path), fetch: counter.fetch });
    await expect(second.getMe()).resolves.toMatchObject({ user: { id: fx.user.id } });
    expect(counter.grants('refresh_token')).toBe(0); // still fresh: reused from the file
    fx.server.clock.advance(3600_000 - 10_000);
    await expect(second.getMe()).resolves.toMatchObject({ user: { id: fx.user.id } });
    expect(counter.grants('refresh_token')).toBe(1);
    expect(
      counter.requests.find((r) => r.form?.get('grant_type') === 'refresh_token')?.form?.get('refresh_token'),
    ).toBe(rotated.refreshToken);
    const latest = JSON.parse(await readFile(path, 'utf8')) as StoredTokens;
    expect(latest.refreshToken).not.toBe(rotated.refreshToken);

    // The first refresh token died when it was rotated.
    const replay = await refresh(fx.baseUrl, confidential, original.refreshToken ?? '');
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('FileTokenStore writes the file 0600 in a 0700 folder', async () => {
    const folder = join(dir, 'private', 'flexgate');
    const path = join(folder, 'tokens.json');
    const store = new FileTokenStore(path);
    expect(await store.load()).toBeUndefined();
    const tokens: StoredTokens = { accessToken: 'a', expiresAt: 1, refreshToken: 'r', tokenType: 'Bearer' };
    await store.save(tokens);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    await Promise.all([1, 2, 3, 4, 5].map((n) => store.save({ ...tokens, accessToken: `a${n}` })));
    expect((await store.load())?.accessToken).toBe('a5');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await store.clear();
    expect(await store.load()).toBeUndefined();
  });
});

describe('revocation and invalid_grant', () => {
  it('a 401 after the grant was revoked → exactly one refresh attempt → AuthorizationRequiredError, store cleared', async () => {
    const counter = countingFetch();
    const { sdk, store } = await signedIn({ fetch: counter.fetch });
    await sdk.getMe();
    const stored = (await store.load()) as StoredTokens;
    const revoked = await revokeAtServer(stored.refreshToken ?? '', 'refresh_token');
    expect(revoked.status).toBe(200);

    const error = await sdk.getMe().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthorizationRequiredError);
    expect((error as Error).message).toMatch(/authorize/i);
    expect(counter.grants('refresh_token')).toBe(1);
    expect(await store.load()).toBeUndefined();
    // No token left: no further requests to the token endpoint.
    await expect(sdk.getMe()).rejects.toBeInstanceOf(AuthorizationRequiredError);
    expect(counter.grants('refresh_token')).toBe(1);
  });

  it('a 401 for a revoked access token alone → one refresh, the call retried and it works', async () => {
    const counter = countingFetch();
    const { sdk, store } = await signedIn({ fetch: counter.fetch });
    const stored = (await store.load()) as StoredTokens;
    expect((await revokeAtServer(stored.accessToken, 'access_token')).status).toBe(200);
    await expect(sdk.getMe()).resolves.toMatchObject({ user: { id: fx.user.id } });
    expect(counter.grants('refresh_token')).toBe(1);
  });

  it('a confidential client that lost its user grant never falls back to client credentials', async () => {
    const counter = countingFetch();
    const store = new MemoryTokenStore();
    // No `grant` option: with a secret the default for an empty store would be client credentials.
    const sdk = createClient({ ...confidential, baseUrl: fx.baseUrl, tokenStore: store, fetch: counter.fetch });
    const { callback, pending } = await signIn(fx, sdk);
    await sdk.handleCallback(callback, pending);
    const stored = (await store.load()) as StoredTokens;
    await revokeAtServer(stored.refreshToken ?? '', 'refresh_token');
    await expect(sdk.getMe()).rejects.toBeInstanceOf(AuthorizationRequiredError);
    await expect(sdk.getMe()).rejects.toBeInstanceOf(AuthorizationRequiredError);
    expect(counter.grants('client_credentials')).toBe(0);
  });

  it('invalid_grant on refresh clears the store', async () => {
    const store = new MemoryTokenStore();
    await store.save({
      accessToken: 'expired',
      expiresAt: fx.server.clock.now() - 1000,
      refreshToken: 'fgr_not-a-token-we-issued',
      tokenType: 'Bearer',
    });
    const sdk = webApp({ store });
    const error = await sdk.getAccessToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthorizationRequiredError);
    expect(error).toMatchObject({ status: 401, error: 'invalid_grant' });
    expect(await store.load()).toBeUndefined();
    const text = `${(error as Error).message} ${(error as Error).stack} ${inspect(error)} ${JSON.stringify(error)}`;
    expect(text).not.toContain('fgr_not-a-token-we-issued');
    expect(text).not.toContain(confidential.clientSecret);
  });

  it('signOut revokes the refresh token and clears the store', async () => {
    const { sdk, store } = await signedIn();
    const stored = (await store.load()) as StoredTokens;
    await sdk.signOut();
    expect(await store.load()).toBeUndefined();
    const replay = await refresh(fx.baseUrl, confidential, stored.refreshToken ?? '');
    expect(replay.status).toBe(400);
    const me = await fetch(`${fx.baseUrl}/api/v0.0.1/me`, {
      headers: { authorization: `Bearer ${stored.accessToken}` },
    });
    expect(me.status).toBe(401);
    await expect(sdk.getMe()).rejects.toBeInstanceOf(AuthorizationRequiredError);
  });
});
