/**
 * Applications of the developer portal. An application is owned by one user and has exactly two
 * credentials, one OAuth client per environment (sandbox, live), created together and kept alike: the
 * redirect URIs, scopes and grant types of the application are those of both clients.
 *
 * Every function takes the acting user. Someone who is not the owner (or, for the admin functions, not an
 * admin) gets AppNotFoundError, exactly as for an id that does not exist, so an id reveals nothing.
 */
import { checkClient, type IssuedClient, prepareClient, rotateClientSecret } from '../../oauth/clients.js';
import { MAX_ACCESS_TOKEN_TTL_SECONDS } from '../../oauth/context.js';
import { type ClientRecord, type Environment, GRANT_TYPES, type GrantType } from '../../oauth/ports.js';
import { checkRedirectUri } from '../../oauth/redirect-uris.js';
import type { ScopeCatalogue } from '../../oauth/scopes.js';
import type { FieldErrors } from '../../shared/field-errors.js';
import type { PortalContext } from './context.js';
import type { AppRecord, PortalRepositories, UserRecord } from './ports.js';
import { MAX_APP_DESCRIPTION_LENGTH, MAX_APP_NAME_LENGTH } from './validation.js';

export const MAX_REDIRECT_URIS = 20;
const MAX_REDIRECT_URI_LENGTH = 2000;

/**
 * Nothing a person types into these fields needs them, and PostgreSQL refuses NUL in text outright (which
 * would otherwise surface as a 500).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects.
const CONTROL_CHARACTERS = /[\x00-\x1f\x7f]/;

const HOUR_MS = 3_600_000;
/** How long the previous secret keeps working after a rotation, as the developer picks it. */
export const GRACE_PERIODS = { none: 0, '1h': HOUR_MS, '24h': 24 * HOUR_MS, '7d': 7 * 24 * HOUR_MS } as const;
export type GracePeriod = keyof typeof GRACE_PERIODS;
export const isGracePeriod = (value: string): value is GracePeriod => Object.hasOwn(GRACE_PERIODS, value);

export interface AppInput {
  name: string;
  description: string;
  redirectUris: string[];
  scopes: string[];
  grantTypes: string[];
}

/** The input was not acceptable; one message per field, for the form to show next to it. */
export class AppInputError extends Error {
  override readonly name = 'AppInputError';
  constructor(readonly fields: FieldErrors) {
    super(Object.values(fields).flat().join('; '));
  }
}

/** No such application for this user: absent, or someone else's (the two are never told apart). */
export class AppNotFoundError extends Error {
  override readonly name = 'AppNotFoundError';
  constructor() {
    super('No such application');
  }
}

export interface AppWithClients {
  app: AppRecord;
  sandbox: ClientRecord;
  live: ClientRecord;
}

export interface CreatedApp extends AppWithClients {
  /** The raw secrets, shown once. */
  secrets: Record<Environment, string>;
}

/* ----- validation ----- */

/** Field-by-field problems of an application's settings (empty when there are none). */
export function checkAppInput(input: AppInput, scopes: ScopeCatalogue): FieldErrors {
  const errors: FieldErrors = {};
  const name = input.name.trim();
  if (name.length === 0 || name.length > MAX_APP_NAME_LENGTH) {
    errors.name = [`The name must have 1-${MAX_APP_NAME_LENGTH} characters`];
  } else if (CONTROL_CHARACTERS.test(name)) {
    errors.name = ['The name must not contain control characters'];
  }
  if (input.description.length > MAX_APP_DESCRIPTION_LENGTH) {
    errors.description = [`The description must have at most ${MAX_APP_DESCRIPTION_LENGTH} characters`];
  } else if (CONTROL_CHARACTERS.test(input.description.replace(/[\r\n\t]/g, ' '))) {
    errors.description = ['The description must not contain control characters'];
  }
  const uriProblem = checkRedirectUris(input.redirectUris);
  if (uriProblem !== undefined) errors.redirectUris = [uriProblem];
  const badScope = input.scopes.find((scope) => !scopes.isKnown(scope));
  if (badScope !== undefined) errors.scopes = [`Unknown scope ${badScope.slice(0, 100)}`];
  else if (input.scopes.length === 0) errors.scopes = ['Choose at least one scope'];
  const grantProblem = checkGrantTypes(input);
  if (grantProblem !== undefined) errors.grantTypes = [grantProblem];
  if (
    errors.redirectUris === undefined &&
    input.grantTypes.includes('authorization_code') &&
    input.redirectUris.length === 0
  ) {
    errors.redirectUris = ['The authorization code grant needs at least one redirect URI'];
  }
  return errors;
}

function checkRedirectUris(uris: readonly string[]): string | undefined {
  if (uris.length > MAX_REDIRECT_URIS) return `At most ${MAX_REDIRECT_URIS} redirect URIs`;
  for (const uri of uris) {
    if (CONTROL_CHARACTERS.test(uri)) return 'A redirect URI must not contain control characters';
    if (uri.length > MAX_REDIRECT_URI_LENGTH)
      return `A redirect URI must have at most ${MAX_REDIRECT_URI_LENGTH} characters`;
    const problem = checkRedirectUri(uri);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function checkGrantTypes(input: AppInput): string | undefined {
  const bad = input.grantTypes.find((grant) => !(GRANT_TYPES as readonly string[]).includes(grant));
  if (bad !== undefined) return `Unknown grant type ${bad.slice(0, 100)}`;
  if (input.grantTypes.length === 0) return 'Choose at least one grant type';
  if (input.grantTypes.includes('refresh_token') && !input.grantTypes.includes('authorization_code')) {
    return 'The refresh token grant needs the authorization code grant';
  }
  return undefined;
}

/** The normalised input, or AppInputError. */
function validated(input: AppInput, scopes: ScopeCatalogue): AppInput {
  const errors = checkAppInput(input, scopes);
  if (Object.keys(errors).length > 0) throw new AppInputError(errors);
  return {
    ...input,
    name: input.name.trim(),
    redirectUris: [...new Set(input.redirectUris)],
    scopes: [...new Set(input.scopes)],
    grantTypes: [...new Set(input.grantTypes)],
  };
}

/* ----- reading ----- */

/** The application with its two clients, when `actor` owns it (or, with `asAdmin`, is an admin). */
async function loadApp(
  repos: PortalRepositories,
  actor: UserRecord,
  appId: string,
  asAdmin = false,
): Promise<AppWithClients> {
  const app = await repos.apps.findById(appId);
  const allowed = app !== undefined && (asAdmin ? actor.isAdmin : app.ownerId === actor.id);
  if (!allowed) throw new AppNotFoundError();
  const clients = await repos.clients.listByApp(app.id);
  const sandbox = clients.find((client) => client.environment === 'sandbox');
  const live = clients.find((client) => client.environment === 'live');
  // createApp writes both in one transaction and they only go with the application.
  if (sandbox === undefined || live === undefined) throw new Error(`application ${app.id} lacks a client`);
  return { app, sandbox, live };
}

export const getApp = (ctx: PortalContext, actor: UserRecord, appId: string): Promise<AppWithClients> =>
  loadApp(ctx.storage, actor, appId);

export const listMyApps = (ctx: PortalContext, actor: UserRecord): Promise<AppRecord[]> =>
  ctx.storage.apps.listByOwner(actor.id);

/* ----- the owner's changes ----- */

/** Creates the application and both its clients in one transaction; the secrets are returned once. */
export async function createApp(ctx: PortalContext, actor: UserRecord, input: AppInput): Promise<CreatedApp> {
  const settings = validated(input, ctx.scopes);
  const app: AppRecord = {
    id: ctx.random.token(16).replace(/^-/, '_'),
    ownerId: actor.id,
    name: settings.name,
    description: settings.description,
    createdAt: ctx.clock.now(),
    disabledAt: null,
  };
  const issue = (environment: Environment): IssuedClient =>
    prepareClient(ctx, {
      name: settings.name,
      redirectUris: settings.redirectUris,
      scopes: settings.scopes,
      grantTypes: settings.grantTypes as GrantType[],
      environment,
      appId: app.id,
    });
  const sandbox = issue('sandbox');
  const live = issue('live');
  await ctx.storage.transaction(async (tx) => {
    await tx.apps.create(app);
    await tx.clients.create(sandbox.client);
    await tx.clients.create(live.client);
  });
  return {
    app,
    sandbox: sandbox.client,
    live: live.client,
    secrets: { sandbox: sandbox.secret ?? '', live: live.secret ?? '' },
  };
}

/** Changes the settings of the application and of both its clients alike. */
export async function updateApp(
  ctx: PortalContext,
  actor: UserRecord,
  appId: string,
  input: AppInput,
): Promise<AppWithClients> {
  // Ownership before validation: a stranger learns nothing, not even that the input was wrong.
  await loadApp(ctx.storage, actor, appId);
  const settings = validated(input, ctx.scopes);
  const clientSettings = {
    name: settings.name,
    redirectUris: settings.redirectUris,
    scopes: settings.scopes,
    grantTypes: settings.grantTypes as GrantType[],
  };
  const updated = await ctx.storage.transaction(async (tx) => {
    const current = await loadApp(tx, actor, appId);
    for (const client of [current.sandbox, current.live]) {
      // The same rules as for clients made by the CLI, as a last guard.
      const problem = checkClient({ ...client, ...clientSettings }, ctx.scopes);
      if (problem !== undefined) throw new AppInputError({ grantTypes: [problem] });
      await tx.clients.updateSettings(client.id, clientSettings);
    }
    await tx.apps.update(appId, { name: settings.name, description: settings.description });
    return loadApp(tx, actor, appId);
  });
  ctx.clientCache.invalidate(updated.sandbox.id);
  ctx.clientCache.invalidate(updated.live.id);
  return updated;
}

/**
 * Issues a new secret for one environment's client. The previous secret keeps working for the grace period
 * (none: it dies at once), so a deployment can roll over without downtime.
 */
export async function rotateAppSecret(
  ctx: PortalContext,
  actor: UserRecord,
  appId: string,
  environment: Environment,
  grace: GracePeriod,
): Promise<string> {
  const app = await loadApp(ctx.storage, actor, appId);
  return rotateClientSecret(ctx, app[environment].id, GRACE_PERIODS[grace]);
}

/** Deletes the application and its clients, revoking every token they hold (as `deleteClient` does). */
export async function deleteApp(ctx: PortalContext, actor: UserRecord, appId: string): Promise<void> {
  const now = ctx.clock.now();
  const clientIds = await ctx.storage.transaction(async (tx) => {
    const { sandbox, live } = await loadApp(tx, actor, appId);
    const ids = [sandbox.id, live.id];
    for (const id of ids) await tx.grants.revokeByClient(id, now);
    await tx.apps.delete(appId);
    // Revocations last, as in deleteClient: rows first, then the revocation lock (PostgreSQL).
    for (const id of ids) await revokeClientTokens(ctx, tx, id, now);
    return ids;
  });
  for (const id of clientIds) ctx.clientCache.invalidate(id);
}

/**
 * Access tokens are self-contained JWTs (RFC 9068): a `client` revocation is what stops them before they
 * expire. It must outlive the longest token any configuration allows.
 */
const revokeClientTokens = (ctx: PortalContext, tx: PortalRepositories, clientId: string, now: number) =>
  ctx.revocations.revoke('client', clientId, now + MAX_ACCESS_TOKEN_TTL_SECONDS * 1000, tx);

/* ----- admin ----- */

/** Every application with its owner's name; AppNotFoundError for anyone but an admin. */
export async function listAllApps(
  ctx: PortalContext,
  actor: UserRecord,
): Promise<{ app: AppRecord; ownerName: string }[]> {
  if (!actor.isAdmin) throw new AppNotFoundError();
  const apps = await ctx.storage.apps.listAll();
  const owners = new Map<string, string>();
  for (const app of apps) {
    if (!owners.has(app.ownerId)) {
      owners.set(app.ownerId, (await ctx.storage.users.findById(app.ownerId))?.username ?? '(deleted)');
    }
  }
  return apps.map((app) => ({ app, ownerName: owners.get(app.ownerId) ?? '' }));
}

/**
 * An admin switches an application off: both clients fail client authentication from now on, their grants
 * (refresh tokens) are revoked, and so are their access tokens. Disabling twice changes nothing.
 */
export async function disableApp(ctx: PortalContext, actor: UserRecord, appId: string): Promise<void> {
  const now = ctx.clock.now();
  const clientIds = await ctx.storage.transaction(async (tx) => {
    const { app, sandbox, live } = await loadApp(tx, actor, appId, true);
    if (app.disabledAt !== null) return [];
    const ids = [sandbox.id, live.id];
    await tx.apps.setDisabled(appId, now);
    for (const id of ids) {
      await tx.clients.setDisabled(id, now);
      await tx.grants.revokeByClient(id, now);
    }
    for (const id of ids) await revokeClientTokens(ctx, tx, id, now);
    return ids;
  });
  for (const id of clientIds) ctx.clientCache.invalidate(id);
}
