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
    async handler({ principal, owner, repos }) {
      const user = principal.userId === null ? undefined : await repos.users.findById(principal.userId);
      const { credential } = principal;
      return {
        status: 200,
        body: {
          client_id: principal.clientId,
          customer_id: owner.ownerId,
          user: user === undefined ? null : { id: user.id, username: user.username },
          scopes: [...principal.scopes],
          environment: principal.environment,
          token: { jti: credential.id, issued_at: credential.issuedAt, expires_at: credential.expiresAt },
        },
      };
    },
  }),
];
