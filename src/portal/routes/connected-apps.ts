import type { FastifyInstance } from 'fastify';
import { formField, queryParams } from '../../http/params.js';
import {
  type ConnectedApp,
  ConnectedAppNotFoundError,
  listConnectedApps,
  revokeConnectedApp,
} from '../domain/connected-apps.js';
import type { PortalContext } from '../domain/context.js';
import { pageNotFound } from '../errors.js';
import { redirect, sendHtml } from '../html.js';
import { connectedAppsPage } from '../pages/connected-apps-page.js';
import { signedInForm, signedInPage } from '../session.js';

/**
 * GET /account/apps lists the apps the user has allowed; POST /account/apps/:clientId/revoke takes one
 * back and returns to the list (303, so a reload does not post again) with a confirmation.
 */
export function connectedAppsRoutes(app: FastifyInstance, ctx: PortalContext): void {
  app.get(
    '/account/apps',
    signedInPage(ctx, async (request, reply, signedIn) => {
      const apps = await listConnectedApps(ctx, signedIn.user.id);
      const revokedName = await revokedAppName(ctx, formField(queryParams(request), 'revoked'), apps);
      return sendHtml(reply, 200, connectedAppsPage({ apps, nav: signedIn.nav, revokedName }));
    }),
  );

  app.post<{ Params: { clientId: string } }>(
    '/account/apps/:clientId/revoke',
    signedInForm(ctx, async (request, reply, signedIn) => {
      const { clientId } = request.params;
      try {
        await revokeConnectedApp(ctx, signedIn.user.id, clientId);
      } catch (error) {
        if (!(error instanceof ConnectedAppNotFoundError)) throw error;
        // The same answer whether the app does not exist or another user connected it: nothing to learn here.
        throw pageNotFound('This app is not connected to your account.');
      }
      return redirect(reply, `/account/apps?${new URLSearchParams({ revoked: clientId })}`);
    }),
  );
}

/**
 * The confirmation names the app only if it exists and is no longer connected, so a crafted link cannot
 * make the page claim that an app still listed was revoked, nor print text of the link's choosing.
 */
async function revokedAppName(
  ctx: PortalContext,
  clientId: string | undefined,
  apps: ConnectedApp[],
): Promise<string | undefined> {
  if (clientId === undefined || clientId === '' || apps.some((app) => app.clientId === clientId)) return undefined;
  return (await ctx.clientCache.findById(clientId))?.name;
}
