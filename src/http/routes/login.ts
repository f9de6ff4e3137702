import type { FastifyInstance } from 'fastify';
import type { CoreContext } from '../../core/context.js';
import { csrfTokenMatches, endSession, replaceSession, verifyPassword } from '../../core/sessions.js';
import { errorPage } from '../../portal/error-page.js';
import { loginPage } from '../../portal/login-page.js';
import { redirect, sendHtml } from '../html.js';
import { bodyParams, formField, queryParams } from '../params.js';
import { clearSessionCookie, ensureSession, readSession, setSessionCookie } from '../session-cookie.js';

const MAX_FIELD_LENGTH = 1024;
const LOCAL_ORIGIN = 'http://flexgate.invalid';

/**
 * Only local paths are accepted as a post-login destination, so the login form cannot be used as an open
 * redirector ("//evil.example" and "/\\evil.example" are other hosts to a browser, and so is
 * "/\t/evil.example": browsers drop tabs and newlines from URLs). Control characters are refused outright;
 * what is left must resolve to this origin.
 */
function safeReturnTo(value: string | undefined): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects.
  if (value === undefined || !value.startsWith('/') || /[\x00-\x1f\x7f]/.test(value)) return '/';
  try {
    const url = new URL(value, LOCAL_ORIGIN);
    // Rebuilt from the parsed URL: percent-encoded, so it is always a valid Location header.
    return url.origin === LOCAL_ORIGIN ? `${url.pathname}${url.search}` : '/';
  } catch {
    return '/';
  }
}

export function loginRoutes(app: FastifyInstance, ctx: CoreContext): void {
  app.get('/login', async (request, reply) => {
    const session = await ensureSession(ctx, request, reply);
    const returnTo = safeReturnTo(formField(queryParams(request), 'return_to'));
    return sendHtml(reply, 200, loginPage({ csrfToken: session.record.csrfToken, returnTo }));
  });

  app.post('/login', async (request, reply) => {
    const params = bodyParams(request);
    const session = await readSession(ctx, request);
    if (!csrfTokenMatches(session, params.csrf_token)) {
      return sendHtml(
        reply,
        403,
        errorPage('Request refused', 'The form expired or did not come from this site. Reload the page and try again.'),
      );
    }
    const username = formField(params, 'username')?.slice(0, MAX_FIELD_LENGTH) ?? '';
    const password = formField(params, 'password')?.slice(0, MAX_FIELD_LENGTH) ?? '';
    const returnTo = safeReturnTo(formField(params, 'return_to'));
    const user = username === '' || password === '' ? undefined : await verifyPassword(ctx, username, password);
    if (user === undefined) {
      const csrfToken = session?.record.csrfToken ?? '';
      return sendHtml(reply, 401, loginPage({ csrfToken, returnTo, username, error: 'Wrong username or password.' }));
    }
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
