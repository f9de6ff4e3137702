import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { bodyParams, formField, queryParams } from '../../http/params.js';
import type { PortalContext } from '../domain/context.js';
import { lockedMessage, loginFailed, loginSucceeded, startLoginAttempt } from '../domain/login-throttle.js';
import { csrfTokenMatches, endSession, replaceSession, verifyPassword } from '../domain/sessions.js';
import { formExpired } from '../errors.js';
import { redirect, sendHtml } from '../html.js';
import { loginPage } from '../pages/login-page.js';
import { safeReturnTo } from '../return-to.js';
import { clearSessionCookie, ensureSession, readSession, setSessionCookie } from '../session-cookie.js';

const MAX_FIELD_LENGTH = 1024;

export function loginRoutes(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/login', async (request, reply) => {
    const session = await ensureSession(ctx, request, reply);
    const returnTo = safeReturnTo(formField(queryParams(request), 'return_to'));
    return sendHtml(reply, 200, loginPage({ csrfToken: session.record.csrfToken, returnTo }));
  });

  app.post('/login', async (request, reply) => {
    const params = bodyParams(request);
    const session = await readSession(ctx, request);
    if (!csrfTokenMatches(session, params.csrf_token)) {
      throw formExpired();
    }
    const username = formField(params, 'username')?.slice(0, MAX_FIELD_LENGTH) ?? '';
    const password = formField(params, 'password')?.slice(0, MAX_FIELD_LENGTH) ?? '';
    const returnTo = safeReturnTo(formField(params, 'return_to'));
    const csrfToken = session?.record.csrfToken ?? '';
    // A locked account or address is refused before the password is looked at (see core/login-throttle.ts).
    const gate = await startLoginAttempt(ctx, { username, address: request.ip });
    if (gate.locked) {
      void reply.header('retry-after', String(Math.ceil(gate.retryAfterMs / 1000)));
      return sendHtml(
        reply,
        429,
        loginPage({ csrfToken, returnTo, username, error: lockedMessage(gate.retryAfterMs) }),
      );
    }

    const user = username === '' || password === '' ? undefined : await verifyPassword(ctx, username, password);
    if (user === undefined) {
      const { delayMs } = await loginFailed(ctx, gate.ticket);
      if (delayMs > 0) await sleep(delayMs);
      return sendHtml(reply, 401, loginPage({ csrfToken, returnTo, username, error: 'Wrong username or password.' }));
    }
    await loginSucceeded(ctx, gate.ticket);
    const signedIn = await replaceSession(ctx, session, user.id);
    setSessionCookie(ctx, reply, signedIn);
    return redirect(reply, returnTo);
  });

  app.post('/logout', async (request, reply) => {
    const session = await readSession(ctx, request);
    if (session !== undefined && csrfTokenMatches(session, bodyParams(request).csrf_token)) {
      await endSession(ctx, session);
      clearSessionCookie(reply);
    }
    return redirect(reply, '/login');
  });
}
