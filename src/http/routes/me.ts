import type { FastifyInstance } from 'fastify';
import type { CoreContext } from '../../core/context.js';
import { requireBearer } from '../bearer.js';

/** GET /api/v0.0.1/me: who the bearer token belongs to. Any valid token may ask. */
export function meRoutes(app: FastifyInstance, ctx: CoreContext): void {
  app.get('/api/v0.0.1/me', { preHandler: requireBearer(ctx) }, async (request) => {
    const token = request.token;
    if (token === undefined) throw new Error('bearer guard did not run');
    const user = token.userId === null ? undefined : await ctx.storage.users.findById(token.userId);
    return {
      client_id: token.clientId,
      user: user === undefined ? null : { id: user.id, username: user.username },
      scopes: token.scopes,
      environment: token.environment,
      token: { jti: token.jti, issued_at: token.issuedAt, expires_at: token.expiresAt },
    };
  });
}
