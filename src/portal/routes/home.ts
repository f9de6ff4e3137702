import type { FastifyInstance } from 'fastify';
import { metadataPath } from '../../http/oauth/metadata.js';
import { ENDPOINT_PATHS } from '../../oauth/endpoints/metadata.js';
import type { PortalContext } from '../domain/context.js';
import { sendHtml } from '../html.js';
import { servesPage } from '../links.js';
import { homePage } from '../pages/home-page.js';
import { currentUser } from '../session.js';

/**
 * GET /: what Flexgate is and where to go next. Links are checked against the router when the page is
 * rendered, so a page another module does not register (yet) is never linked.
 */
export function homeRoutes(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/', async (request, reply) => {
    const discovery = {
      origin: new URL(ctx.config.issuer).origin,
      metadataPath: metadataPath(ctx.config.issuer),
      jwksPath: ENDPOINT_PATHS.jwks,
    };
    const signedIn = await currentUser(ctx, request);
    if (signedIn !== undefined) return sendHtml(reply, 200, homePage({ signedIn: true, nav: signedIn.nav, discovery }));
    const signUpPath = servesPage(request.server, '/signup') ? '/signup' : undefined;
    return sendHtml(reply, 200, homePage({ signedIn: false, loginPath: '/login', signUpPath, discovery }));
  });
}
