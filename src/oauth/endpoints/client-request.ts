import { type AuthenticatedClient, authenticateClient, type PresentedClientCredentials } from '../client-auth.js';
import type { OAuthContext } from '../context.js';
import { optionalParam, type RawParams } from '../params.js';

/** A request to a client-authenticated endpoint other than the token endpoint (revocation, introspection). */
export interface ClientAuthenticatedRequest {
  params: RawParams;
  basic: PresentedClientCredentials['basic'];
}

export function authenticateRequestClient(
  ctx: OAuthContext,
  { params, basic }: ClientAuthenticatedRequest,
): Promise<AuthenticatedClient> {
  return authenticateClient(
    {
      basic,
      bodyClientId: optionalParam(params, 'client_id'),
      bodyClientSecret: optionalParam(params, 'client_secret'),
    },
    ctx.clientCache,
    ctx.clock,
  );
}
