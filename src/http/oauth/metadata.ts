import type { FastifyInstance } from 'fastify';
import type { FlexgateContext } from '../../context.js';
import { authorizationServerMetadata, ENDPOINT_PATHS } from '../../oauth/endpoints/metadata.js';

/** RFC 8414 §3: served at /.well-known/oauth-authorization-server (+ the issuer's path, if it has one). */
export const metadataPath = (issuer: string): string =>
  `/.well-known/oauth-authorization-server${new URL(issuer).pathname.replace(/\/$/, '')}`;

export function metadataRoutes(app: FastifyInstance, ctx: FlexgateContext): void {
  const metadata = authorizationServerMetadata(ctx.config, ctx.scopes);
  app.get(metadataPath(ctx.config.issuer), async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').send(metadata),
  );
  app.get(ENDPOINT_PATHS.jwks, async (_request, reply) =>
    // Short cache: after a key rotation, verifiers must see the new key before tokens signed with it arrive.
    reply.header('cache-control', 'public, max-age=60').type('application/jwk-set+json').send(ctx.keys.jwks()),
  );
}
