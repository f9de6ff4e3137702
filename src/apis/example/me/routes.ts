import { z } from 'zod';
import { type AnyApiRoute, defineRoute } from '../../route.js';

const me = z
  .object({
    client_id: z.string(),
    customer_id: z.string().meta({ description: 'Whose data this token works on (use it in /customers/{id}/news)' }),
    user: z.object({ id: z.string(), username: z.string() }).nullable(),
    scopes: z.array(z.string()),
    environment: z.enum(['sandbox', 'live']),
    token: z.object({ jti: z.string(), issued_at: z.number().int(), expires_at: z.number().int() }),
  })
  .meta({ id: 'Me' });

/** GET /me: who the bearer token belongs to. Any valid token may ask. */
export const meRoutes: AnyApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/me',
    operationId: 'getMe',
    summary: 'Who this token is for',
    description: 'The client, the user (null for a client-credentials token), the scopes and the environment.',
    tag: 'Account',
    scopes: [],
    success: { status: 200, description: 'The token and whose it is', schema: me },
    async handler({ token, scope, repos }) {
      const user = token.userId === null ? undefined : await repos.users.findById(token.userId);
      return {
        status: 200,
        body: {
          client_id: token.clientId,
          customer_id: scope.ownerId,
          user: user === undefined ? null : { id: user.id, username: user.username },
          scopes: token.scopes,
          environment: token.environment,
          token: { jti: token.jti, issued_at: token.issuedAt, expires_at: token.expiresAt },
        },
      };
    },
  }),
];
