import type { FastifyInstance } from 'fastify';
import { parseBasicAuthorization } from '../../oauth/client-auth.js';
import type { CoreContext } from '../../oauth/context.js';
import { handleIntrospectionRequest } from '../../oauth/endpoints/introspect.js';
import { bodyParams } from '../params.js';

export function introspectionRoutes(app: FastifyInstance, ctx: CoreContext): void {
  app.post('/oauth/introspect', async (request) =>
    handleIntrospectionRequest(ctx, {
      params: bodyParams(request),
      basic: parseBasicAuthorization(request.headers.authorization),
    }),
  );
}
