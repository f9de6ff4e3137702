/**
 * Shared by the SDK suites: a counting `fetch`, the authorization-code flow driven through the SDK
 * (authorizeUrl → the test browser logs in and consents → handleCallback), and the confidential web app that
 * the authorization-code suites sign in with.
 */

import {
  createClient,
  type FlexgateClient,
  MemoryTokenStore,
  type TokenStore,
} from '../../packages/client/src/index.js';
import { authorize } from '../helpers/browser-flow.js';
import { APP_REDIRECT_URI, type Fixture } from '../helpers/e2e.js';

export interface CountingFetch {
  fetch: typeof globalThis.fetch;
  /** Every request sent: method, URL and (for forms) the parsed body. */
  requests: { method: string; url: string; form: URLSearchParams | undefined }[];
  /** The token requests with this grant_type. */
  grants(grantType: string): number;
}

/** Wraps the global fetch and records each request. */
export function countingFetch(): CountingFetch {
  const requests: CountingFetch['requests'] = [];
  const wrapped: typeof globalThis.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const body = init?.body;
    const form = typeof body === 'string' && url.endsWith('/oauth/token') ? new URLSearchParams(body) : undefined;
    requests.push({ method: init?.method ?? 'GET', url, form });
    return fetch(input, init);
  };
  return {
    fetch: wrapped,
    requests,
    grants: (grantType) => requests.filter((request) => request.form?.get('grant_type') === grantType).length,
  };
}

/** Runs the authorization-code flow through the SDK as the fixture's logged-in user. */
export async function signIn(
  fx: Fixture,
  sdk: FlexgateClient,
  options: { scopes?: string[]; redirectUri?: string; decision?: 'allow' | 'deny' } = {},
): Promise<{ callback: URL; pending: Awaited<ReturnType<FlexgateClient['authorizeUrl']>>['pending'] }> {
  const { url, pending } = await sdk.authorizeUrl({
    scopes: options.scopes ?? ['read:contacts', 'write:contacts'],
    redirectUri: options.redirectUri ?? 'https://app.example.com/cb',
  });
  const params = Object.fromEntries(new URL(url).searchParams);
  const result = await authorize(fx.browser, params, {
    login: fx.user,
    ...(options.decision === undefined ? {} : { decision: options.decision }),
  });
  return { callback: result.location, pending };
}

/** Signs `sdk` in as the fixture's user: {@link signIn}, then handleCallback (the tokens go to its store). */
export async function signInWith(fx: Fixture, sdk: FlexgateClient): Promise<void> {
  const { callback, pending } = await signIn(fx, sdk);
  await sdk.handleCallback(callback, pending);
}

export interface WebAppClientOptions {
  store?: TokenStore;
  fetch?: typeof globalThis.fetch;
}

/** A confidential client registered for the authorization-code grant (read and write contacts). */
export interface WebApp {
  clientId: string;
  clientSecret: string;
  /** A client of the app that signs users in (`grant: 'authorization_code'`), on the server's clock. */
  client(options?: WebAppClientOptions): FlexgateClient;
  /** A client signed in as the fixture's user, and its store (a new MemoryTokenStore unless given). */
  signedIn(options?: WebAppClientOptions): Promise<{ sdk: FlexgateClient; store: TokenStore }>;
}

/** Registers the web app (redirect URI {@link APP_REDIRECT_URI}) on the fixture's server. */
export async function createWebApp(fx: Fixture): Promise<WebApp> {
  const created = await fx.server.createClient({
    name: 'Web App',
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['read:contacts', 'write:contacts'],
    redirectUris: [APP_REDIRECT_URI],
  });
  const clientId = created.clientId;
  const clientSecret = created.clientSecret ?? '';
  const client = (options: WebAppClientOptions = {}): FlexgateClient =>
    createClient({
      baseUrl: fx.baseUrl,
      clientId,
      clientSecret,
      grant: 'authorization_code',
      now: () => fx.server.clock.now(),
      ...(options.store === undefined ? {} : { tokenStore: options.store }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
  return {
    clientId,
    clientSecret,
    client,
    async signedIn(options = {}) {
      const store = options.store ?? new MemoryTokenStore();
      const sdk = client({ ...options, store });
      await signInWith(fx, sdk);
      return { sdk, store };
    },
  };
}
