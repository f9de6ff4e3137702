import type { OAuthContext } from '../context.js';
import { OAuthError } from '../errors.js';
import { optionalParam, type RawParams, repeatedParam } from '../params.js';
import { isValidS256Challenge } from '../pkce.js';
import type { ClientRecord } from '../ports.js';
import { isRegisteredRedirectUri } from '../redirect-uris.js';
import { isSubset, parseScope } from '../scopes.js';
import { hashSecret } from '../secrets.js';

/** A validated authorization request (RFC 6749 §4.1.1 + RFC 7636 §4.3). */
export interface AuthorizationRequest {
  client: ClientRecord;
  redirectUri: string;
  scopes: string[];
  state: string;
  codeChallenge: string | null;
}

export type AuthorizationValidation =
  | { ok: true; request: AuthorizationRequest }
  /** `redirectTo` is set only when the redirect URI was proven valid; otherwise show an error page. */
  | { ok: false; error: OAuthError; redirectTo: string | undefined };

const AUTHORIZATION_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
];

/**
 * Validates an authorization request. Errors about the client or the redirect URI are never sent to the
 * redirect URI (RFC 6749 §4.1.2.1: that would make the server an open redirector); all later errors are.
 */
export async function validateAuthorizationRequest(
  ctx: OAuthContext,
  params: RawParams,
): Promise<AuthorizationValidation> {
  const pageError = (description: string): AuthorizationValidation => ({
    ok: false,
    error: new OAuthError('invalid_request', description),
    redirectTo: undefined,
  });
  const repeated = repeatedParam(params, AUTHORIZATION_PARAMS);
  const clientId = params.client_id;
  const redirectUri = params.redirect_uri;
  if (typeof clientId !== 'string' || clientId === '') return pageError('The client_id parameter is required');
  if (typeof redirectUri !== 'string' || redirectUri === '') {
    return pageError('The redirect_uri parameter is required');
  }
  const client = await ctx.clientCache.findById(clientId);
  // A disabled client is treated as unregistered: no new authorizations for an app an admin switched off.
  if (client === undefined || client.disabledAt !== null) return pageError('The client_id is not registered');
  // Exact string comparison: no prefix, path, port, scheme or case leeway (RFC 9700 §4.1.1), except any port
  // for a loopback IP literal URI such as http://127.0.0.1/callback (RFC 8252 §7.3).
  if (!isRegisteredRedirectUri(client.redirectUris, redirectUri)) {
    return pageError('The redirect_uri is not registered for this client');
  }

  const state = typeof params.state === 'string' && params.state !== '' ? params.state : undefined;
  const redirectError = (error: OAuthError['error'], description: string): AuthorizationValidation => ({
    ok: false,
    error: new OAuthError(error, description, { redirectable: true }),
    redirectTo: authorizationResponseUrl(redirectUri, ctx.config.issuer, {
      error,
      error_description: description,
      state,
    }),
  });

  if (repeated !== undefined) return redirectError('invalid_request', `The ${repeated} parameter must not be repeated`);
  const responseType = optionalParam(params, 'response_type');
  if (responseType === undefined) return redirectError('invalid_request', 'The response_type parameter is required');
  if (responseType !== 'code') {
    return redirectError('unsupported_response_type', 'Only response_type=code is supported');
  }
  if (!client.grantTypes.includes('authorization_code')) {
    return redirectError('unauthorized_client', 'This client is not allowed to use the authorization code flow');
  }
  if (state === undefined) return redirectError('invalid_request', 'The state parameter is required');

  const scopeParam = optionalParam(params, 'scope');
  if (scopeParam === undefined) return redirectError('invalid_request', 'The scope parameter is required');
  const scopes = parseScope(scopeParam);
  if (scopes === undefined || scopes.length === 0) return redirectError('invalid_scope', 'The scope is malformed');
  const unknown = scopes.filter((scope) => !ctx.scopes.isKnown(scope));
  if (unknown.length > 0) return redirectError('invalid_scope', `Unknown scope: ${unknown.join(' ')}`);
  if (!isSubset(scopes, client.scopes)) {
    return redirectError('invalid_scope', 'The requested scope exceeds the scopes registered for this client');
  }

  const challenge = optionalParam(params, 'code_challenge');
  const method = optionalParam(params, 'code_challenge_method');
  if (challenge === undefined) {
    if (method !== undefined) return redirectError('invalid_request', 'code_challenge_method without code_challenge');
    // RFC 9700 §2.1.1: public clients MUST use PKCE.
    if (client.isPublic) return redirectError('invalid_request', 'PKCE (code_challenge with S256) is required');
  } else {
    // RFC 7636 §4.3 defaults to "plain", which RFC 9700 advises against: S256 must be named.
    if (method !== 'S256') return redirectError('invalid_request', 'code_challenge_method must be S256');
    if (!isValidS256Challenge(challenge)) return redirectError('invalid_request', 'code_challenge is malformed');
  }

  return { ok: true, request: { client, redirectUri, scopes, state, codeChallenge: challenge ?? null } };
}

/** Whether the user must see the consent page: no remembered consent covers every requested scope. */
export async function needsConsent(ctx: OAuthContext, userId: string, request: AuthorizationRequest): Promise<boolean> {
  // RFC 6749 §10.2 / RFC 8252 §8.6: a public client cannot prove who is asking, so a remembered consent
  // must not approve it silently (any page could start the flow and have the code sent to loopback).
  if (request.client.isPublic) return true;
  const consent = await ctx.storage.consents.find(userId, request.client.id);
  return consent === undefined || !isSubset(request.scopes, consent.scopes);
}

/** The user allowed: remember the consent, issue a code, and return where to send the browser. */
export async function approveAuthorization(
  ctx: OAuthContext,
  userId: string,
  request: AuthorizationRequest,
): Promise<string> {
  const now = ctx.clock.now();
  const code = ctx.random.token(32);
  await ctx.storage.transaction(async (tx) => {
    const existing = await tx.consents.find(userId, request.client.id);
    const scopes = [...new Set([...(existing?.scopes ?? []), ...request.scopes])];
    await tx.consents.upsert({
      userId,
      clientId: request.client.id,
      scopes,
      grantedAt: existing?.grantedAt ?? now,
      updatedAt: now,
    });
    await tx.codes.create({
      codeHash: hashSecret(code),
      clientId: request.client.id,
      userId,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      codeChallenge: request.codeChallenge,
      environment: request.client.environment,
      createdAt: now,
      expiresAt: now + ctx.config.authorizationCodeTtlSeconds * 1000,
      usedAt: null,
      grantId: null,
    });
  });
  return authorizationResponseUrl(request.redirectUri, ctx.config.issuer, { code, state: request.state });
}

/** The user denied (RFC 6749 §4.1.2.1 access_denied). */
export function denyAuthorization(ctx: OAuthContext, request: AuthorizationRequest): string {
  return authorizationResponseUrl(request.redirectUri, ctx.config.issuer, {
    error: 'access_denied',
    error_description: 'The user denied the request',
    state: request.state,
  });
}

/** Appends response parameters to the redirect URI, keeping its own query, and `iss` (RFC 9207). */
function authorizationResponseUrl(
  redirectUri: string,
  issuer: string,
  params: Record<string, string | undefined>,
): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.append(name, value);
  url.searchParams.append('iss', issuer);
  return url.toString();
}
