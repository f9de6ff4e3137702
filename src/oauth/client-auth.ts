import { OAuthError } from './errors.js';
import type { ClientRecord, Clock } from './ports.js';
import { secretMatches } from './secrets.js';

/** The client credentials a request presented, as the transport found them. */
export interface PresentedClientCredentials {
  /** From `Authorization: Basic` (already decoded), if present. */
  basic?: { clientId: string; clientSecret: string } | undefined;
  /** From the form body. */
  bodyClientId?: string | undefined;
  bodyClientSecret?: string | undefined;
}

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface AuthenticatedClient {
  client: ClientRecord;
  method: ClientAuthMethod;
}

export interface ClientLookup {
  findById(id: string): Promise<ClientRecord | undefined>;
}

/**
 * RFC 6749 §2.3 client authentication. Confidential clients authenticate with client_secret_basic or
 * client_secret_post; public clients identify themselves with client_id alone (and must use PKCE).
 */
export async function authenticateClient(
  presented: PresentedClientCredentials,
  clients: ClientLookup,
  clock: Clock,
): Promise<AuthenticatedClient> {
  const { basic, bodyClientId, bodyClientSecret } = presented;
  const basicAuthAttempted = basic !== undefined;
  const failure = (detail: string) =>
    new OAuthError('invalid_client', 'Client authentication failed', { detail, basicAuthAttempted });

  if (basic !== undefined) {
    // RFC 6749 §2.3: the client MUST NOT use more than one authentication method in each request.
    if (bodyClientSecret !== undefined) {
      throw new OAuthError('invalid_request', 'Use one client authentication method: HTTP Basic or the body, not both');
    }
    if (bodyClientId !== undefined && bodyClientId !== basic.clientId) {
      throw new OAuthError('invalid_request', 'client_id in the body differs from the one in the Authorization header');
    }
  }

  const clientId = basic?.clientId ?? bodyClientId;
  const secret = basic?.clientSecret ?? bodyClientSecret;
  if (clientId === undefined || clientId === '') {
    throw new OAuthError('invalid_client', 'Client authentication failed: no client_id', { basicAuthAttempted });
  }
  const client = await clients.findById(clientId);
  if (client === undefined) throw failure(`unknown client ${clientId}`);
  // An admin disabled the client's application: it fails like an unknown client (RFC 6749 §5.2).
  if (client.disabledAt !== null) throw failure(`client ${clientId} is disabled`);

  if (client.isPublic) {
    if (secret !== undefined && secret !== '') throw failure('a public client presented a secret');
    return { client, method: 'none' };
  }
  if (secret === undefined) throw failure('a confidential client presented no secret');
  if (!clientSecretMatches(client, secret, clock.now())) throw failure('wrong client secret');
  return { client, method: basic !== undefined ? 'client_secret_basic' : 'client_secret_post' };
}

/** The current secret, or the previous one while its grace period after a rotation lasts. */
export function clientSecretMatches(client: ClientRecord, secret: string, now: number): boolean {
  const current = secretMatches(secret, client.secretHash);
  const previousValid = client.previousSecretExpiresAt !== null && client.previousSecretExpiresAt > now;
  const previous = previousValid && secretMatches(secret, client.previousSecretHash);
  return current || previous;
}

/**
 * Reads `Authorization: Basic` client credentials. RFC 6749 §2.3.1: client id and secret are
 * form-urlencoded before being joined with ":" and base64-encoded. Undefined when the header is absent or
 * uses another scheme; invalid_client when it is a malformed Basic header.
 */
export function parseBasicAuthorization(
  header: string | undefined,
): { clientId: string; clientSecret: string } | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (match === null) {
    if (/^Basic\b/i.test(header)) throw malformedBasic();
    return undefined;
  }
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw malformedBasic();
  try {
    const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
    return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw malformedBasic();
  }
}

const malformedBasic = () =>
  new OAuthError('invalid_client', 'The Basic authorization header is malformed', { basicAuthAttempted: true });
