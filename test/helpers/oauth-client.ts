/**
 * Small wire-level helpers for the end-to-end suites: form POSTs to the OAuth endpoints, HTTP Basic client
 * credentials, PKCE pairs and bearer calls. Every helper returns the raw status and headers so that tests
 * can assert the exact wire format.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';

export interface JsonResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded, joined with ":" and base64-encoded. */
export function basicAuth(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

export interface PostFormOptions {
  /** Extra headers (e.g. authorization, accept). */
  headers?: Record<string, string>;
}

/**
 * POSTs `application/x-www-form-urlencoded` (as curl -d does). Pass an array of pairs to repeat a
 * parameter. The body must be JSON: every endpoint it is used with answers JSON (or nothing, for revoke).
 */
export async function postForm<T = Record<string, unknown>>(
  url: string,
  params: Record<string, string> | [string, string][],
  options: PostFormOptions = {},
): Promise<JsonResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    body: new URLSearchParams(params).toString(),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text === '' ? {} : JSON.parse(text)) as T };
}

export interface TokenBody {
  access_token?: string;
  token_type?: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
  error?: string;
  error_description?: string;
}

export interface TokenSet {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
  scope: string;
}

export interface ClientCredentials {
  clientId: string;
  clientSecret: string | undefined;
}

/** client_secret_post for confidential clients; client_id alone for public ones. */
export function clientBody(client: ClientCredentials): Record<string, string> {
  return client.clientSecret === undefined
    ? { client_id: client.clientId }
    : { client_id: client.clientId, client_secret: client.clientSecret };
}

export function tokenRequest(baseUrl: string, params: Record<string, string>, options: PostFormOptions = {}) {
  return postForm<TokenBody>(`${baseUrl}/oauth/token`, params, options);
}

/** Redeems a code and fails loudly unless it worked. */
export async function redeemCode(
  baseUrl: string,
  client: ClientCredentials,
  code: string,
  redirectUri: string,
  extra: Record<string, string> = {},
): Promise<TokenSet> {
  const response = await tokenRequest(baseUrl, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    ...clientBody(client),
    ...extra,
  });
  if (response.status !== 200) throw new Error(`code redemption failed: ${JSON.stringify(response.body)}`);
  return response.body as TokenSet;
}

export async function refresh(
  baseUrl: string,
  client: ClientCredentials,
  refreshToken: string,
  extra: Record<string, string> = {},
) {
  return tokenRequest(baseUrl, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    ...clientBody(client),
    ...extra,
  });
}

export interface MeBody {
  client_id: string;
  user: { id: string; username: string } | null;
  scopes: string[];
  environment: string;
  token: { jti: string; issued_at: number; expires_at: number };
}

/** GET /api/v0.0.1/me with a bearer token. */
export async function getMe(baseUrl: string, accessToken: string | undefined): Promise<JsonResponse<MeBody>> {
  const response = await fetch(`${baseUrl}/api/v0.0.1/me`, {
    redirect: 'manual',
    headers: {
      accept: 'application/json',
      ...(accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` }),
    },
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as MeBody };
}

export interface PkcePair {
  verifier: string;
  challenge: string;
}

/** RFC 7636 §4.1/§4.2: a 43-character verifier and its S256 challenge. */
export function pkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A request over node:http, for headers that fetch will not send as given (fetch always derives `Host`
 * from the URL).
 */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

/** Decodes the payload of a JWT without verifying it (the tests verify separately where it matters). */
export function jwtPayload(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (payload === undefined) throw new Error(`not a JWT: ${token}`);
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function jwtHeader(token: string): Record<string, unknown> {
  const header = token.split('.')[0] ?? '';
  return JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>;
}
