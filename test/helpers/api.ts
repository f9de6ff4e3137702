/**
 * Helpers for the REST API suites: a client-credentials token for a fresh client, and one-call requests
 * that return status, headers and parsed JSON.
 */

import { EXAMPLE_SCOPES } from '../../src/apis/example/scopes.js';
import type { Environment } from '../../src/oauth/ports.js';
import { createApp } from '../../src/portal/domain/apps.js';
import { tokenRequest } from './oauth-client.js';
import type { TestServer } from './server.js';

export const API = '/api/v0.0.1';
export const ALL_SCOPES = EXAMPLE_SCOPES.map((scope) => scope.name);

export interface ApiClient {
  clientId: string;
  token: string;
}

/** A new confidential client (client credentials) and a token for `scopes` (default: all). */
export async function apiClient(
  server: TestServer,
  options: { scopes?: string[]; environment?: Environment; name?: string } = {},
): Promise<ApiClient> {
  const scopes = options.scopes ?? ALL_SCOPES;
  const { clientId, clientSecret } = await server.createClient({
    name: options.name ?? 'API test client',
    grantTypes: ['client_credentials'],
    scopes: ALL_SCOPES,
    environment: options.environment ?? 'sandbox',
  });
  const response = await tokenRequest(server.baseUrl, {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret ?? '',
    ...(scopes.length === 0 ? {} : { scope: scopes.join(' ') }),
  });
  if (response.status !== 200 || response.body.access_token === undefined) {
    throw new Error(`token request failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return { clientId, token: response.body.access_token };
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  body: T;
}

export interface ApiCallOptions {
  token?: string | undefined;
  /** A value to send as JSON. */
  json?: unknown;
  /** A raw body (with its own content-type header). */
  raw?: string;
  headers?: Record<string, string>;
}

export async function apiCall<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  options: ApiCallOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.raw !== undefined) {
    body = options.raw;
  }
  const response = await fetch(`${baseUrl}${path.startsWith('/api/') ? '' : API}${path}`, {
    method,
    headers,
    body: body ?? null,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text === '' ? undefined : JSON.parse(text)) as T,
  };
}

/** A client-credentials token for an existing client (all scopes unless `scopes` is given). */
export async function clientToken(
  server: TestServer,
  clientId: string,
  clientSecret: string,
  scopes: string[] = ALL_SCOPES,
): Promise<string> {
  const response = await tokenRequest(server.baseUrl, {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
    scope: scopes.join(' '),
  });
  if (response.status !== 200 || response.body.access_token === undefined) {
    throw new Error(`token request failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body.access_token;
}

/**
 * A developer's application (a new user as owner) with its sandbox and live clients, each with a token: both
 * clients work on the same owner's data, so only the environment separates them.
 */
export async function developerAppClients(
  server: TestServer,
  username: string,
): Promise<{ ownerId: string; sandbox: ApiClient; live: ApiClient }> {
  const { id } = await server.createUser(username, 'correct horse battery staple 42');
  const actor = await server.ctx.storage.users.findById(id);
  if (actor === undefined) throw new Error(`user ${username} was not stored`);
  const created = await createApp(server.ctx, actor, {
    name: `${username}'s app`,
    description: 'API test application',
    redirectUris: ['https://app.example.com/cb'],
    scopes: ALL_SCOPES,
    grantTypes: ['client_credentials'],
  });
  const client = async (environment: Environment): Promise<ApiClient> => {
    const clientId = created[environment].id;
    return { clientId, token: await clientToken(server, clientId, created.secrets[environment]) };
  };
  return { ownerId: actor.id, sandbox: await client('sandbox'), live: await client('live') };
}
