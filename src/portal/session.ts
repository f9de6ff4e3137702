import type { FastifyReply, FastifyRequest } from 'fastify';
import { bodyParams } from '../http/params.js';
import type { PortalContext } from './domain/context.js';
import type { UserRecord } from './domain/ports.js';
import { type ActiveSession, csrfTokenMatches } from './domain/sessions.js';
import { formExpired } from './errors.js';
import { redirect } from './html.js';
import { portalLinks } from './links.js';
import type { PortalNav } from './pages/layout.js';
import { readSession } from './session-cookie.js';

export interface SignedIn {
  user: UserRecord;
  session: ActiveSession;
  /** What the page layout needs for its navigation (and the logout form's CSRF token). */
  nav: PortalNav;
}

/** The signed-in user of a portal request, or undefined (for pages that work either way). */
export async function currentUser(ctx: PortalContext, request: FastifyRequest): Promise<SignedIn | undefined> {
  const session = await readSession(ctx, request);
  if (session?.record.userId == null) return undefined;
  const user = await ctx.storage.users.findById(session.record.userId);
  if (user === undefined) return undefined;
  return {
    user,
    session,
    nav: {
      username: user.username,
      isAdmin: user.isAdmin,
      csrfToken: session.record.csrfToken,
      links: portalLinks(request.server, user.isAdmin),
    },
  };
}

/**
 * For pages that need a signed-in user: the user, or undefined after redirecting the browser to the login
 * page (which brings it back here afterwards).
 */
async function requireUser(
  ctx: PortalContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<SignedIn | undefined> {
  const signedIn = await currentUser(ctx, request);
  if (signedIn === undefined) {
    const returnTo = request.method === 'GET' ? request.url : '/';
    redirect(reply, `/login?${new URLSearchParams({ return_to: returnTo })}`);
  }
  return signedIn;
}

/**
 * For every state-changing form: the signed-in user when the form's CSRF token matches the session's;
 * otherwise it throws the 403 refusal (or has sent a login redirect) and nothing may change.
 */
async function requireUserForm(
  ctx: PortalContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<SignedIn | undefined> {
  const signedIn = await requireUser(ctx, request, reply);
  if (signedIn === undefined) return undefined;
  if (!csrfTokenMatches(signedIn.session, bodyParams(request).csrf_token)) throw formExpired();
  return signedIn;
}

type SignedInHandler<R extends FastifyRequest> = (
  request: R,
  reply: FastifyReply,
  signedIn: SignedIn,
) => Promise<unknown>;

/** A page for signed-in users only: anyone else is sent to the login page (and brought back afterwards). */
export function signedInPage<R extends FastifyRequest>(ctx: PortalContext, handler: SignedInHandler<R>) {
  return async (request: R, reply: FastifyReply): Promise<unknown> => {
    const signedIn = await requireUser(ctx, request, reply);
    return signedIn === undefined ? reply : handler(request, reply, signedIn);
  };
}

/** A state-changing form of a signed-in user: the CSRF token must match, or nothing runs (403). */
export function signedInForm<R extends FastifyRequest>(ctx: PortalContext, handler: SignedInHandler<R>) {
  return async (request: R, reply: FastifyReply): Promise<unknown> => {
    const signedIn = await requireUserForm(ctx, request, reply);
    return signedIn === undefined ? reply : handler(request, reply, signedIn);
  };
}
