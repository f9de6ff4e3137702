import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { UniqueViolationError } from '../../oauth/ports.js';
import type { ApiContext } from '../context.js';
import { ApiError, ValidationError } from '../errors.js';
import type { DataScope } from '../example/ports.js';
import type { ApiRepositories, IdempotencyRecord, IdempotencyScope } from '../ports.js';
import type { Principal } from '../principal.js';
import type { ApiResult } from '../route.js';

/** How long an Idempotency-Key is remembered (the seeds' "repeated create" answer holds for a day). */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;

export function readIdempotencyKey(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header)) {
    throw ValidationError.field('Idempotency-Key', 'Should be 1 to 255 visible ASCII characters, e.g. a UUID.');
  }
  return header;
}

/**
 * A create under an Idempotency-Key: the first request creates and remembers its answer in the same
 * transaction; a repeat with the same body gets that answer with 200; another body gets 422. Keys live per
 * client *and* data owner (and environment): two users of one client never see each other's answers. Two
 * parallel requests with one key race on the key's primary key: the loser's transaction (with its
 * resource) rolls back and it answers like a repeat.
 */
export async function runIdempotent(
  ctx: ApiContext,
  request: FastifyRequest,
  principal: Principal,
  dataScope: DataScope,
  key: string,
  create: (repos: ApiRepositories) => Promise<ApiResult<unknown>>,
): Promise<ApiResult<unknown>> {
  const requestHash = hashRequest(request);
  const scope: IdempotencyScope = {
    clientId: principal.clientId,
    ownerId: dataScope.ownerId,
    environment: dataScope.environment,
  };
  const earlier = await ctx.storage.idempotencyKeys.find(scope, key, ctx.clock.now());
  if (earlier !== undefined) return replay(earlier, requestHash);
  try {
    return await ctx.storage.transaction(async (tx) => {
      const result = await create(tx);
      const now = ctx.clock.now();
      await tx.idempotencyKeys.insert({
        ...scope,
        key,
        requestHash,
        location: result.location ?? '',
        responseBody: JSON.stringify(result.body ?? null),
        createdAt: now,
        expiresAt: now + IDEMPOTENCY_KEY_TTL_MS,
      });
      return result;
    });
  } catch (error) {
    if (!(error instanceof UniqueViolationError)) throw error;
    const winner = await ctx.storage.idempotencyKeys.find(scope, key, ctx.clock.now());
    if (winner === undefined) throw error;
    return replay(winner, requestHash);
  }
}

function replay(record: IdempotencyRecord, requestHash: string): ApiResult<unknown> {
  if (record.requestHash !== requestHash) {
    throw new ApiError(
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was used with a different request; use a new key for a new request',
    );
  }
  return {
    status: 200,
    body: JSON.parse(record.responseBody) as unknown,
    ...(record.location === '' ? {} : { location: record.location }),
  };
}

/** Method, path and body with object keys sorted: the same JSON sent twice hashes the same. */
function hashRequest(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';
  return createHash('sha256')
    .update(`${request.method} ${path}\n${canonicalJson(request.body)}`)
    .digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
