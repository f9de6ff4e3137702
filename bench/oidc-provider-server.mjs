// node-oidc-provider 9, set up for the same job as Flexgate's token endpoint: a
// client_credentials grant with client_secret_post, issuing RFC 9068 JWT access tokens. It is the
// comparison point for `flexgate-token`. run.mjs passes --alg so that both sign with the same
// algorithm (default ES256, see docs/adr/0002).
//
//   node bench/oidc-provider-server.mjs --port 3000 --client-id bench --client-secret s3cret \
//     [--alg ES256|EdDSA|RS256|PS256] [--host 127.0.0.1]
import { generateKeyPairSync } from 'node:crypto';
import { parseArgs } from 'node:util';
import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    'client-id': { type: 'string', default: 'bench' },
    'client-secret': { type: 'string', default: 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz' },
    alg: { type: 'string', default: 'ES256' },
  },
});
const port = Number(args.port ?? 3000);
const issuer = `http://${args.host}:${port}`;

const AUDIENCE = 'https://api.flexgate.example/api/v0.0.1';
const ACCESS_TOKEN_ALG = args.alg;

const KEY_PAIR = {
  EdDSA: () => generateKeyPairSync('ed25519'),
  ES256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  RS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
  PS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
};

function signingJwk() {
  const generate = KEY_PAIR[ACCESS_TOKEN_ALG];
  if (!generate) throw new Error(`unsupported --alg ${ACCESS_TOKEN_ALG}`);
  const { privateKey } = generate();
  return {
    ...privateKey.export({ format: 'jwk' }),
    alg: ACCESS_TOKEN_ALG,
    use: 'sig',
    kid: `bench-${ACCESS_TOKEN_ALG}`,
  };
}

const configuration = {
  jwks: { keys: [signingJwk()] },
  clients: [
    {
      client_id: args['client-id'],
      client_secret: args['client-secret'],
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_post',
      // No `scope` here: oidc-provider only accepts its static (OIDC) scopes in client metadata;
      // read:contacts is granted through the resource server below.
    },
  ],
  // Without an RSA key in the keystore the RS256 default would be unusable, so make the only
  // key's algorithm the default everywhere.
  clientDefaults: { id_token_signed_response_alg: ACCESS_TOKEN_ALG },
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      // No `resource` parameter in the request (Flexgate's contract doesn't use one), so every
      // token goes to the one API, like Flexgate's.
      defaultResource: async () => AUDIENCE,
      getResourceServerInfo: async () => ({
        scope: 'read:contacts',
        audience: AUDIENCE,
        accessTokenTTL: 3600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: ACCESS_TOKEN_ALG } },
      }),
    },
  },
  ttl: { ClientCredentials: 3600 },
};

// Its "in-memory adapter" and "must change" notices go to stdout/stderr once at start-up. The
// harness discards the child's output unless it fails, so they don't need to be suppressed here.
const provider = new Provider(issuer, configuration);
// Koa logs every server error to stderr; the harness catches failures through status codes.
provider.silent = true;

const server = provider.listen(port, args.host);

process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  // Keep-alive sockets from the load generator could hold close() open.
  server.closeAllConnections();
});
