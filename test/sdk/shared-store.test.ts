/**
 * Token renewal when things go wrong around it, against a real Flexgate server: several clients sharing one
 * token store (memory, file) refresh once between them; a failed save never loses the rotated refresh token;
 * short server TTLs do not make every call fetch a token.
 */
import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthorizationRequiredError,
  createClient,
  type FlexgateClient,
  FlexgateError,
  MemoryTokenStore,
  type StoredTokens,
  type TokenStore,
  TokenStoreError,
} from '../../packages/client/src/index.js';
import { FileTokenStore } from '../../packages/client/src/node.js';
import { type Fixture, startFixture } from '../helpers/e2e.js';
import { refresh } from '../helpers/oauth-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { countingFetch, createWebApp, signInWith as signInAs, type WebApp } from './sdk-helpers.js';

let fx: Fixture;
let app: WebApp;
let confidential: { clientId: string; clientSecret: string };
let dir: string;

beforeAll(async () => {
  fx = await startFixture();
  app = await createWebApp(fx);
  confidential = { clientId: app.clientId, clientSecret: app.clientSecret };
  dir = await mkdtemp(join(tmpdir(), 'flexgate-sdk-shared-'));
});
afterAll(async () => {
  await fx.server.close();
  await rm(dir, { recursive: true, force: true });
});

const webApp = (store: TokenStore, fetchFn?: typeof globalThis.fetch): FlexgateClient =>
  app.client({ store, ...(fetchFn === undefined ? {} : { fetch: fetchFn }) });
const signInWith = (sdk: FlexgateClient) => signInAs(fx, sdk);

describe('clients sharing one token store', () => {
  it('two clients on one MemoryTokenStore at expiry → exactly one refresh, both succeed, the grant lives', async () => {
    const counter = countingFetch();
    const store = new MemoryTokenStore();
    const first = webApp(store, counter.fetch);
    const second = webApp(store, counter.fetch);
    await signInWith(first);
    await second.getMe(); // loads the shared tokens
    fx.server.clock.advance(3600_000 - 10_000);
    const results = await Promise.all([first.getMe(), second.getMe(), first.listContacts(), second.listContacts()]);
    expect(results).toHaveLength(4);
    expect(counter.grants('refresh_token')).toBe(1);
    // A reused refresh token would have revoked the grant: both clients still work, and refresh again.
    await expect(first.getMe()).resolves.toMatchObject({ user: { id: fx.user.id } });
    fx.server.clock.advance(3600_000 - 10_000);
    await Promise.all([first.getMe(), second.getMe()]);
    expect(counter.grants('refresh_token')).toBe(2);
  });

  it('two clients on one token file (two FileTokenStore instances, as two processes) → exactly one refresh', async () => {
    const path = join(dir, 'shared', 'tokens.json');
    const counter = countingFetch();
    const first = webApp(new FileTokenStore(path), counter.fetch);
    const second = webApp(new FileTokenStore(path), counter.fetch);
    await signInWith(first);
    await second.getMe();
    fx.server.clock.advance(3600_000 - 10_000);
    await Promise.all([first.getMe(), second.getMe(), second.listContacts()]);
    expect(counter.grants('refresh_token')).toBe(1);
    await expect(second.getMe()).resolves.toMatchObject({ user: { id: fx.user.id } });
    await expect(stat(`${path}.lock`)).rejects.toMatchObject({ code: 'ENOENT' }); // released
  });

  it('FileTokenStore.lock: exclusive, released after a failure, takes over a stale lock file', async () => {
    const path = join(dir, 'locking', 'tokens.json');
    const store = new FileTokenStore(path, { staleLockMs: 1000 });
    const other = new FileTokenStore(path, { staleLockMs: 1000 });
    const events: string[] = [];
    const hold = (name: string, ms: number) =>
      (name === 'a' ? store : other).lock(async () => {
        events.push(`${name} in`);
        await new Promise((done) => setTimeout(done, ms));
        events.push(`${name} out`);
        return name;
      });
    await expect(Promise.all([hold('a', 50), hold('b', 10)])).resolves.toEqual(['a', 'b']);
    expect(events).toEqual(['a in', 'a out', 'b in', 'b out']);

    await expect(store.lock(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(stat(`${path}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });

    // A crashed holder left its lock file behind, 10 s ago.
    await writeFile(`${path}.lock`, '999999\n');
    const old = new Date(Date.now() - 10_000);
    await utimes(`${path}.lock`, old, old);
    await expect(other.lock(async () => 'taken over')).resolves.toBe('taken over');
    await expect(stat(`${path}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('a failed save', () => {
  it('keeps the rotated refresh token: the next call saves it first, ONE refresh in all, the grant lives', async () => {
    const counter = countingFetch();
    const base = new MemoryTokenStore();
    let failures = 0;
    const store: TokenStore = {
      load: () => base.load(),
      save: async (tokens) => {
        if (failures > 0) {
          failures -= 1;
          throw new Error('disk full');
        }
        await base.save(tokens);
      },
      clear: () => base.clear(),
    };
    const sdk = webApp(store, counter.fetch);
    await signInWith(sdk);
    const before = (await base.load()) as StoredTokens;
    fx.server.clock.advance(3600_000 - 10_000);
    failures = 1;
    const error = await sdk.getMe().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenStoreError);
    expect(error).toBeInstanceOf(FlexgateError);
    expect((error as Error).cause).toMatchObject({ message: 'disk full' });
    expect(counter.grants('refresh_token')).toBe(1);

    await expect(sdk.getMe()).resolves.toMatchObject({ user: { id: fx.user.id } });
    expect(counter.grants('refresh_token')).toBe(1);
    const after = (await base.load()) as StoredTokens;
    expect(after.refreshToken).not.toBe(before.refreshToken);
    // The old refresh token was never sent again (that would have revoked the grant): refreshing still works.
    fx.server.clock.advance(3600_000 - 10_000);
    await expect(sdk.getMe()).resolves.toMatchObject({ user: { id: fx.user.id } });
    expect(counter.grants('refresh_token')).toBe(2);
    const replay = await refresh(fx.baseUrl, confidential, before.refreshToken ?? '');
    expect(replay.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('a save that keeps failing: every call throws TokenStoreError, no further refresh is sent', async () => {
    const counter = countingFetch();
    const base = new MemoryTokenStore();
    let broken = false;
    const store: TokenStore = {
      load: () => base.load(),
      save: async (tokens) => {
        if (broken) throw new Error('read-only file system');
        await base.save(tokens);
      },
      clear: () => base.clear(),
    };
    const sdk = webApp(store, counter.fetch);
    await signInWith(sdk);
    fx.server.clock.advance(3600_000 - 10_000);
    broken = true;
    await expect(sdk.getMe()).rejects.toBeInstanceOf(TokenStoreError);
    await expect(sdk.getMe()).rejects.toBeInstanceOf(TokenStoreError);
    await expect(sdk.getAccessToken()).rejects.toBeInstanceOf(TokenStoreError);
    expect(counter.grants('refresh_token')).toBe(1);
    broken = false;
    await expect(sdk.getMe()).resolves.toMatchObject({ user: { id: fx.user.id } });
    expect(counter.grants('refresh_token')).toBe(1);
  });
});

describe('a failing store', () => {
  const failing = (parts: Partial<TokenStore>): TokenStore => ({
    load: async () => undefined,
    save: async () => {},
    clear: async () => {},
    ...parts,
  });

  it('a load or a lock that fails → TokenStoreError with the store’s error as cause; nothing is sent', async () => {
    const counter = countingFetch();
    const broken = new Error('the disk is gone');
    for (const store of [
      failing({ load: () => Promise.reject(broken) }),
      failing({ lock: () => Promise.reject(broken) }),
    ]) {
      const error = await webApp(store, counter.fetch)
        .getAccessToken()
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TokenStoreError);
      expect((error as Error).cause).toBe(broken);
    }
    expect(counter.requests.filter((request) => request.url.endsWith('/oauth/token'))).toHaveLength(0);
  });

  it('an error of the renewal inside the lock is not wrapped', async () => {
    // No tokens and the authorization-code grant: the renewal itself fails, inside a lock that works.
    const error = await webApp(new MemoryTokenStore())
      .getAccessToken()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthorizationRequiredError);
    expect(error).toMatchObject({ error: 'login_required' });
  });

  it('FileTokenStore: a file that is not tokens → a typed error (TokenStoreError from the client)', async () => {
    const path = join(dir, 'garbled', 'tokens.json');
    await mkdir(join(dir, 'garbled'), { recursive: true });
    for (const content of ['{not json', '{"accessToken":1}']) {
      await writeFile(path, content);
      await expect(new FileTokenStore(path).load()).rejects.toBeInstanceOf(FlexgateError);
      const error = await webApp(new FileTokenStore(path))
        .getAccessToken()
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TokenStoreError);
      expect((error as Error).cause).toBeInstanceOf(FlexgateError);
      expect((error as Error).cause).toMatchObject({ message: expect.stringContaining(path) });
    }
  });
});

describe('short access-token lifetimes', () => {
  let short: TestServer;
  let machine: { clientId: string; clientSecret: string };
  beforeAll(async () => {
    short = await startTestServer({ config: { accessTokenTtl: 30, ccTokenReuse: 0 } });
    const created = await short.createClient({
      name: 'Machine',
      grantTypes: ['client_credentials'],
      scopes: ['read:contacts'],
    });
    machine = { clientId: created.clientId, clientSecret: created.clientSecret ?? '' };
  });
  afterAll(() => short.close());

  it('a 30 s token is reused for half its life, not fetched on every call', async () => {
    const counter = countingFetch();
    const sdk = createClient({
      baseUrl: short.baseUrl,
      ...machine,
      scopes: ['read:contacts'],
      now: () => short.clock.now(),
      fetch: counter.fetch,
    });
    const first = await sdk.getAccessToken();
    await sdk.listContacts();
    short.clock.advance(10_000);
    expect(await sdk.getAccessToken()).toBe(first);
    await sdk.listContacts();
    expect(counter.grants('client_credentials')).toBe(1);
    short.clock.advance(6_000); // 14 s left: under half the life
    expect(await sdk.getAccessToken()).not.toBe(first);
    expect(counter.grants('client_credentials')).toBe(2);
  });

  it('rejects a negative or non-numeric refreshMarginSeconds (and timeoutMs) at createClient', () => {
    const base = { baseUrl: short.baseUrl, ...machine };
    for (const refreshMarginSeconds of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createClient({ ...base, refreshMarginSeconds })).toThrow(FlexgateError);
      expect(() => createClient({ ...base, refreshMarginSeconds })).toThrow(/refreshMarginSeconds/);
    }
    for (const timeoutMs of [0, -5, Number.NaN])
      expect(() => createClient({ ...base, timeoutMs })).toThrow(/timeoutMs/);
    expect(() => createClient({ ...base, refreshMarginSeconds: 0 })).not.toThrow();
  });
});
