import type { FastifyInstance } from 'fastify';
import { bodyParams, formField, queryParams } from '../../http/params.js';
import type { RawParams } from '../../oauth/params.js';
import { changePassword, signUp } from '../domain/accounts.js';
import type { PortalContext } from '../domain/context.js';
import { csrfTokenMatches, replaceSession } from '../domain/sessions.js';
import { formExpired } from '../errors.js';
import { redirect, sendHtml } from '../html.js';
import { accountPage, signUpPage } from '../pages/account-pages.js';
import { safeReturnTo } from '../return-to.js';
import { currentUser, signedInForm, signedInPage } from '../session.js';
import { ensureSession, readSession, setSessionCookie } from '../session-cookie.js';

/** Field values are validated whole (never cut), so an over-long value gets its field error, not a 500. */
const field = (params: RawParams, name: string) => formField(params, name) ?? '';

/** Sign-up, the account page and password change. */
export function accountRoutes(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/signup', async (request, reply) => {
    const returnTo = safeReturnTo(formField(queryParams(request), 'return_to'));
    // Someone already signed in has nothing to sign up for here; send them on as a login would.
    if ((await currentUser(ctx, request)) !== undefined) return redirect(reply, returnTo);
    const session = await ensureSession(ctx, request, reply);
    return sendHtml(reply, 200, signUpPage({ csrfToken: session.record.csrfToken, returnTo }));
  });

  app.post('/signup', async (request, reply) => {
    const params = bodyParams(request);
    // The anonymous session of the form carries the CSRF token, exactly as for the login form.
    const session = await readSession(ctx, request);
    if (!csrfTokenMatches(session, params.csrf_token)) throw formExpired();
    const username = field(params, 'username');
    const returnTo = safeReturnTo(formField(params, 'return_to'));
    const result = await signUp(ctx, {
      username,
      password: field(params, 'password'),
      confirmation: field(params, 'confirm_password'),
    });
    if (!result.ok) {
      const csrfToken = session?.record.csrfToken ?? '';
      // Kept for the next try, but never more than a valid username's length (an over-long one is not echoed).
      const kept = username.slice(0, 64);
      return sendHtml(reply, 400, signUpPage({ csrfToken, returnTo, username: kept, errors: result.errors }));
    }
    const signedIn = await replaceSession(ctx, session, result.value.id);
    setSessionCookie(ctx, reply, signedIn);
    return redirect(reply, returnTo);
  });

  app.get(
    '/account',
    signedInPage(ctx, async (request, reply, signedIn) => {
      const passwordChanged = formField(queryParams(request), 'password') === 'changed';
      return sendHtml(reply, 200, accountPage({ nav: signedIn.nav, passwordChanged }));
    }),
  );

  app.post(
    '/account/password',
    signedInForm(ctx, async (request, reply, signedIn) => {
      const params = bodyParams(request);
      const result = await changePassword(ctx, signedIn.user, {
        current: field(params, 'current_password'),
        password: field(params, 'password'),
        confirmation: field(params, 'confirm_password'),
        address: request.ip,
      });
      if (!result.ok) {
        const status = result.locked === true ? 429 : 400;
        return sendHtml(reply, status, accountPage({ nav: signedIn.nav, errors: result.errors }));
      }
      // Every session of the user is gone (this one too); this browser continues in a new one.
      const renewed = await replaceSession(ctx, undefined, signedIn.user.id);
      setSessionCookie(ctx, reply, renewed);
      return redirect(reply, '/account?password=changed');
    }),
  );
}
