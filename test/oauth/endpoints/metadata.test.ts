/** RFC 8414 metadata, built directly from the configuration and the injected scope catalogue. */
import { describe, expect, it } from 'vitest';
import { EXAMPLE_SCOPES } from '../../../src/apis/example/scopes.js';
import { authorizationServerMetadata } from '../../../src/oauth/endpoints/metadata.js';
import { ScopeCatalogue } from '../../../src/oauth/scopes.js';

const config = {
  issuer: 'https://auth.example.test',
  audience: 'https://auth.example.test/api',
  accessTokenTtlSeconds: 3600,
  refreshTokenTtlSeconds: 86_400,
  authorizationCodeTtlSeconds: 60,
  environmentHosts: {},
  clientCacheTtlMs: 0,
  ccTokenReuseSeconds: 0,
};

describe('the authorization server metadata', () => {
  it('names the issuer and every endpoint below it', () => {
    const metadata = authorizationServerMetadata(config, new ScopeCatalogue(EXAMPLE_SCOPES));
    expect(metadata).toMatchObject({
      issuer: 'https://auth.example.test',
      authorization_endpoint: 'https://auth.example.test/oauth/authorize',
      token_endpoint: 'https://auth.example.test/oauth/token',
      revocation_endpoint: 'https://auth.example.test/oauth/revoke',
      introspection_endpoint: 'https://auth.example.test/oauth/introspect',
      jwks_uri: 'https://auth.example.test/.well-known/jwks.json',
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
  });

  it('lists the scopes of the catalogue it is given, and none of its own', () => {
    const catalogue = new ScopeCatalogue([{ name: 'weather:read', description: 'Read the forecast' }]);
    expect(authorizationServerMetadata(config, catalogue).scopes_supported).toEqual(['weather:read']);
  });

  it('refuses a scope declared twice with different descriptions', () => {
    expect(
      () =>
        new ScopeCatalogue([
          { name: 'a', description: 'one' },
          { name: 'a', description: 'two' },
        ]),
    ).toThrow(/declared twice/);
  });
});
