/** The token endpoint's answer as the token manager reads it, and the helpers of its requests. */
import { OAuthError } from './errors.js';
import type { StoredTokens } from './token-store.js';

/** A successful token endpoint answer (RFC 6749 §5.1), as far as the client reads it. */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
}

/** Of the stored tokens and this process's own, the more recently obtained. */
export function newer(stored: StoredTokens | undefined, mine: StoredTokens | undefined): StoredTokens | undefined {
  if (stored === undefined) return mine;
  if (mine === undefined) return stored;
  const storedAt = stored.obtainedAt ?? 0;
  const mineAt = mine.obtainedAt ?? 0;
  if (storedAt !== mineAt) return storedAt > mineAt ? stored : mine;
  return mine.expiresAt > stored.expiresAt ? mine : stored;
}

/** RFC 6749 §2.3.1: id and secret form-encoded, then Basic. */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  const bytes = new TextEncoder().encode(`${encode(clientId)}:${encode(clientSecret)}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

/** Whether a JSON body is a token response with an access token. */
export function isTokenResponse(body: unknown): body is TokenResponse {
  if (typeof body !== 'object' || body === null) return false;
  const record = body as Record<string, unknown>;
  return (
    typeof record.access_token === 'string' &&
    typeof record.token_type === 'string' &&
    (record.expires_in === undefined || typeof record.expires_in === 'number') &&
    (record.refresh_token === undefined || typeof record.refresh_token === 'string') &&
    (record.scope === undefined || typeof record.scope === 'string')
  );
}

/** An OAuth error response → {@link OAuthError} with its `error` and `error_description` only. */
export async function oauthErrorFrom(response: Response): Promise<OAuthError> {
  const body: unknown = await response.json().catch(() => undefined);
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const error = typeof record.error === 'string' ? record.error : `http_${response.status}`;
  const description = typeof record.error_description === 'string' ? record.error_description : undefined;
  return new OAuthError(error, description, response.status);
}
