import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { apiDocsRoutes } from '../apis/docs/routes.js';
import { API_ROUTES } from '../apis/example/index.js';
import { registerApi } from '../apis/pipeline.js';
import type { RateLimiter } from '../apis/rate-limiter.js';
import { API_BASE } from '../apis/route.js';
import type { FlexgateContext } from '../context.js';
import { OAuthError } from '../oauth/errors.js';
import { STYLESHEET } from '../portal/pages/style.js';
import { accountRoutes } from '../portal/routes/accounts.js';
import { authorizeRoutes } from '../portal/routes/authorize.js';
import { connectedAppsRoutes } from '../portal/routes/connected-apps.js';
import { developerAppRoutes } from '../portal/routes/developer-apps.js';
import { homeRoutes } from '../portal/routes/home.js';
import { loginRoutes } from '../portal/routes/login.js';
import {
  apiErrorHandler,
  frameworkErrorHandler,
  notFoundHandler,
  oauthErrorHandler,
  portalErrorHandler,
} from './errors.js';
import { containsNul, NulCharacterError } from './nul.js';
import { introspectionRoutes } from './oauth/introspect.js';
import { metadataRoutes } from './oauth/metadata.js';
import { revocationRoutes } from './oauth/revoke.js';
import { tokenRoutes } from './oauth/token.js';

export interface AppOptions {
  /** A pino logger (request logging), or false for none. */
  logger: FastifyBaseLogger | false;
  /** Counts REST API requests per client (in memory, or in Redis shared by several instances). */
  rateLimiter: RateLimiter;
}

const isFormEncoded = (contentType: string | undefined) =>
  contentType !== undefined && /^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType);

const notFormEncoded = () =>
  new OAuthError('invalid_request', 'Send the parameters as application/x-www-form-urlencoded', { status: 400 });

/** The HTTP transport: Fastify plugins, the error handler, and one route module per endpoint. */
export async function buildApp(ctx: FlexgateContext, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger === false ? {} : { loggerInstance: options.logger }),
    // Bodies of OAuth requests are small; a megabyte is generous and bounds memory per request.
    bodyLimit: 1024 * 1024,
    // The issuer comes from configuration: Host and X-Forwarded-* are never trusted to build URLs.
    trustProxy: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    requestIdHeader: false,
    // A 500 quotes the request id: unique across restarts and instances, so a report finds its log line.
    genReqId: () => randomUUID(),
    // Path parameters are ids (≤ 200 characters); Fastify's default of 100 would answer 414 in its own shape.
    routerOptions: { maxParamLength: 512 },
    frameworkErrors: (error, request, reply) => frameworkErrorHandler(error, request, reply as FastifyReply),
  });
  await app.register(fastifyFormbody, { bodyLimit: 64 * 1024 });
  app.setErrorHandler(oauthErrorHandler);
  // No Flexgate parameter may hold a NUL byte, and PostgreSQL refuses one in text (an error, not a mismatch):
  // refused here, once, before any route or query sees it.
  app.addHook('preValidation', (request, _reply, done) => {
    const hasNul = [request.params, request.query, request.body].some(containsNul);
    done(hasNul ? new NulCharacterError() : undefined);
  });
  app.setNotFoundHandler(notFoundHandler);

  // Token, revocation and introspection responses carry tokens or token metadata: RFC 6749 §5.1 says
  // no-store, on errors too. Set before routing so every outcome has it.
  await app.register(async (oauthEndpoints) => {
    oauthEndpoints.addHook('onRequest', (request, reply, done) => {
      void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      // RFC 6749 §3.2 / RFC 7009 §2.1 / RFC 7662 §2.1: parameters come form-encoded, never as JSON.
      done(isFormEncoded(request.headers['content-type']) ? undefined : notFormEncoded());
    });
    for (const register of [tokenRoutes, revocationRoutes, introspectionRoutes]) register(oauthEndpoints, ctx);
  });

  // Pages use a session cookie; the API and token endpoints never parse cookies.
  await app.register(async (pages) => {
    pages.setErrorHandler(portalErrorHandler);
    await pages.register(fastifyCookie);
    // Browsers post forms form-encoded; anything else is not our page talking.
    pages.addHook('onRequest', (request, _reply, done) => {
      done(request.method !== 'POST' || isFormEncoded(request.headers['content-type']) ? undefined : notFormEncoded());
    });
    authorizeRoutes(pages, ctx);
    loginRoutes(pages, ctx);
    accountRoutes(pages, ctx);
    developerAppRoutes(pages, ctx);
    connectedAppsRoutes(pages, ctx);
    homeRoutes(pages, ctx);
  });

  app.get('/assets/style.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  );
  metadataRoutes(app, ctx);
  await registerApi(app, ctx, API_BASE, API_ROUTES, {
    rateLimiter: options.rateLimiter,
    errorHandler: apiErrorHandler,
  });
  apiDocsRoutes(app, ctx, API_ROUTES);
  return app;
}
