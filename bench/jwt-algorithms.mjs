// Micro-benchmark: cost of signing and verifying an RFC 9068 JWT access token with jose 6,
// per candidate algorithm. Feeds docs/adr/0002-access-token-algorithm.md.
//
//   node bench/jwt-algorithms.mjs            # ~1.5 s per measurement
//   JWT_BENCH_MS=3000 JWT_BENCH_ROUNDS=5 node bench/jwt-algorithms.mjs
//
// Ends with a paired A/B of EdDSA against ES256 (skip with JWT_BENCH_PAIRED=0).
//
// Each figure is the median of JWT_BENCH_ROUNDS rounds, with the candidates interleaved within a
// round, because a shared 2-core VM drifts by ±20 % between runs. Samples taken while other
// processes used the CPU are left out (see lib/contention.mjs). Without that, one pass can put
// EdDSA and ES256 in either order.
//
// Two figures per operation:
//   - "1 in flight": await each call in turn. Per-operation cost, what one request pays.
//   - "N in flight": keep N calls pending. jose 6 uses WebCrypto, whose sign/verify run on the
//     libuv thread pool, so this is the throughput a busy token endpoint can draw from all cores.
// Plus a reference without jose: synchronous node:crypto sign/verify of the same JWS signing
// input with the same key. It separates the algorithm's own cost from jose/WebCrypto overhead,
// which changes the ranking of EdDSA and ES256.
import { constants, createPrivateKey, createPublicKey, randomUUID, sign, verify } from 'node:crypto';
import os from 'node:os';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT } from 'jose';
import { contentionProbe } from './lib/contention.mjs';

const MEASURE_MS = Number(process.env.JWT_BENCH_MS ?? 1500);
const WARMUP_MS = Math.min(500, MEASURE_MS);
const IN_FLIGHT = Number(process.env.JWT_BENCH_IN_FLIGHT ?? 8);
const ROUNDS = Number(process.env.JWT_BENCH_ROUNDS ?? 3);

const ISSUER = 'https://auth.flexgate.example';
const AUDIENCE = 'https://api.flexgate.example/api/v0.0.1';

const CANDIDATES = [
  { label: 'EdDSA (Ed25519)', alg: 'EdDSA', options: { crv: 'Ed25519' } },
  { label: 'ES256 (P-256)', alg: 'ES256', options: {} },
  { label: 'RS256 (2048)', alg: 'RS256', options: { modulusLength: 2048 } },
  { label: 'PS256 (2048)', alg: 'PS256', options: { modulusLength: 2048 } },
];

// Claims shaped like what Flexgate's token endpoint issues (RFC 9068 §2.2); ~300 bytes of JSON.
function accessTokenClaims() {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: ISSUER,
    sub: 'client_01J9Z6Q8W4K3M2N7P5R0S1T2V3',
    aud: AUDIENCE,
    client_id: 'client_01J9Z6Q8W4K3M2N7P5R0S1T2V3',
    scope: 'read:contacts write:contacts',
    jti: randomUUID(),
    iat: now,
    exp: now + 3600,
  };
}

function signToken(alg, kid, privateKey) {
  return new SignJWT(accessTokenClaims()).setProtectedHeader({ alg, typ: 'at+jwt', kid }).sign(privateKey);
}

// Keys go through JWK export/import, as Flexgate loads them from storage, so the CryptoKey
// objects measured are the same kind the server will hold.
async function loadKeys({ alg, options }) {
  const generated = await generateKeyPair(alg, { ...options, extractable: true });
  const privateJwk = await exportJWK(generated.privateKey);
  const publicJwk = await exportJWK(generated.publicKey);
  return {
    privateKey: await importJWK(privateJwk, alg),
    publicKey: await importJWK(publicJwk, alg),
    nodePrivateKey: createPrivateKey({ key: privateJwk, format: 'jwk' }),
    nodePublicKey: createPublicKey({ key: publicJwk, format: 'jwk' }),
  };
}

// node:crypto arguments producing JWS signatures (RFC 7518 §3): raw r||s for ECDSA, PSS with a
// digest-sized salt for PS256.
const NODE_SIGNATURE = {
  EdDSA: (key) => [null, key],
  ES256: (key) => ['sha256', { key, dsaEncoding: 'ieee-p1363' }],
  RS256: (key) => ['sha256', key],
  PS256: (key) => ['sha256', { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }],
};

function nodeCryptoOps(alg, token, { nodePrivateKey, nodePublicKey }) {
  const signingInput = Buffer.from(token.slice(0, token.lastIndexOf('.')));
  const signature = Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url');
  const [digest, privateKey] = NODE_SIGNATURE[alg](nodePrivateKey);
  const [, publicKey] = NODE_SIGNATURE[alg](nodePublicKey);
  // Cross-check: node:crypto must accept jose's signature, or the two paths are not comparable.
  if (!verify(digest, signingInput, publicKey, signature))
    throw new Error(`${alg}: node:crypto rejects jose's signature`);
  return {
    sign: () => sign(digest, signingInput, privateKey),
    verify: () => verify(digest, signingInput, publicKey, signature),
  };
}

// Runs `op` for `ms` milliseconds keeping `inFlight` calls pending; returns completed ops/s.
async function opsPerSecond(op, ms, inFlight) {
  let done = 0;
  const deadline = performance.now() + ms;
  const started = performance.now();
  async function worker() {
    while (performance.now() < deadline) {
      await op();
      done++;
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker));
  return done / ((performance.now() - started) / 1000);
}

// Above this share of the machine's CPU used by other processes, a sample is left out.
const CONTENTION_LIMIT_PERCENT = 10;

const METRICS = [
  { key: 'sign1', title: 'sign/s (1)', op: 'sign', inFlight: 1 },
  { key: 'signN', title: `sign/s (${IN_FLIGHT})`, op: 'sign', inFlight: IN_FLIGHT },
  { key: 'verify1', title: 'verify/s (1)', op: 'verify', inFlight: 1 },
  { key: 'verifyN', title: `verify/s (${IN_FLIGHT})`, op: 'verify', inFlight: IN_FLIGHT },
  { key: 'nodeSign', title: 'node:crypto sign/s', op: 'nodeSign', inFlight: 1 },
  { key: 'nodeVerify', title: 'node:crypto verify/s', op: 'nodeVerify', inFlight: 1 },
];

async function sample(op, inFlight) {
  const otherCpuPercent = contentionProbe();
  const rate = await opsPerSecond(op, MEASURE_MS, inFlight);
  return { rate, otherCpuPercent: otherCpuPercent() };
}

// One-time setup per candidate: keys, a sample token, and a check that it verifies (fail loudly
// rather than benchmark a verify that throws).
async function prepareCandidate(candidate) {
  const { alg } = candidate;
  const kid = `bench-${alg}`;
  const keys = await loadKeys(candidate);
  const token = await signToken(alg, kid, keys.privateKey);
  const verifyOptions = { issuer: ISSUER, audience: AUDIENCE, typ: 'at+jwt', algorithms: [alg] };
  await jwtVerify(token, keys.publicKey, verifyOptions);
  const node = nodeCryptoOps(alg, token, keys);
  return {
    ...candidate,
    tokenBytes: token.length,
    payloadBytes: Buffer.byteLength(JSON.stringify(accessTokenClaims())),
    ops: {
      sign: () => signToken(alg, kid, keys.privateKey),
      verify: () => jwtVerify(token, keys.publicKey, verifyOptions),
      nodeSign: node.sign,
      nodeVerify: node.verify,
    },
    samples: Object.fromEntries(METRICS.map(({ key }) => [key, []])),
  };
}

async function measureRound(candidate) {
  await opsPerSecond(candidate.ops.sign, WARMUP_MS, IN_FLIGHT);
  await opsPerSecond(candidate.ops.verify, WARMUP_MS, IN_FLIGHT);
  for (const metric of METRICS) {
    candidate.samples[metric.key].push(await sample(candidate.ops[metric.op], metric.inFlight));
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// Median of the samples taken while the machine was otherwise idle. When there is none, all
// samples are used and the figure is marked noisy.
function robustValue(samples) {
  const clean = samples.filter((s) => (s.otherCpuPercent ?? 0) <= CONTENTION_LIMIT_PERCENT);
  const used = clean.length ? clean : samples;
  return { value: median(used.map((s) => s.rate)), noisy: clean.length === 0, clean: clean.length };
}

function summarise(candidate) {
  return {
    label: candidate.label,
    tokenBytes: candidate.tokenBytes,
    payloadBytes: candidate.payloadBytes,
    ...Object.fromEntries(METRICS.map(({ key }) => [key, robustValue(candidate.samples[key])])),
  };
}

const fmt = (cell) => `${Math.round(cell.value).toLocaleString('en-US')}${cell.noisy ? '*' : ''}`;

function printTable(results) {
  const rows = results.map((r) => ({
    algorithm: r.label,
    'token B': r.tokenBytes,
    ...Object.fromEntries(METRICS.map(({ key, title }) => [title, fmt(r[key])])),
  }));
  console.table(rows);
}

// Relative to the fastest candidate for each column, so "1.00x" marks the winner.
function printRelative(results) {
  const best = Object.fromEntries(METRICS.map(({ key }) => [key, Math.max(...results.map((r) => r[key].value))]));
  const rows = results.map((r) => ({
    algorithm: r.label,
    ...Object.fromEntries(METRICS.map(({ key, title }) => [title, `${(r[key].value / best[key]).toFixed(2)}x`])),
  }));
  console.log('\nRelative to the fastest per column (1.00x = fastest):');
  console.table(rows);
}

function printContention(prepared) {
  const all = prepared.flatMap((p) => Object.values(p.samples).flat());
  const known = all.filter((s) => s.otherCpuPercent !== null);
  if (!known.length) {
    console.log('\n(CPU contention not measured on this platform.)');
    return;
  }
  const dropped = known.filter((s) => s.otherCpuPercent > CONTENTION_LIMIT_PERCENT).length;
  console.log(
    `\n${dropped} of ${all.length} samples left out: other processes used > ${CONTENTION_LIMIT_PERCENT} % CPU meanwhile` +
      ` (worst ${Math.max(...known.map((s) => s.otherCpuPercent))} %). * = no clean sample; figure is noisy.`,
  );
}

// EdDSA and ES256 land within noise of each other. A paired A/B alternates short slices of the
// two, so drifting background load hits both sides of each pair alike. The median of the
// per-pair ratios is then far steadier than a ratio of two medians.
const PAIRS = 25;
const PAIR_SLICE_MS = 150;

async function pairedRatio(a, b, metric) {
  const ratios = [];
  for (let i = 0; i < PAIRS; i++) {
    // Alternate which side goes first, so neither always runs right after a warm cache.
    const [first, second] = i % 2 ? [b, a] : [a, b];
    const firstRate = await opsPerSecond(first.ops[metric.op], PAIR_SLICE_MS, metric.inFlight);
    const secondRate = await opsPerSecond(second.ops[metric.op], PAIR_SLICE_MS, metric.inFlight);
    ratios.push(i % 2 ? secondRate / firstRate : firstRate / secondRate);
  }
  const sorted = ratios.sort((x, y) => x - y);
  const at = (q) => sorted[Math.floor(q * (sorted.length - 1))].toFixed(2);
  return `${at(0.5)} (IQR ${at(0.25)}–${at(0.75)})`;
}

async function printPaired(prepared, [algA, algB]) {
  const a = prepared.find((p) => p.alg === algA);
  const b = prepared.find((p) => p.alg === algB);
  const rows = {};
  for (const metric of METRICS) rows[metric.title] = { [`${algA} ÷ ${algB}`]: await pairedRatio(a, b, metric) };
  console.log(`\nPaired A/B, ${PAIRS} alternating ${PAIR_SLICE_MS} ms pairs per metric (> 1 means ${algA} is faster):`);
  console.table(rows);
}

async function main() {
  console.log(
    `jose JWT access-token bench — node ${process.version}, ${os.availableParallelism()} cores, ` +
      `${os.cpus()[0]?.model ?? 'unknown cpu'}; ${MEASURE_MS} ms per measurement, ` +
      `median of ${ROUNDS} rounds, parallel = ${IN_FLIGHT} in flight, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 4}`,
  );
  const prepared = [];
  for (const candidate of CANDIDATES) prepared.push(await prepareCandidate(candidate));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const p of prepared) await measureRound(p);
    console.error(`round ${round}/${ROUNDS} done`);
  }
  const results = prepared.map(summarise);
  console.log(`payload ≈ ${results[0].payloadBytes} bytes of JSON claims`);
  printTable(results);
  printRelative(results);
  printContention(prepared);
  if (process.env.JWT_BENCH_PAIRED !== '0') await printPaired(prepared, ['EdDSA', 'ES256']);
}

await main();
