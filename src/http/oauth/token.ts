import type { FastifyInstance } from 'fastify';
import type { FlexgateContext } from '../../context.js';
import { parseBasicAuthorization } from '../../oauth/client-auth.js';
import { handleTokenRequest } from '../../oauth/endpoints/token.js';
import { bodyParams } from '../params.js';

/** RFC 6749 §3.2 token endpoint, at both paths the seeds use. */
export function tokenRoutes(app: FastifyInstance, ctx: FlexgateContext): void {
  for (const url of ['/oauth/token', '/oauth2/token']) {
    app.post(url, async (request) =>
      handleTokenRequest(ctx, {
        params: bodyParams(request),
        basic: parseBasicAuthorization(request.headers.authorization),
      }),
    );
  }
}
