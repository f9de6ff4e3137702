import type { FastifyInstance } from 'fastify';
import type { FlexgateContext } from '../../context.js';
import { parseBasicAuthorization } from '../../oauth/client-auth.js';
import { handleRevocationRequest } from '../../oauth/endpoints/revoke.js';
import { bodyParams } from '../params.js';

/** RFC 7009 §2: 200 with an empty body whether or not the token was known. */
export function revocationRoutes(app: FastifyInstance, ctx: FlexgateContext): void {
  app.post('/oauth/revoke', async (request, reply) => {
    await handleRevocationRequest(ctx, {
      params: bodyParams(request),
      basic: parseBasicAuthorization(request.headers.authorization),
    });
    return reply.status(200).send();
  });
}
