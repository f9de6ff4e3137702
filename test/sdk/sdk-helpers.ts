/**
 * Shared by the SDK suites: a counting `fetch`, and the authorization-code flow driven through the SDK
 * (authorizeUrl → the test browser logs in and consents → handleCallback).
 */

import type { FlexgateClient } from '../../packages/client/src/index.js';
import { authorize } from '../helpers/browser-flow.js';
import type { Fixture } from '../helpers/e2e.js';

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
