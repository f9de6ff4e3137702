import type { FastifyInstance } from 'fastify';
import type { FlexgateContext } from '../../context.js';
import { parseBasicAuthorization } from '../../oauth/client-auth.js';
import { handleIntrospectionRequest } from '../../oauth/endpoints/introspect.js';
import { bodyParams } from '../params.js';

export function introspectionRoutes(app: FastifyInstance, ctx: FlexgateContext): void {
  app.post('/oauth/introspect', async (request) =>
    handleIntrospectionRequest(ctx, {
      params: bodyParams(request),
      basic: parseBasicAuthorization(request.headers.authorization),
    }),
  );
}
