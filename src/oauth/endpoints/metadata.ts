import type { OAuthConfig } from '../context.js';
import type { ScopeCatalogue } from '../scopes.js';
import { SUPPORTED_GRANT_TYPES } from './token.js';

/** The paths the transport serves each endpoint at, relative to the issuer. */
export const ENDPOINT_PATHS = {
  authorization: '/oauth/authorize',
  token: '/oauth/token',
  revocation: '/oauth/revoke',
  introspection: '/oauth/introspect',
  jwks: '/.well-known/jwks.json',
} as const;

const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'];

/** RFC 8414 authorization server metadata: only what this server really does. */
export function authorizationServerMetadata(config: OAuthConfig, scopes: ScopeCatalogue): Record<string, unknown> {
  const url = (path: string) => new URL(path, `${config.issuer}/`).toString();
  return {
    issuer: config.issuer,
    authorization_endpoint: url(ENDPOINT_PATHS.authorization.slice(1)),
    token_endpoint: url(ENDPOINT_PATHS.token.slice(1)),
    jwks_uri: url(ENDPOINT_PATHS.jwks.slice(1)),
    revocation_endpoint: url(ENDPOINT_PATHS.revocation.slice(1)),
    introspection_endpoint: url(ENDPOINT_PATHS.introspection.slice(1)),
    scopes_supported: scopes.names,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: SUPPORTED_GRANT_TYPES,
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    // Introspection needs an authenticated caller: public clients (auth method "none") cannot use it.
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS.filter((method) => method !== 'none'),
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
  };
}
