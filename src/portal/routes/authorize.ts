import type { FastifyInstance, FastifyReply } from 'fastify';
import { bodyParams, formField, queryParams } from '../../http/params.js';
import {
  type AuthorizationRequest,
  approveAuthorization,
  denyAuthorization,
  needsConsent,
  validateAuthorizationRequest,
} from '../../oauth/endpoints/authorize.js';
import type { RawParams } from '../../oauth/params.js';
import type { PortalContext } from '../domain/context.js';
import { type ActiveSession, csrfTokenMatches } from '../domain/sessions.js';
import { formExpired, requestRefused } from '../errors.js';
import { redirect, sendHtml } from '../html.js';
import { consentPage } from '../pages/consent-page.js';
import { currentUser } from '../session.js';

/**
 * GET /oauth/authorize validates the request, sends the user to log in if needed, then either redirects at
 * once (consent already given) or shows the consent page. The consent form POSTs the request back with the
 * decision; it is validated again, since anything in a form can be edited.
 */
export function authorizeRoutes(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/oauth/authorize', async (request, reply) => {
    const validated = await validate(ctx, queryParams(request), reply);
    if (validated === undefined) return reply;
    const signedIn = await currentUser(ctx, request);
    if (signedIn === undefined) return redirect(reply, `/login?${new URLSearchParams({ return_to: request.url })}`);
    const { user, session } = signedIn;
    if (!(await needsConsent(ctx, user.id, validated))) {
      return redirect(reply, await approveAuthorization(ctx, user.id, validated));
    }
    return showConsent(ctx, reply, validated, user.username, session);
  });

  app.post('/oauth/authorize', async (request, reply) => {
    const params = bodyParams(request);
    const signedIn = await currentUser(ctx, request);
    if (signedIn === undefined || !csrfTokenMatches(signedIn.session, params.csrf_token)) {
      throw formExpired('Start again from the application.');
    }
    const validated = await validate(ctx, params, reply);
    if (validated === undefined) return reply;
    const decision = formField(params, 'decision');
    if (decision === 'allow') return redirect(reply, await approveAuthorization(ctx, signedIn.user.id, validated));
    if (decision === 'deny') return redirect(reply, denyAuthorization(ctx, validated));
    throw requestRefused('Choose Allow or Deny.');
  });
}

/** The validated request, or undefined once the error has been sent (error page or error redirect). */
async function validate(
  ctx: PortalContext,
  params: RawParams,
  reply: FastifyReply,
): Promise<AuthorizationRequest | undefined> {
  const result = await validateAuthorizationRequest(ctx, params);
  if (result.ok) return result.request;
  // RFC 6749 §4.1.2.1: with an invalid client or redirect URI the user is told, never redirected.
  if (result.redirectTo === undefined) {
    throw requestRefused(result.error.description, 'This authorization request is invalid');
  }
  redirect(reply, result.redirectTo);
  return undefined;
}

function showConsent(
  ctx: PortalContext,
  reply: FastifyReply,
  validated: AuthorizationRequest,
  username: string,
  session: ActiveSession,
): FastifyReply {
  const request: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: validated.client.id,
    redirect_uri: validated.redirectUri,
    scope: validated.scopes.join(' '),
    state: validated.state,
    code_challenge: validated.codeChallenge ?? undefined,
    code_challenge_method: validated.codeChallenge === null ? undefined : 'S256',
  };
  return sendHtml(
    reply,
    200,
    consentPage({
      clientName: validated.client.name,
      username,
      scopes: validated.scopes.map((name) => ctx.scopes.describeOrName(name)),
      redirectHost: new URL(validated.redirectUri).host,
      csrfToken: session.record.csrfToken,
      request,
    }),
  );
}
