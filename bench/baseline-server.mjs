// Bare Fastify 5 server: the framework floor that Flexgate's endpoints are compared against.
// It parses the same inputs and sends responses of the same shape and size, but does no OAuth
// work (no client lookup, no secret check, no signing, no token verification).
//
//   node bench/baseline-server.mjs --port 3000 [--host 127.0.0.1]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import formbody from '@fastify/formbody';
import Fastify from 'fastify';

const { values: args } = parseArgs({
  options: { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } },
});

// Stands in for a compact JWS; built once so the route does no crypto or allocation-heavy work.
const FAKE_ACCESS_TOKEN = `eyJ${'x'.repeat(120)}.eyJ${'y'.repeat(180)}.${'z'.repeat(94)}`;

const app = Fastify({ logger: false });
await app.register(formbody);

app.post('/oauth2/token', async (request, reply) => {
  const { grant_type: grantType, client_id: clientId, scope } = request.body ?? {};
  if (grantType !== 'client_credentials' || !clientId) {
    return reply.code(400).send({ error: 'invalid_request' });
  }
  reply.header('cache-control', 'no-store');
  return { access_token: FAKE_ACCESS_TOKEN, token_type: 'Bearer', expires_in: 3600, scope: scope ?? 'read:contacts' };
});

// Mirrors Flexgate's GET /api/v0.0.1/me body; it only checks the header is present.
app.get('/api/v0.0.1/me', async (request, reply) => {
  const authorization = request.headers.authorization;
  if (!authorization?.startsWith('Bearer ')) {
    return reply.code(401).send({ error: 'invalid_token' });
  }
  const now = Math.floor(Date.now() / 1000);
  return {
    client_id: 'client_01J9Z6Q8W4K3M2N7P5R0S1T2V3',
    user: null,
    scopes: ['read:contacts'],
    environment: 'sandbox',
    token: { jti: randomUUID(), exp: now + 3600, iat: now },
  };
});

await app.listen({ port: Number(args.port ?? 3000), host: args.host });

// The harness stops servers with SIGTERM; close cleanly so the port is freed at once.
process.once('SIGTERM', () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
