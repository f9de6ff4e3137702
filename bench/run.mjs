// Load benchmark: Flexgate against a bare-Fastify floor and node-oidc-provider, in one run.
// See bench/README.md. Plain ESM so `node bench/run.mjs` needs no build step; Flexgate itself
// is started from dist/ (built by `npm run bench`).
//
// Env: BENCH_DURATION (s, default 6), BENCH_WARMUP (s, default 2), BENCH_ROUNDS (default 3),
//      BENCH_ONLY=comma,separated,scenario,names (to run a subset while developing),
//      BENCH_FLEXGATE_CLI=path/to/cli/main.js (default dist/cli/main.js),
//      BENCH_COMPARE_CLI=path/to/other/dist/cli/main.js (another build, run interleaved with this one),
//      BENCH_RATE=requests per second (a fixed rate instead of as fast as possible: compare CPU per request),
//      BENCH_CONTACTS=10000 (contacts seeded before the contacts scenarios).
import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { contentionProbe, processCpuUs } from './lib/contention.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH_DIR, '..');
// Override to bench another build, e.g. a second checkout's dist/.
const FLEXGATE_CLI = path.resolve(process.env.BENCH_FLEXGATE_CLI ?? path.join(ROOT, 'dist/cli/main.js'));
// A second build (e.g. main before a change): every Flexgate server runs for both, interleaved in each round,
// and each ratio is reported for both builds and as the change between them.
const COMPARE_CLI = process.env.BENCH_COMPARE_CLI ? path.resolve(process.env.BENCH_COMPARE_CLI) : undefined;
const COMPARE = '@compare';
const RESULTS_DIR = path.join(BENCH_DIR, 'results');
const HOST = '127.0.0.1';

const SETTINGS = {
  durationSeconds: Number(process.env.BENCH_DURATION ?? 6),
  warmupSeconds: Number(process.env.BENCH_WARMUP ?? 2),
  rounds: Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3)),
  connections: 50,
  pipelining: 1,
  rate: process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined,
};
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;

const TARGETS = [
  { numerator: 'flexgate-token', denominator: 'baseline-form', min: 0.55 },
  { numerator: 'flexgate-token', denominator: 'oidc-provider-token', min: 2.5 },
  { numerator: 'flexgate-bearer', denominator: 'baseline-json', min: 0.9 },
  // Flexgate hands a client that asks again within FLEXGATE_CC_TOKEN_REUSE seconds the token it
  // already has. With one bench client, flexgate-token then measures that cache, not issuance.
  // These rows hold the token endpoint to the same targets with a signature per request, as
  // oidc-provider does it.
  { numerator: 'flexgate-token-issue', denominator: 'baseline-form', min: 0.55 },
  { numerator: 'flexgate-token-issue', denominator: 'oidc-provider-token', min: 2.5 },
  // REST API on a realistic data set (BENCH_CONTACTS contacts of the bench client's owner).
  { numerator: 'flexgate-contacts-list', denominator: 'baseline-contacts-list', min: 0.6 },
  { numerator: 'flexgate-contacts-list-deep', denominator: 'baseline-contacts-list', min: 0.6 },
  { numerator: 'flexgate-contacts-list-limited', denominator: 'baseline-contacts-list', min: 0.6 },
  // No target from an issue: these show the cost of the rate limiter and of creating a contact.
  { numerator: 'flexgate-contacts-list-limited', denominator: 'flexgate-contacts-list' },
  { numerator: 'flexgate-contacts-create', denominator: 'baseline-contacts-create' },
  { numerator: 'flexgate-contacts-create-idem', denominator: 'baseline-contacts-create' },
];

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
// Signing algorithm for oidc-provider's tokens when Flexgate's is unknown (docs/adr/0002).
const DEFAULT_TOKEN_ALG = 'ES256';
const SCOPE = 'read:contacts';
const CONTACTS_SCOPE = 'read:contacts write:contacts';
const CONTACTS = Math.max(0, Number(process.env.BENCH_CONTACTS ?? 10_000));
/** The deep-page scenario starts this many pages of 20 in (5 000 contacts with the default seed). */
const DEEP_PAGES = 250;
const JSON_TYPE = { 'content-type': 'application/json' };
/** The create scenarios' body; the seeded contacts have the same fields and sizes. */
const CONTACT_BODY = JSON.stringify({
  name: 'Bench Contact 00000',
  email: 'contact00000@example.com',
  phone: '+31612345678',
  language: 'en',
  tags: ['customer', 'newsletter'],
});

/** A scenario that could not be set up or checked; reported, and the run goes on. */
class ScenarioError extends Error {}

// ---------------------------------------------------------------------------------------------
// Child processes

/** Asks the OS for a free port. The tiny race before the child binds it is fine on loopback. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const liveChildren = new Set();

// Servers log to their own stdout/stderr. That output is kept out of the terminal, because it
// would interleave with the report, and only the tail is kept, to explain a failure.
function spawnServer(args, env = {}) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.outputTail = [];
  const keepTail = (chunk) => {
    child.outputTail.push(...chunk.toString().split('\n').filter(Boolean));
    child.outputTail.splice(0, Math.max(0, child.outputTail.length - 20));
  };
  child.stdout.on('data', keepTail);
  child.stderr.on('data', keepTail);
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  liveChildren.add(child);
  child.exited.then(() => liveChildren.delete(child));
  return child;
}

async function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await child.exited;
  clearTimeout(killTimer);
}

// Never leave a server running if the bench crashes or is interrupted.
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});
process.on('SIGINT', () => process.exit(130));

function describeExit(child) {
  const tail = child.outputTail.slice(-8).join('\n    ');
  return `server exited (code ${child.exitCode}, signal ${child.signalCode})${tail ? `; last output:\n    ${tail}` : ''}`;
}

/** Polls `url` until it answers 200, failing early if the server process dies. */
async function waitUntilReady(child, url, headers = {}, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new ScenarioError(describeExit(child));
    try {
      const response = await fetch(url, { headers, signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new ScenarioError(`not ready after ${timeoutMs} ms: ${url}`);
}

// ---------------------------------------------------------------------------------------------
// Request checks, run once before measuring so a broken server is never benchmarked.

const isCompactJws = (value) => typeof value === 'string' && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(value);
const jwsAlg = (token) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).alg;

async function send(baseUrl, request) {
  const response = await fetch(new URL(request.path, baseUrl), {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

async function expectOk(baseUrl, request) {
  const { status, json, text } = await send(baseUrl, checkedRequest(request));
  if (status !== (request.expectStatus ?? 200)) {
    throw new ScenarioError(`${request.method} ${request.path} answered ${status}: ${text.slice(0, 300)}`);
  }
  if (request.expectJwt && !isCompactJws(json?.access_token)) {
    throw new ScenarioError(
      `${request.method} ${request.path} did not return a JWT access_token: ${text.slice(0, 300)}`,
    );
  }
  return json;
}

/** The request as autocannon's `setupRequest` would send it (e.g. with a fresh Idempotency-Key). */
function checkedRequest(request) {
  return request.setupRequest ? { ...request, ...request.setupRequest({ ...request }) } : request;
}

function clientCredentialsRequest(path, clientId, clientSecret, scope = SCOPE) {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
    scope,
  }).toString();
  return { method: 'POST', path, headers: FORM, body };
}

// ---------------------------------------------------------------------------------------------
// Servers. Each `start` launches one server and returns the requests of its scenarios. Only one
// server runs at a time, so it does not share the 2 cores with another server. `shared` carries
// what one server learns for a later one: Flexgate's token algorithm, which oidc-provider then
// uses too, so that the two token scenarios do the same cryptographic work.

async function startBaseline(port) {
  const child = spawnServer([path.join(BENCH_DIR, 'baseline-server.mjs'), '--port', String(port), '--host', HOST]);
  const baseUrl = `http://${HOST}:${port}`;
  const requests = {
    'baseline-form': clientCredentialsRequest('/oauth2/token', 'client_bench', 'bench-secret'),
    'baseline-json': { method: 'GET', path: '/api/v0.0.1/me', headers: { authorization: `Bearer ${'x'.repeat(540)}` } },
    'baseline-contacts-list': {
      method: 'GET',
      path: '/api/v0.0.1/contacts?limit=20',
      headers: { authorization: `Bearer ${'x'.repeat(540)}` },
    },
    'baseline-contacts-create': {
      method: 'POST',
      path: '/api/v0.0.1/contacts',
      headers: { authorization: `Bearer ${'x'.repeat(540)}`, ...JSON_TYPE },
      body: CONTACT_BODY,
      expectStatus: 201,
    },
  };
  try {
    await waitUntilReady(child, `${baseUrl}/api/v0.0.1/me`, requests['baseline-json'].headers);
    return { child, baseUrl, requests };
  } catch (error) {
    await stopServer(child);
    throw error;
  }
}

async function startOidcProvider(port, shared) {
  const clientId = 'bench';
  const clientSecret = randomBytes(32).toString('base64url');
  const alg = shared.tokenAlg ?? DEFAULT_TOKEN_ALG;
  process.stderr.write(`  signing with ${alg}${shared.tokenAlg ? ", as Flexgate's tokens" : ' (default)'}\n`);
  const child = spawnServer([
    path.join(BENCH_DIR, 'oidc-provider-server.mjs'),
    ...['--port', String(port), '--host', HOST, '--client-id', clientId, '--client-secret', clientSecret],
    ...['--alg', alg],
  ]);
  const baseUrl = `http://${HOST}:${port}`;
  try {
    await waitUntilReady(child, `${baseUrl}/.well-known/openid-configuration`);
    const tokenRequest = { ...clientCredentialsRequest('/token', clientId, clientSecret), expectJwt: true };
    return { child, baseUrl, requests: { 'oidc-provider-token': tokenRequest } };
  } catch (error) {
    await stopServer(child);
    throw error;
  }
}

const execFileAsync = promisify(execFile);

// Contract with the CLI: `clients create --json` prints one JSON object with client_id/secret.
async function createFlexgateClient(dataDir, scope = SCOPE, cli = FLEXGATE_CLI) {
  const args = [cli, 'clients', 'create', '--data', dataDir, '--name', 'bench'];
  args.push('--grant-type', 'client_credentials', ...scope.split(' ').flatMap((s) => ['--scope', s]), '--json');
  let stdout;
  try {
    ({ stdout } = await execFileAsync(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, FLEXGATE_LOG_LEVEL: 'warn' },
    }));
  } catch (error) {
    throw new ScenarioError(`clients create failed: ${error.stderr || error.message}`.trim());
  }
  const client = parseLastJsonObject(stdout);
  if (!client?.client_id || !client?.client_secret) {
    throw new ScenarioError(`clients create printed no client_id/client_secret: ${stdout.slice(0, 300)}`);
  }
  return client;
}

// Tolerates a stray log line before the JSON document.
function parseLastJsonObject(stdout) {
  try {
    return JSON.parse(stdout);
  } catch {
    const start = stdout.lastIndexOf('\n{');
    try {
      return start >= 0 ? JSON.parse(stdout.slice(start + 1)) : undefined;
    } catch {
      return undefined;
    }
  }
}

// Rate limiting is off unless a server's env turns it on: the bench has one client, and the default
// limit (600 a minute) would turn nearly every API request into a 429.
async function startFlexgate(port, shared, env = {}, options = {}) {
  const cli = options.cli ?? FLEXGATE_CLI;
  if (!existsSync(cli)) {
    const hint = process.env.BENCH_FLEXGATE_CLI ? 'check BENCH_FLEXGATE_CLI' : 'run npm run build';
    throw new ScenarioError(`${path.relative(ROOT, cli)} not found; ${hint}`);
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'flexgate-bench-'));
  const cleanup = () => rm(dataDir, { recursive: true, force: true });
  let child;
  try {
    const scope = options.contacts ? CONTACTS_SCOPE : SCOPE;
    const client = await createFlexgateClient(dataDir, scope, cli);
    child = spawnServer([cli, 'serve', '--data', dataDir, '--port', String(port), '--host', HOST], {
      FLEXGATE_LOG_LEVEL: 'warn',
      FLEXGATE_RATE_LIMIT: '0',
      ...env,
    });
    const baseUrl = `http://${HOST}:${port}`;
    await waitUntilReady(child, `${baseUrl}/.well-known/oauth-authorization-server`);
    const tokenRequest = {
      ...clientCredentialsRequest('/oauth2/token', client.client_id, client.client_secret, scope),
      expectJwt: true,
    };
    // The bearer scenario reuses one token, obtained before any measurement.
    const { access_token: accessToken } = await expectOk(baseUrl, tokenRequest);
    shared.tokenAlg = jwsAlg(accessToken);
    const requests = {
      'flexgate-token': tokenRequest,
      'flexgate-token-issue': tokenRequest,
      'flexgate-bearer': { method: 'GET', path: '/api/v0.0.1/me', headers: { authorization: `Bearer ${accessToken}` } },
      ...(options.contacts ? await contactsRequests(baseUrl, accessToken) : {}),
    };
    return { child, baseUrl, requests, cleanup };
  } catch (error) {
    if (child) await stopServer(child);
    await cleanup();
    throw error;
  }
}

/**
 * Seeds CONTACTS contacts for the bench client's owner through the API (the server runs in a child
 * process, so its storage is not at hand), 8 requests in flight, then walks DEEP_PAGES pages to a
 * deep cursor. Returns the contacts scenarios' requests.
 */
async function contactsRequests(baseUrl, accessToken) {
  const authorization = `Bearer ${accessToken}`;
  const url = new URL('/api/v0.0.1/contacts', baseUrl).href;
  let seeded = 0;
  if (CONTACTS > 0) {
    const started = Date.now();
    const result = await autocannon({
      url,
      method: 'POST',
      headers: { authorization, ...JSON_TYPE },
      body: CONTACT_BODY,
      connections: 8,
      amount: CONTACTS,
      // Distinct names and e-mail addresses of the same length as CONTACT_BODY's (autocannon takes
      // setupRequest per entry of `requests` only).
      requests: [
        {
          setupRequest: (request) => {
            const n = String(++seeded % 100_000).padStart(5, '0');
            return { ...request, body: CONTACT_BODY.replaceAll('00000', n) };
          },
        },
      ],
    });
    const failures = result.non2xx + result.errors + result.timeouts;
    if (failures > 0 || result.requests.total < CONTACTS) {
      throw new ScenarioError(
        `seeding ${CONTACTS} contacts: ${result.requests.total} sent, ${failures} failed (${JSON.stringify(result.statusCodeStats)})`,
      );
    }
    process.stderr.write(`  seeded ${CONTACTS} contacts in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  // The deep page: follow `next` DEEP_PAGES times, as a client reading the list would.
  let next = '/api/v0.0.1/contacts?limit=20';
  let pages = 0;
  while (pages < DEEP_PAGES) {
    const page = await expectOk(baseUrl, { method: 'GET', path: next, headers: { authorization } });
    if (!page?.next) break;
    next = page.next;
    pages++;
  }
  if (pages < DEEP_PAGES)
    process.stderr.write(`  only ${pages} pages of contacts; the deep page is page ${pages + 1}\n`);
  const list = { method: 'GET', path: '/api/v0.0.1/contacts?limit=20', headers: { authorization } };
  const create = {
    method: 'POST',
    path: '/api/v0.0.1/contacts',
    headers: { authorization, ...JSON_TYPE },
    body: CONTACT_BODY,
    expectStatus: 201,
  };
  return {
    'flexgate-contacts-list': list,
    'flexgate-contacts-list-limited': list,
    'flexgate-contacts-list-deep': { ...list, path: next },
    'flexgate-contacts-create': create,
    // A new Idempotency-Key per request: each one is a first use (lookup, then insert of key and contact).
    'flexgate-contacts-create-idem': {
      ...create,
      setupRequest: (request) => ({ ...request, headers: { ...request.headers, 'idempotency-key': randomUUID() } }),
    },
  };
}

const SERVERS = [
  {
    name: 'baseline (bare Fastify)',
    start: startBaseline,
    scenarios: ['baseline-form', 'baseline-json', 'baseline-contacts-list', 'baseline-contacts-create'],
  },
  {
    name: 'Flexgate',
    start: (port, shared, cli) => startFlexgate(port, shared, {}, { cli }),
    scenarios: ['flexgate-token', 'flexgate-bearer'],
  },
  {
    name: 'Flexgate, token reuse off',
    start: (port, shared, cli) => startFlexgate(port, shared, { FLEXGATE_CC_TOKEN_REUSE: '0' }, { cli }),
    scenarios: ['flexgate-token-issue'],
  },
  { name: 'oidc-provider', start: startOidcProvider, scenarios: ['oidc-provider-token'] },
  {
    name: `Flexgate, ${CONTACTS} contacts, rate limit off`,
    start: (port, shared, cli) => startFlexgate(port, shared, {}, { contacts: true, cli }),
    // Lists first: the create scenarios add contacts (after the deep page's position, so it is unchanged).
    scenarios: [
      'flexgate-contacts-list',
      'flexgate-contacts-list-deep',
      'flexgate-contacts-create',
      'flexgate-contacts-create-idem',
    ],
  },
  {
    // The default in-memory limiter, with a limit no run reaches: its counting cost, never a 429.
    name: `Flexgate, ${CONTACTS} contacts, memory rate limiter on`,
    start: (port, shared, cli) =>
      startFlexgate(
        port,
        shared,
        { FLEXGATE_RATE_LIMIT: '1000000', FLEXGATE_RATE_LIMIT_WINDOW: '3600' },
        { contacts: true, cli },
      ),
    scenarios: ['flexgate-contacts-list-limited'],
  },
];

/** With BENCH_COMPARE_CLI, each Flexgate server again right after itself, started from the other build. */
function withCompareBuild(servers) {
  if (COMPARE_CLI === undefined) return servers;
  return servers.flatMap((definition) => {
    if (!definition.name.startsWith('Flexgate')) return [definition];
    const twin = {
      name: `${definition.name} [compare build]`,
      scenarios: definition.scenarios.map((name) => `${name}${COMPARE}`),
      start: async (port, shared) => {
        const server = await definition.start(port, shared, COMPARE_CLI);
        const requests = Object.fromEntries(Object.entries(server.requests).map(([k, v]) => [`${k}${COMPARE}`, v]));
        return { ...server, requests };
      },
    };
    return [definition, twin];
  });
}

// ---------------------------------------------------------------------------------------------
// Measurement

function load(baseUrl, request, durationSeconds) {
  return autocannon({
    url: new URL(request.path, baseUrl).href,
    method: request.method,
    headers: request.headers,
    body: request.body,
    connections: SETTINGS.connections,
    pipelining: SETTINGS.pipelining,
    duration: durationSeconds,
    // BENCH_RATE: a fixed request rate both builds can keep up with, so that CPU per request compares the
    // same work (at full load a faster server also batches more per system call).
    ...(SETTINGS.rate === undefined ? {} : { overallRate: SETTINGS.rate }),
    // autocannon calls setupRequest only on entries of `requests`.
    ...(request.setupRequest ? { requests: [{ setupRequest: request.setupRequest }] } : {}),
  });
}

// Little's law: in-flight requests = rps x mean latency. With every connection busy, this is
// close to `connections`. Well below it, the requests are waiting in the single-threaded load
// generator, not in the server, so the rps figure is a floor for that server.
const GENERATOR_BOUND_BELOW = 0.6;

// Above this share of CPU used by other processes during a run, its numbers are flagged.
const BUSY_WARNING_PERCENT = 10;

// A measurement with any failed request is "invalid": errors are usually much faster or slower
// than successes, so counting them would make the rps figure meaningless.
function summarise(name, result) {
  const failures = result.non2xx + result.errors + result.timeouts;
  const avgInFlight = (result.requests.average * result.latency.mean) / 1000;
  return {
    name,
    status: failures === 0 ? 'ok' : 'invalid',
    rps: result.requests.average,
    p99Ms: result.latency.p99,
    latencyMeanMs: result.latency.mean,
    avgInFlight: Number(avgInFlight.toFixed(1)),
    generatorBound: avgInFlight < GENERATOR_BOUND_BELOW * SETTINGS.connections,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count])),
    durationSeconds: result.duration,
  };
}

async function measureScenario(server, name) {
  const request = server.requests[name];
  const checked = await expectOk(server.baseUrl, request);
  const tokenAlg = request.expectJwt ? jwsAlg(checked.access_token) : undefined;
  // Same token twice in a row: the server re-uses tokens, and the run measures no signing.
  const tokenReused = request.expectJwt
    ? (await expectOk(server.baseUrl, request)).access_token === checked.access_token
    : undefined;
  process.stderr.write(`  ${name}: warm-up ${SETTINGS.warmupSeconds} s, measuring ${SETTINGS.durationSeconds} s... `);
  await load(server.baseUrl, request, SETTINGS.warmupSeconds);
  const otherCpuPercent = contentionProbe([server.child.pid]);
  const cpuBefore = serverCpuUs(server);
  const result = await load(server.baseUrl, request, SETTINGS.durationSeconds);
  const cpuAfter = serverCpuUs(server);
  // The server's CPU time per request: comparable between runs even when the load generator limits req/s.
  const cpuUsPerRequest =
    cpuBefore === null || cpuAfter === null || result.requests.total === 0
      ? null
      : Math.round((cpuAfter - cpuBefore) / result.requests.total);
  const summary = {
    ...summarise(name, result),
    otherCpuPercent: otherCpuPercent(),
    cpuUsPerRequest,
    tokenAlg,
    tokenReused,
  };
  const notes = [summary.status === 'ok' ? '' : ' (INVALID)'];
  if (summary.otherCpuPercent > BUSY_WARNING_PERCENT) {
    notes.push(` (WARNING: other processes used ${summary.otherCpuPercent}% of the CPU; results skewed)`);
  }
  process.stderr.write(`${Math.round(summary.rps)} req/s${notes.join('')}\n`);
  return summary;
}

const serverCpuUs = (server) => {
  try {
    return processCpuUs(server.child.pid);
  } catch {
    return null;
  }
};

/** The round with the median req/s, with every round's figure; a failed or invalid round wins. */
function medianRun(runs) {
  const bad = runs.find((run) => run.status !== 'ok');
  if (bad) return bad;
  const sorted = [...runs].sort((a, b) => a.rps - b.rps);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  const cpu = runs
    .map((run) => run.cpuUsPerRequest)
    .filter((value) => value !== null)
    .sort((a, b) => a - b);
  return {
    ...median,
    roundsRps: runs.map((run) => Math.round(run.rps)),
    // The median round by CPU per request (it need not be the median round by req/s).
    cpuUsPerRequest: cpu.length === 0 ? null : cpu[Math.floor((cpu.length - 1) / 2)],
    roundsCpuUsPerRequest: runs.map((run) => run.cpuUsPerRequest),
  };
}

const failed = (name, error) => ({ name, status: 'failed', error: error.message });

async function runServer(definition, selected, shared) {
  process.stderr.write(`${definition.name}\n`);
  let server;
  try {
    server = await definition.start(await freePort(), shared);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    process.stderr.write(`  could not start: ${error.message}\n`);
    return selected.map((name) => failed(name, error));
  }
  const results = [];
  try {
    for (const name of selected) {
      try {
        results.push(await measureScenario(server, name));
      } catch (error) {
        if (!(error instanceof ScenarioError)) throw error;
        process.stderr.write(`  ${name}: ${error.message}\n`);
        results.push(failed(name, error));
      }
    }
  } finally {
    await stopServer(server.child);
    await server.cleanup?.();
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Report

// Reasons not to trust a ratio even though both sides ran cleanly.
function ratioCaveats(top, bottom) {
  const caveats = [];
  // Token issuance compared across different signing algorithms says little about the code.
  if (top.tokenAlg && bottom.tokenAlg && top.tokenAlg !== bottom.tokenAlg) {
    caveats.push(`different signing algorithms (${top.tokenAlg} vs ${bottom.tokenAlg})`);
  }
  if (top.tokenReused) caveats.push(`${top.name} re-used one cached token, no signing measured`);
  if (Math.max(top.otherCpuPercent ?? 0, bottom.otherCpuPercent ?? 0) > BUSY_WARNING_PERCENT) {
    caveats.push('machine busy during a side; re-run on an idle machine');
  }
  return caveats.length ? caveats.join('; ') : undefined;
}

/** The targets for the compare build: its Flexgate scenarios over the same baselines (or its own Flexgate ones). */
const compareTarget = ({ numerator, denominator, min }) => ({
  numerator: `${numerator}${COMPARE}`,
  denominator: denominator.startsWith('flexgate') ? `${denominator}${COMPARE}` : denominator,
  min,
});

function computeRatios(scenarios, targets = TARGETS) {
  const byName = new Map(scenarios.map((s) => [s.name, s]));
  return targets.map(({ numerator, denominator, min }) => {
    const top = byName.get(numerator);
    const bottom = byName.get(denominator);
    const label = `${numerator} / ${denominator}`;
    const target = min ?? null;
    if (top?.status !== 'ok' || bottom?.status !== 'ok') {
      return { label, numerator, denominator, target, ratio: null, verdict: 'N/A' };
    }
    const ratio = top.rps / bottom.rps;
    const verdict = target === null ? 'INFO' : ratio >= target ? 'PASS' : 'MISS';
    return { label, numerator, denominator, target, ratio, verdict, note: ratioCaveats(top, bottom) };
  });
}

const pad = (value, width, right = false) => (right ? String(value).padStart(width) : String(value).padEnd(width));

function printScenarios(scenarios) {
  console.log(
    `\n${pad('scenario', 40)}${pad('req/s', 10, true)}${pad('p99 ms', 9, true)}${pad('mean ms', 9, true)}${pad('cpu µs/req', 12, true)}  status`,
  );
  for (const s of scenarios) {
    if (s.status === 'failed') {
      console.log(
        `${pad(s.name, 40)}${pad('-', 10, true)}${pad('-', 9, true)}${pad('-', 9, true)}${pad('-', 12, true)}  FAILED: ${s.error}`,
      );
      continue;
    }
    let note = s.status === 'ok' ? 'ok' : `INVALID (non2xx ${s.non2xx}, errors ${s.errors}, timeouts ${s.timeouts})`;
    if (s.otherCpuPercent > BUSY_WARNING_PERCENT) note += `, machine busy (${s.otherCpuPercent}% CPU elsewhere)`;
    if (s.generatorBound) note += `, load-generator bound (${s.avgInFlight} in flight): server capacity is higher`;
    const cells = [
      pad(Math.round(s.rps), 10, true),
      pad(s.p99Ms, 9, true),
      pad(s.latencyMeanMs.toFixed(2), 9, true),
      pad(s.cpuUsPerRequest ?? '-', 12, true),
    ];
    console.log(`${pad(s.name, 40)}${cells.join('')}  ${note}`);
  }
}

function printRatios(ratios) {
  console.log(`\n${pad('ratio (req/s)', 62)}${pad('value', 8, true)}${pad('target', 9, true)}  verdict`);
  for (const r of ratios) {
    const value = r.ratio === null ? '-' : r.ratio.toFixed(2);
    const note = r.note ? ` (${r.note})` : '';
    const target = r.target === null ? '-' : `>= ${r.target}`;
    console.log(`${pad(r.label, 62)}${pad(value, 8, true)}${pad(target, 9, true)}  ${r.verdict}${note}`);
  }
}

/** Each ratio of this build beside the compare build's, and the change (this / compare − 1). */
function compareRatios(mine, theirs) {
  console.log(
    `\n${pad('ratio: this build vs the compare build', 62)}${pad('this', 8, true)}${pad('compare', 9, true)}${pad('change', 9, true)}`,
  );
  return mine.map((r, i) => {
    const other = theirs[i]?.ratio ?? null;
    const change = r.ratio === null || other === null ? null : r.ratio / other - 1;
    const cells = [r.ratio === null ? '-' : r.ratio.toFixed(2), other === null ? '-' : other.toFixed(2)];
    const changeText = change === null ? '-' : `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`;
    console.log(`${pad(r.label, 62)}${pad(cells[0], 8, true)}${pad(cells[1], 9, true)}${pad(changeText, 9, true)}`);
    return { label: r.label, ratio: r.ratio, compareRatio: other, change };
  });
}

/** The server's CPU time per request of each Flexgate scenario, this build against the compare build. */
function compareCpu(scenarios) {
  const byName = new Map(scenarios.map((s) => [s.name, s]));
  console.log(
    `\n${pad('cpu µs per request: this build vs the compare build', 62)}${pad('this', 8, true)}${pad('compare', 9, true)}${pad('change', 9, true)}`,
  );
  return scenarios
    .filter((s) => s.name.startsWith('flexgate') && !s.name.endsWith(COMPARE))
    .map((s) => {
      const mine = s.cpuUsPerRequest ?? null;
      const theirs = byName.get(`${s.name}${COMPARE}`)?.cpuUsPerRequest ?? null;
      const change = mine === null || theirs === null ? null : mine / theirs - 1;
      const changeText = change === null ? '-' : `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`;
      console.log(
        `${pad(s.name, 62)}${pad(mine ?? '-', 8, true)}${pad(theirs ?? '-', 9, true)}${pad(changeText, 9, true)}`,
      );
      return { scenario: s.name, cpuUsPerRequest: mine, compareCpuUsPerRequest: theirs, change };
    });
}

async function writeReport(report) {
  await mkdir(RESULTS_DIR, { recursive: true });
  // Colons are not allowed in Windows file names.
  const stamp = report.timestamp.replaceAll(':', '-');
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const file = path.join(RESULTS_DIR, `${stamp}.json`);
  await writeFile(file, json);
  await writeFile(path.join(RESULTS_DIR, 'latest.json'), json);
  return file;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const timestamp = new Date().toISOString();
  const cpus = os.cpus();
  process.stderr.write(
    `flexgate bench: node ${process.version}, ${os.availableParallelism()} cpus; ` +
      `${SETTINGS.connections} connections, warm-up ${SETTINGS.warmupSeconds} s, run ${SETTINGS.durationSeconds} s\n`,
  );
  // Rounds interleave the servers (baseline, Flexgate, ..., baseline, Flexgate, ...) and each scenario
  // reports its median round, so a burst of background load skews one round, not the ratio.
  const runsByScenario = new Map();
  const shared = {};
  for (let round = 1; round <= SETTINGS.rounds; round++) {
    process.stderr.write(`round ${round} of ${SETTINGS.rounds}\n`);
    for (const definition of withCompareBuild(SERVERS)) {
      const selected = definition.scenarios.filter((name) => !ONLY || ONLY.has(name));
      if (!selected.length) continue;
      for (const run of await runServer(definition, selected, shared)) {
        runsByScenario.set(run.name, [...(runsByScenario.get(run.name) ?? []), run]);
      }
    }
  }
  const scenarios = [...runsByScenario.values()].map(medianRun);
  const ratios = computeRatios(scenarios);
  printScenarios(scenarios);
  printRatios(ratios);
  const comparison =
    COMPARE_CLI === undefined
      ? undefined
      : {
          ratios: compareRatios(ratios, computeRatios(scenarios, TARGETS.map(compareTarget))),
          cpu: compareCpu(scenarios),
        };

  const report = {
    timestamp,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpuCount: os.availableParallelism(),
    cpuModel: cpus[0]?.model ?? 'unknown',
    settings: SETTINGS,
    scenarios,
    ratios,
    ...(comparison === undefined ? {} : { compareCli: COMPARE_CLI, comparison }),
  };
  const file = await writeReport(report);
  console.log(`\nwritten ${path.relative(ROOT, file)} and bench/results/latest.json`);

  // Missing a target is a finding, not a failure. A scenario that could not run or produced
  // errors is a failure, because its numbers cannot be used.
  if (scenarios.some((s) => s.status !== 'ok')) process.exitCode = 1;
}

await main();
