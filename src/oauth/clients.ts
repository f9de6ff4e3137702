import { MAX_ACCESS_TOKEN_TTL_SECONDS, type OAuthContext } from './context.js';
import { InputError } from './errors.js';
import { type ClientRecord, type Environment, GRANT_TYPES, type GrantType } from './ports.js';
import { checkRedirectUri } from './redirect-uris.js';
import type { ScopeCatalogue } from './scopes.js';
import { hashSecret } from './secrets.js';

/** Client secrets carry a recognisable prefix so that secret scanners can spot a leaked one. */
export const CLIENT_SECRET_PREFIX = 'fgs_';

export interface NewClientInput {
  name: string;
  redirectUris?: string[];
  scopes?: string[];
  grantTypes?: GrantType[];
  environment?: Environment;
  isPublic?: boolean;
  /** The application this client is a credential of (the developer portal); none for the CLI. */
  appId?: string;
}

export interface IssuedClient {
  client: ClientRecord;
  /** The raw secret, shown once; undefined for a public client. */
  secret: string | undefined;
}

/** Registers a client. Confidential clients get a secret that is returned here and never again. */
export async function registerClient(ctx: OAuthContext, input: NewClientInput): Promise<IssuedClient> {
  const issued = prepareClient(ctx, input);
  await ctx.storage.clients.create(issued.client);
  return issued;
}

/**
 * A validated client record with its new secret, not yet stored: for callers that store it in their own
 * transaction (an application creates two at once). Throws InputError when the input is not acceptable.
 */
export function prepareClient(ctx: OAuthContext, input: NewClientInput): IssuedClient {
  const isPublic = input.isPublic ?? false;
  const grantTypes = input.grantTypes ?? defaultGrantTypes(input, isPublic);
  const client: ClientRecord = {
    id: newClientId(ctx),
    name: input.name.trim(),
    secretHash: null,
    previousSecretHash: null,
    previousSecretExpiresAt: null,
    redirectUris: input.redirectUris ?? [],
    scopes: input.scopes ?? ctx.scopes.names,
    grantTypes: [...new Set(grantTypes)],
    environment: input.environment ?? 'sandbox',
    isPublic,
    createdAt: ctx.clock.now(),
    appId: input.appId ?? null,
    disabledAt: null,
  };
  const problem = checkClient(client, ctx.scopes);
  if (problem !== undefined) throw new InputError(problem);
  const secret = isPublic ? undefined : newSecret(ctx);
  if (secret !== undefined) client.secretHash = hashSecret(secret);
  return { client, secret };
}

function defaultGrantTypes(input: NewClientInput, isPublic: boolean): GrantType[] {
  const interactive: GrantType[] = ['authorization_code', 'refresh_token'];
  if (isPublic) return interactive;
  return (input.redirectUris ?? []).length > 0 ? [...interactive, 'client_credentials'] : ['client_credentials'];
}

/** What is wrong with a client's settings, or undefined. */
export function checkClient(client: ClientRecord, scopes: ScopeCatalogue): string | undefined {
  if (client.name.length === 0 || client.name.length > 100) return 'The name must have 1-100 characters';
  const badGrant = client.grantTypes.find((grant) => !GRANT_TYPES.includes(grant));
  if (badGrant !== undefined) return `Unknown grant type ${badGrant} (known: ${GRANT_TYPES.join(', ')})`;
  const badScope = client.scopes.find((scope) => !scopes.isKnown(scope));
  if (badScope !== undefined) {
    return `Unknown scope ${badScope} (known: ${scopes.names.join(', ')})`;
  }
  for (const uri of client.redirectUris) {
    const problem = checkRedirectUri(uri);
    if (problem !== undefined) return problem;
  }
  if (client.grantTypes.includes('authorization_code') && client.redirectUris.length === 0) {
    return 'The authorization_code grant needs at least one redirect URI';
  }
  if (client.isPublic && client.grantTypes.includes('client_credentials')) {
    return 'A public client cannot use the client_credentials grant';
  }
  if (client.grantTypes.includes('refresh_token') && !client.grantTypes.includes('authorization_code')) {
    return 'The refresh_token grant needs the authorization_code grant';
  }
  return undefined;
}

const newSecret = (ctx: OAuthContext) => CLIENT_SECRET_PREFIX + ctx.random.token(32);

/**
 * Client ids are typed as command-line arguments (`flexgate clients show <client_id>`), where a leading "-"
 * reads as an option, so an id never starts with one (base64url draws it for 1 id in 64).
 */
const newClientId = (ctx: OAuthContext) => ctx.random.token(16).replace(/^-/, '_');

/**
 * Issues a new secret. The previous one keeps working for `graceMs` (0: it dies at once), so a deployment
 * can roll over without downtime.
 */
export async function rotateClientSecret(ctx: OAuthContext, clientId: string, graceMs: number): Promise<string> {
  const secret = newSecret(ctx);
  // Read and written in one transaction: the secret kept for the grace period is the one stored now, not a
  // cached copy.
  await ctx.storage.transaction(async (tx) => {
    const client = await tx.clients.findById(clientId);
    if (client === undefined) throw new InputError(`No client with id ${clientId}`);
    if (client.isPublic) throw new InputError('A public client has no secret to rotate');
    await tx.clients.updateSecret(clientId, {
      secretHash: hashSecret(secret),
      previousSecretHash: graceMs > 0 ? client.secretHash : null,
      previousSecretExpiresAt: graceMs > 0 ? ctx.clock.now() + graceMs : null,
    });
  });
  ctx.clientCache.invalidate(clientId);
  return secret;
}

/** Deletes a client and revokes every token it holds: its grants (refresh tokens) and its access tokens. */
export async function deleteClient(ctx: OAuthContext, clientId: string): Promise<boolean> {
  const now = ctx.clock.now();
  const result = await ctx.storage.transaction(async (tx) => {
    const client = await tx.clients.findById(clientId);
    if (client === undefined) return false;
    // An application always has both its credentials; it is deleted as a whole, from the portal.
    if (client.appId !== null) {
      throw new InputError(`Client ${clientId} belongs to an application: delete the application instead`);
    }
    await tx.grants.revokeByClient(clientId, now);
    const deleted = await tx.clients.delete(clientId);
    // Last: on PostgreSQL the revocation insert takes a lock held until commit; taking it after the row
    // locks keeps the lock order the same as in refresh-token reuse (rows, then revocation).
    // The CLI may not know the server's token lifetime: outlive the longest one allowed.
    await ctx.revocations.revoke('client', clientId, now + MAX_ACCESS_TOKEN_TTL_SECONDS * 1000, tx);
    return deleted;
  });
  ctx.clientCache.invalidate(clientId);
  return result;
}
