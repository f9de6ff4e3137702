import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PortalContext } from './domain/context.js';
import { type ActiveSession, createSession, findSession } from './domain/sessions.js';

export const SESSION_COOKIE = 'fg_session';

export function readSession(ctx: PortalContext, request: FastifyRequest): Promise<ActiveSession | undefined> {
  return findSession(ctx, request.cookies[SESSION_COOKIE]);
}

/** The visitor's session, or a new anonymous one (to bind the login form's CSRF token). */
export async function ensureSession(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply) {
  const existing = await readSession(ctx, request);
  if (existing !== undefined) return existing;
  const created = await createSession(ctx, null);
  setSessionCookie(ctx, reply, created);
  return created;
}

export function setSessionCookie(ctx: PortalContext, reply: FastifyReply, session: ActiveSession): void {
  void reply.setCookie(SESSION_COOKIE, session.id, {
    httpOnly: true,
    sameSite: 'lax',
    // Secure whenever the public URL is https; not derived from the request (a proxy may terminate TLS).
    secure: ctx.config.issuer.startsWith('https:'),
    path: '/',
    maxAge: ctx.config.sessionTtlSeconds,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
