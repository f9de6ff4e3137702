/**
 * Error responses on the wire: every RFC 6749 §5.2 token-endpoint error, RFC 6750 bearer errors on the API,
 * and the server metadata (RFC 8414) and JWKS the errors are judged against.
 */
import { createLocalJWKSet, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_SCOPES } from '../../src/apis/example/scopes.js';
import {
  type Fixture,
  obtainCode,
  obtainTokens,
  type RegisteredClient,
  registerClient,
  startFixture,
} from '../helpers/e2e.js';
import {
  basicAuth,
  getMe,
  jwtHeader,
  jwtPayload,
  pkcePair,
  postForm,
  type TokenBody,
  tokenRequest,
} from '../helpers/oauth-client.js';

let fx: Fixture;
let app: RegisteredClient;
let worker: RegisteredClient;
beforeAll(async () => {
  fx = await startFixture();
  // Authorization code + refresh + client credentials.
  app = await registerClient(fx.server);
  // Client credentials only.
  const { clientId, clientSecret } = await fx.server.createClient({
    name: 'worker',
    grantTypes: ['client_credentials'],
    scopes: ['read:news'],
  });
  worker = { clientId, clientSecret, redirectUri: '' };
});
afterAll(() => fx.server.close());

const secret = (client: RegisteredClient) => client.clientSecret ?? '';

function expectError(
  response: { status: number; headers: Headers; body: TokenBody },
  status: number,
  error: string,
): void {
  expect({ status: response.status, body: response.body }).toEqual({
    status,
    body: { error, error_description: expect.any(String) },
  });
  // RFC 6749 §5.1/§5.2: token-endpoint responses, errors included, must not be cached.
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('pragma')).toBe('no-cache');
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
}

describe('token endpoint errors (RFC 6749 §5.2)', () => {
  describe('invalid_request', () => {
    it('missing grant_type', async () => {
      expectError(
        await tokenRequest(fx.baseUrl, { client_id: worker.clientId, client_secret: secret(worker) }),
        400,
        'invalid_request',
      );
    });

    it('a repeated parameter', async () => {
      const response = await postForm<TokenBody>(`${fx.baseUrl}/oauth/token`, [
        ['grant_type', 'client_credentials'],
        ['client_id', worker.clientId],
        ['client_secret', secret(worker)],
        ['scope', 'read:news'],
        ['scope', 'read:news'],
      ]);
      expectError(response, 400, 'invalid_request');
    });

    it('a repeated grant_type', async () => {
      const response = await postForm<TokenBody>(`${fx.baseUrl}/oauth2/token`, [
        ['grant_type', 'client_credentials'],
        ['grant_type', 'client_credentials'],
        ['client_id', worker.clientId],
        ['client_secret', secret(worker)],
      ]);
      expectError(response, 400, 'invalid_request');
    });

    it('HTTP Basic and a client_secret in the body at once', async () => {
      const response = await tokenRequest(
        fx.baseUrl,
        { grant_type: 'client_credentials', client_secret: secret(worker) },
        { headers: { authorization: basicAuth(worker.clientId, secret(worker)) } },
      );
      expectError(response, 400, 'invalid_request');
    });

    it('a missing code', async () => {
      const response = await tokenRequest(fx.baseUrl, {
        grant_type: 'authorization_code',
        redirect_uri: app.redirectUri,
        client_id: app.clientId,
        client_secret: secret(app),
      });
      expectError(response, 400, 'invalid_request');
    });

    it('a missing refresh_token', async () => {
      const response = await tokenRequest(fx.baseUrl, {
        grant_type: 'refresh_token',
        client_id: app.clientId,
        client_secret: secret(app),
      });
      expectError(response, 400, 'invalid_request');
    });

    // Regression: Fastify parsed JSON bodies on the form endpoints, so a JSON token request was served
    // (RFC 6749 §3.2 requires application/x-www-form-urlencoded) and a non-string field crashed it (500).
    it.each([
      ['a JSON body', () => ({ client_id: worker.clientId, client_secret: secret(worker) })],
      ['a JSON body with a non-string secret', () => ({ client_id: worker.clientId, client_secret: 7 })],
      ['a JSON body with an object secret', () => ({ client_id: worker.clientId, client_secret: { a: 1 } })],
    ])('%s on a form endpoint → 400 invalid_request', async (_name, credentials) => {
      for (const path of ['/oauth/token', '/oauth2/token', '/oauth/revoke', '/oauth/introspect']) {
        const response = await fetch(`${fx.baseUrl}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ grant_type: 'client_credentials', token: 'x', ...credentials() }),
        });
        expectError(
          { status: response.status, headers: response.headers, body: (await response.json()) as TokenBody },
          400,
          'invalid_request',
        );
      }
    });

    it('a body of another content type → invalid_request', async () => {
      const response = await fetch(`${fx.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: `grant_type=client_credentials&client_id=${worker.clientId}&client_secret=${secret(worker)}`,
      });
      const body = (await response.json()) as TokenBody;
      expect(body.error).toBe('invalid_request');
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    });
  });

  describe('invalid_client', () => {
    it('an unknown client → 401', async () => {
      expectError(
        await tokenRequest(fx.baseUrl, { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' }),
        401,
        'invalid_client',
      );
    });

    it('a wrong secret in the body → 401', async () => {
      expectError(
        await tokenRequest(fx.baseUrl, {
          grant_type: 'client_credentials',
          client_id: worker.clientId,
          client_secret: 'fgs_wrong',
        }),
        401,
        'invalid_client',
      );
    });

    it('no credentials at all → 401', async () => {
      expectError(await tokenRequest(fx.baseUrl, { grant_type: 'client_credentials' }), 401, 'invalid_client');
    });

    it('a wrong secret over HTTP Basic → 401 with WWW-Authenticate: Basic', async () => {
      const response = await tokenRequest(
        fx.baseUrl,
        { grant_type: 'client_credentials' },
        { headers: { authorization: basicAuth(worker.clientId, 'fgs_wrong') } },
      );
      expectError(response, 401, 'invalid_client');
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="flexgate", charset="UTF-8"');
    });

    it('an unknown client over HTTP Basic → 401 with WWW-Authenticate: Basic', async () => {
      const response = await tokenRequest(
        fx.baseUrl,
        { grant_type: 'client_credentials' },
        { headers: { authorization: basicAuth('nobody', 'x') } },
      );
      expectError(response, 401, 'invalid_client');
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
    });

    it('a malformed Basic header → 401 with WWW-Authenticate: Basic', async () => {
      const response = await tokenRequest(
        fx.baseUrl,
        { grant_type: 'client_credentials' },
        { headers: { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` } },
      );
      expectError(response, 401, 'invalid_client');
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
    });

    it('a public client presenting a secret → 401', async () => {
      const mobile = await registerClient(fx.server, { isPublic: true });
      const { verifier, challenge } = pkcePair();
      const code = await obtainCode(fx, mobile, { codeChallenge: challenge });
      expectError(
        await tokenRequest(fx.baseUrl, {
          grant_type: 'authorization_code',
          code,
          redirect_uri: mobile.redirectUri,
          client_id: mobile.clientId,
          client_secret: 'anything',
          code_verifier: verifier,
        }),
        401,
        'invalid_client',
      );
    });
  });

  describe('invalid_grant', () => {
    it('an unknown code', async () => {
      expectError(
        await tokenRequest(fx.baseUrl, {
          grant_type: 'authorization_code',
          code: 'made-up',
          redirect_uri: app.redirectUri,
          client_id: app.clientId,
          client_secret: secret(app),
        }),
        400,
        'invalid_grant',
      );
    });

    it('an unknown refresh token', async () => {
      expectError(
        await tokenRequest(fx.baseUrl, {
          grant_type: 'refresh_token',
          refresh_token: 'fgr_made-up',
          client_id: app.clientId,
          client_secret: secret(app),
        }),
        400,
        'invalid_grant',
      );
    });
  });

  describe('unauthorized_client', () => {
    it('a client-credentials-only client asking for authorization_code', async () => {
      expectError(
        await tokenRequest(fx.baseUrl, {
          grant_type: 'authorization_code',
          code: 'x',
          redirect_uri: 'https://app.example.com/cb',
          client_id: worker.clientId,
          client_secret: secret(worker),
        }),
        400,
        'unauthorized_client',
      );
    });

    it('a client-credentials-only client asking for refresh_token', async () => {
      expectError(
        await tokenRequest(fx.baseUrl, {
          grant_type: 'refresh_token',
          refresh_token: 'fgr_x',
          client_id: worker.clientId,
          client_secret: secret(worker),
        }),
        400,
        'unauthorized_client',
      );
    });

    it('an interactive client not registered for client_credentials', async () => {
      const interactive = await registerClient(fx.server, { grantTypes: ['authorization_code', 'refresh_token'] });
      expectError(
        await tokenRequest(fx.baseUrl, {
          grant_type: 'client_credentials',
          client_id: interactive.clientId,
          client_secret: secret(interactive),
        }),
        400,
        'unauthorized_client',
      );
    });

    it('a public client asking for client_credentials', async () => {
      const mobile = await registerClient(fx.server, { isPublic: true });
      expectError(
        await tokenRequest(fx.baseUrl, { grant_type: 'client_credentials', client_id: mobile.clientId }),
        400,
        'unauthorized_client',
      );
    });
  });

  describe('unsupported_grant_type', () => {
    it.each(['password', 'implicit', 'urn:ietf:params:oauth:grant-type:device_code', 'foo'])('%s', async (grant) => {
      expectError(
        await tokenRequest(fx.baseUrl, {
          grant_type: grant,
          username: fx.user.username,
          password: fx.user.password,
          client_id: app.clientId,
          client_secret: secret(app),
        }),
        400,
        'unsupported_grant_type',
      );
    });
  });

  describe('invalid_scope', () => {
    it('an unknown scope', async () => {
      expectError(
        await tokenRequest(fx.baseUrl, {
          grant_type: 'client_credentials',
          scope: 'admin:everything',
          client_id: worker.clientId,
          client_secret: secret(worker),
        }),
        400,
        'invalid_scope',
      );
    });

    it('a known scope the client is not registered for', async () => {
      expectError(
        await tokenRequest(fx.baseUrl, {
          grant_type: 'client_credentials',
          scope: 'read:news read:contacts',
          client_id: worker.clientId,
          client_secret: secret(worker),
        }),
        400,
        'invalid_scope',
      );
    });

    it('a malformed scope', async () => {
      expectError(
        await tokenRequest(fx.baseUrl, {
          grant_type: 'client_credentials',
          scope: 'read:news "quoted"',
          client_id: worker.clientId,
          client_secret: secret(worker),
        }),
        400,
        'invalid_scope',
      );
    });

    it('a registered scope is granted as asked', async () => {
      const response = await tokenRequest(fx.baseUrl, {
        grant_type: 'client_credentials',
        scope: 'read:news',
        client_id: worker.clientId,
        client_secret: secret(worker),
      });
      expect(response.status).toBe(200);
      expect(response.body.scope).toBe('read:news');
    });
  });
});

describe('bearer errors on /api/v0.0.1/me (RFC 6750 §3)', () => {
  /** The server's own active signing key, read from its storage, to forge tokens that differ in one respect. */
  async function ownSigningKey() {
    const [record] = await fx.server.ctx.storage.keys.listPublished(fx.server.clock.now());
    if (record === undefined || record.retiredAt !== null) throw new Error('no active signing key');
    return { kid: record.kid, key: await importJWK(JSON.parse(record.privateJwk) as JWK, record.alg) };
  }

  async function workerToken(): Promise<string> {
    const response = await tokenRequest(fx.baseUrl, {
      grant_type: 'client_credentials',
      client_id: worker.clientId,
      client_secret: secret(worker),
    });
    return response.body.access_token ?? '';
  }

  function expectInvalidToken(response: Awaited<ReturnType<typeof getMe>>) {
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer realm="flexgate", /);
    expect(challenge).toContain('error="invalid_token"');
    expect(response.body).toMatchObject({ error: 'invalid_token' });
  }

  it('no token → 401 with a bare challenge', async () => {
    const response = await getMe(fx.baseUrl, undefined);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="flexgate"');
  });

  it('another authorization scheme → 401 with a bare challenge', async () => {
    const response = await fetch(`${fx.baseUrl}/api/v0.0.1/me`, {
      headers: { authorization: basicAuth(worker.clientId, secret(worker)) },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="flexgate"');
  });

  it('the token in the query string is not accepted', async () => {
    const token = await workerToken();
    const response = await fetch(`${fx.baseUrl}/api/v0.0.1/me?access_token=${token}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="flexgate"');
  });

  // RFC 6750 §3.1: a malformed Authorization header is a malformed request, not a bad token.
  it('a malformed Bearer header → 400 invalid_request', async () => {
    for (const authorization of ['Bearer a b', 'Bearer', 'Bearer <token>']) {
      const response = await fetch(`${fx.baseUrl}/api/v0.0.1/me`, { headers: { authorization } });
      expect(response.status).toBe(400);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="flexgate", error="invalid_request"');
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('a malformed token → invalid_token', async () => {
    expectInvalidToken(await getMe(fx.baseUrl, 'not-a-jwt'));
    expectInvalidToken(await getMe(fx.baseUrl, 'a.b.c'));
  });

  it('a revoked token → invalid_token', async () => {
    const token = await workerToken();
    expect((await getMe(fx.baseUrl, token)).status).toBe(200);
    const revoked = await postForm(`${fx.baseUrl}/oauth/revoke`, {
      token,
      client_id: worker.clientId,
      client_secret: secret(worker),
    });
    expect(revoked.status).toBe(200);
    expectInvalidToken(await getMe(fx.baseUrl, token));
  });

  it('a token signed with another P-256 key (same header and claims) → invalid_token', async () => {
    const token = await workerToken();
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT(jwtPayload(token))
      .setProtectedHeader(jwtHeader(token) as { alg: string })
      .sign(privateKey);
    expect(jwtPayload(forged)).toEqual(jwtPayload(token));
    expect(jwtHeader(forged)).toEqual(jwtHeader(token));
    expectInvalidToken(await getMe(fx.baseUrl, forged));
  });

  it('a token signed by our own key but typed "JWT" instead of "at+jwt" → invalid_token', async () => {
    const token = await workerToken();
    const { kid, key } = await ownSigningKey();
    const sign = (header: Record<string, unknown>) =>
      new SignJWT(jwtPayload(token)).setProtectedHeader({ alg: 'ES256', kid, ...header }).sign(key);
    // The control: our key and the same claims with the right type pass, so only `typ` differs below.
    expect((await getMe(fx.baseUrl, await sign({ typ: 'at+jwt' }))).status).toBe(200);
    expectInvalidToken(await getMe(fx.baseUrl, await sign({ typ: 'JWT' })));
    expectInvalidToken(await getMe(fx.baseUrl, await sign({})));
  });

  it('a token signed by our own key for another issuer or audience → invalid_token', async () => {
    const token = await workerToken();
    const { kid, key } = await ownSigningKey();
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT({ ...jwtPayload(token), ...claims })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
        .sign(key);
    expectInvalidToken(await getMe(fx.baseUrl, await sign({ iss: 'https://evil.example' })));
    expectInvalidToken(await getMe(fx.baseUrl, await sign({ aud: 'https://evil.example/api' })));
  });

  it('an unsigned token (alg "none") → invalid_token', async () => {
    const token = await workerToken();
    const header = Buffer.from(JSON.stringify({ ...jwtHeader(token), alg: 'none' })).toString('base64url');
    const unsigned = `${header}.${token.split('.')[1]}.`;
    expectInvalidToken(await getMe(fx.baseUrl, unsigned));
  });

  // Runs last among the bearer tests: it moves the clock past the access-token lifetime.
  it('an expired token → invalid_token', async () => {
    const token = await workerToken();
    const user = await obtainTokens(fx, app);
    expect((await getMe(fx.baseUrl, token)).status).toBe(200);
    fx.server.clock.advance(3599_000);
    expect((await getMe(fx.baseUrl, user.access_token)).status).toBe(200);
    fx.server.clock.advance(1000);
    expectInvalidToken(await getMe(fx.baseUrl, token));
    expectInvalidToken(await getMe(fx.baseUrl, user.access_token));
  });
});

describe('metadata (RFC 8414) and JWKS', () => {
  it('lists the endpoints truthfully: each one exists', async () => {
    const response = await fetch(`${fx.baseUrl}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: fx.issuer,
      authorization_endpoint: `${fx.issuer}/oauth/authorize`,
      token_endpoint: `${fx.issuer}/oauth/token`,
      revocation_endpoint: `${fx.issuer}/oauth/revoke`,
      introspection_endpoint: `${fx.issuer}/oauth/introspect`,
      jwks_uri: `${fx.issuer}/.well-known/jwks.json`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      scopes_supported: EXAMPLE_SCOPES.map((scope) => scope.name),
    });
    expect([...(metadata.grant_types_supported as string[])].sort()).toEqual([
      'authorization_code',
      'client_credentials',
      'refresh_token',
    ]);
    expect([...(metadata.token_endpoint_auth_methods_supported as string[])].sort()).toEqual([
      'client_secret_basic',
      'client_secret_post',
      'none',
    ]);

    // The authorization endpoint answers (an error page for an empty request, not a 404).
    const authorization = await fetch(metadata.authorization_endpoint as string, { redirect: 'manual' });
    expect(authorization.status).toBe(400);
    expect(authorization.headers.get('content-type')).toMatch(/^text\/html/);
    // The token, revocation and introspection endpoints answer OAuth errors, not 404.
    const token = await postForm(metadata.token_endpoint as string, {});
    expect(token).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    for (const url of [metadata.revocation_endpoint, metadata.introspection_endpoint] as string[]) {
      const result = await postForm(url, { token: 'x' });
      expect(result).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    }
    const jwks = await fetch(metadata.jwks_uri as string);
    expect(jwks.status).toBe(200);

    // The endpoints work as advertised: a token from token_endpoint, introspected at introspection_endpoint.
    const issued = await postForm<TokenBody>(metadata.token_endpoint as string, {
      grant_type: 'client_credentials',
      client_id: worker.clientId,
      client_secret: secret(worker),
    });
    expect(issued.status).toBe(200);
    const introspected = await postForm(metadata.introspection_endpoint as string, {
      token: issued.body.access_token ?? '',
      client_id: worker.clientId,
      client_secret: secret(worker),
    });
    expect(introspected.body.active).toBe(true);

    // An unknown path is a 404, so the 400/401 answers above really are the endpoints.
    expect((await postForm(`${fx.baseUrl}/oauth/nothing-here`, {})).status).toBe(404);
  });

  it('the JWKS holds the signing key: tokens verify with it', async () => {
    const response = await fetch(`${fx.baseUrl}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/jwk-set\+json/);
    const jwks = (await response.json()) as { keys: JWK[] };
    expect(jwks.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key.kid).toEqual(expect.any(String));
      // Public halves only.
      expect(key.d).toBeUndefined();
    }

    const issued = await tokenRequest(fx.baseUrl, {
      grant_type: 'client_credentials',
      client_id: worker.clientId,
      client_secret: secret(worker),
    });
    const token = issued.body.access_token ?? '';
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: fx.issuer,
      audience: `${fx.issuer}/api`,
      typ: 'at+jwt',
      algorithms: ['ES256'],
      currentDate: new Date(fx.server.clock.now()),
    });
    expect(protectedHeader.kid).toBe(jwks.keys[0]?.kid);
    expect(payload).toMatchObject({ client_id: worker.clientId, sub: worker.clientId, scope: 'read:news' });
    expect(payload.exp).toBe((payload.iat ?? 0) + 3600);
    expect(payload.jti).toEqual(expect.any(String));
  });
});
