import { authenticateClient, type PresentedClientCredentials } from '../client-auth.js';
import type { OAuthContext } from '../context.js';
import { OAuthError } from '../errors.js';
import { authorizationCodeGrant } from '../grants/authorization-code.js';
import { clientCredentialsGrant } from '../grants/client-credentials.js';
import type { GrantHandler, TokenResponse } from '../grants/grant.js';
import { refreshTokenGrant } from '../grants/refresh-token.js';
import { optionalParam, type RawParams, repeatedParam, requiredParam } from '../params.js';
import type { GrantType } from '../ports.js';

const grants = new Map<string, GrantHandler>(
  [authorizationCodeGrant, clientCredentialsGrant, refreshTokenGrant].map((grant) => [grant.grantType, grant]),
);

export const SUPPORTED_GRANT_TYPES = [...grants.keys()] as GrantType[];

export interface TokenRequest {
  params: RawParams;
  basic: PresentedClientCredentials['basic'];
}

/** RFC 6749 §3.2: the token endpoint. Authenticates the client, then hands over to the grant's module. */
export async function handleTokenRequest(ctx: OAuthContext, request: TokenRequest): Promise<TokenResponse> {
  const { params, basic } = request;
  const repeated = repeatedParam(params, Object.keys(params));
  if (repeated !== undefined) {
    throw new OAuthError('invalid_request', `The ${repeated} parameter must not be repeated`);
  }
  const grantType = requiredParam(params, 'grant_type');
  const grant = grants.get(grantType);
  if (grant === undefined) {
    throw new OAuthError('unsupported_grant_type', `The grant type ${grantType} is not supported`);
  }
  const { client } = await authenticateClient(
    {
      basic,
      bodyClientId: optionalParam(params, 'client_id'),
      bodyClientSecret: optionalParam(params, 'client_secret'),
    },
    ctx.clientCache,
    ctx.clock,
  );
  if (!client.grantTypes.includes(grant.grantType)) {
    throw new OAuthError('unauthorized_client', `This client is not allowed to use the ${grantType} grant`);
  }
  return grant.handle(ctx, client, params);
}
