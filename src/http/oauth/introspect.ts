import type { FastifyInstance } from 'fastify';
import { parseBasicAuthorization } from '../../core/client-auth.js';
import type { CoreContext } from '../../core/context.js';
import { handleIntrospectionRequest } from '../../core/endpoints/introspect.js';
import { bodyParams } from '../params.js';

export function introspectionRoutes(app: FastifyInstance, ctx: CoreContext): void {
  app.post('/oauth/introspect', async (request) =>
    handleIntrospectionRequest(ctx, {
      params: bodyParams(request),
      basic: parseBasicAuthorization(request.headers.authorization),
    }),
  );
}
