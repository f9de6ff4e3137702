import { createHash } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { sendOAuthError } from '../http/errors.js';
import { NulCharacterError } from '../http/nul.js';
import { OAuthError } from '../oauth/errors.js';
import { UniqueViolationError } from '../oauth/ports.js';
import type { AccessTokenClaims } from '../oauth/tokens/access-token.js';
import type { ApiContext } from './context.js';
import { ApiError, emptyFieldErrors, ValidationError } from './errors.js';
import { OwnerResolver } from './example/owner.js';
import type { DataScope } from './example/ports.js';
import { bearerAuthenticator, checkScopes } from './pipeline/authenticate.js';
import { isJsonAcceptable, isJsonContentType } from './pipeline/negotiate.js';
import { nulFields, zodIssuesToFields } from './pipeline/validate.js';
import type { ApiRepositories, IdempotencyRecord, IdempotencyScope } from './ports.js';
import type { RateLimitDecision, RateLimiter } from './rate-limiter.js';
import { type AnyApiRoute, API_BASE, type ApiResult } from './route.js';

/** The API's authentication outcome, decided once per request before rate limiting; a failure is kept for the route. */
type ApiAuth = { claims: AccessTokenClaims } | { error: unknown };

declare module 'fastify' {
  interface FastifyRequest {
    apiAuth?: ApiAuth;
  }
}

export interface ApiOptions {
  rateLimiter: RateLimiter;
}

/** How long an Idempotency-Key is remembered (the seeds' "repeated create" answer holds for a day). */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;

/**
 * Registers the REST API under API_BASE with the conventions every route shares: bearer authentication,
 * per-client rate limits with headers on every response, 405/406/415, validation errors as a field map,
 * Idempotency-Key on creates, and one error shape. Routes only declare schemas and a handler.
 */
export async function registerApiRoutes(
  app: FastifyInstance,
  ctx: ApiContext,
  routes: readonly AnyApiRoute[],
  options: ApiOptions,
): Promise<void> {
  const owners = new OwnerResolver(ctx);
  const authenticate = bearerAuthenticator(ctx);
  await app.register(
    async (api) => {
      api.setErrorHandler(handleApiError);
      const knownPaths = pathMatchers(routes);
      api.setNotFoundHandler((request, reply) => {
        const path = request.url.split('?')[0] ?? '';
        // A method a known API path lacks lands here (whether Fastify routes it or not): a 405, not a 404.
        const allow = knownPaths.find((known) => known.pattern.test(path))?.allow;
        if (allow !== undefined) methodNotAllowed(request, reply, allow);
        throw new ApiError(404, 'not_found', `No API route for ${request.method} ${path}`);
      });
      // Callback style: a request with a token verified before and an in-process limiter costs no promise.
      api.addHook('onRequest', (request, reply, done) => {
        // Quoted in every 500 and in the log line: lets a support request find what happened.
        void reply.header('x-request-id', request.id);
        const admit = (auth: ApiAuth) => {
          request.apiAuth = auth;
          const decision = limitRequest(options.rateLimiter, auth, request, reply);
          if (decision instanceof Promise) {
            decision.then(() => checkNegotiation(request)).then(() => done(), done);
            return;
          }
          checkNegotiation(request);
          done();
        };
        let auth: ApiAuth;
        try {
          const claims = authenticate(request);
          if (claims instanceof Promise) {
            claims
              .then(
                (verified): ApiAuth => ({ claims: verified }),
                (error: unknown): ApiAuth => ({ error }),
              )
              .then(admit)
              .catch(done);
            return;
          }
          auth = { claims };
        } catch (error) {
          auth = { error };
        }
        try {
          admit(auth);
        } catch (refusal) {
          done(refusal as Error);
        }
      });
      for (const [path, pathRoutes] of groupByPath(routes)) {
        for (const route of pathRoutes) registerRoute(api, ctx, owners, route);
        registerOptions(api, path, pathRoutes);
      }
    },
    { prefix: API_BASE },
  );
}

/** OpenAPI `{id}` → Fastify `:id`. */
const fastifyPath = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');

function groupByPath(routes: readonly AnyApiRoute[]): Map<string, AnyApiRoute[]> {
  const byPath = new Map<string, AnyApiRoute[]>();
  for (const route of routes) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route]);
  return byPath;
}

function registerRoute(api: FastifyInstance, ctx: ApiContext, owners: OwnerResolver, route: AnyApiRoute): void {
  api.route({
    method: route.method,
    url: fastifyPath(route.path),
    handler: async (request, reply) => {
      const token = admittedToken(request, route);
      const input = validateInput(route, request);
      const knownScope = owners.scopeOf(token);
      const scope = knownScope instanceof Promise ? await knownScope : knownScope;
      const base = { ...input, token, scope, request, ctx };
      const idempotencyKey = route.idempotent === true ? readIdempotencyKey(request) : undefined;
      const result =
        idempotencyKey === undefined
          ? await route.handler({ ...base, repos: ctx.storage })
          : await runIdempotent(ctx, request, token, scope, idempotencyKey, (repos) =>
              route.handler({ ...base, repos }),
            );
      return sendResult(reply, result);
    },
  });
}

/** The methods a path answers (`Allow`): its routes', HEAD with GET, and OPTIONS. */
function allowedMethods(pathRoutes: readonly AnyApiRoute[]): Set<string> {
  const allowed = new Set<string>(pathRoutes.map((route) => route.method));
  if (allowed.has('GET')) allowed.add('HEAD');
  allowed.add('OPTIONS');
  return allowed;
}

/** Each API path as a pattern over the full request path (a parameter is one non-empty segment), with its Allow. */
function pathMatchers(routes: readonly AnyApiRoute[]): Array<{ pattern: RegExp; allow: string }> {
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...groupByPath(routes)].map(([path, pathRoutes]) => ({
    pattern: new RegExp(
      `^${literal(API_BASE)}${path
        .split(/\{[^}]+\}/)
        .map(literal)
        .join('[^/]+')}$`,
    ),
    allow: [...allowedMethods(pathRoutes)].join(', '),
  }));
}

function methodNotAllowed(request: FastifyRequest, reply: FastifyReply, allow: string): never {
  void reply.header('allow', allow);
  throw new ApiError(405, 'method_not_allowed', `${request.method} is not allowed here; allowed: ${allow}`);
}

/**
 * OPTIONS answers with `Allow` alone. Every other method a path lacks, whether Fastify routes it (DELETE on a
 * list) or not (TRACE, PROPFIND), reaches the not-found handler, which answers 405 with the same `Allow`.
 */
function registerOptions(api: FastifyInstance, path: string, pathRoutes: readonly AnyApiRoute[]): void {
  const allow = [...allowedMethods(pathRoutes)].join(', ');
  api.route({
    method: 'OPTIONS',
    url: fastifyPath(path),
    handler: async (_request, reply) => reply.header('allow', allow).status(204).send(),
  });
}

/**
 * Counts the request against its client's rate limit, or its address's when it has no valid token, so
 * that every response carries the rate-limit headers and a flood of bad tokens is limited too. Throws (or
 * rejects) with 429 when the budget is spent; synchronous for an in-process limiter.
 */
function limitRequest(
  limiter: RateLimiter,
  auth: ApiAuth,
  request: FastifyRequest,
  reply: FastifyReply,
): void | Promise<void> {
  if (limiter.policy.limit === 0) return;
  const key = rateLimitKey(auth, request.ip);
  const apply = (decision: RateLimitDecision) => {
    setRateLimitHeaders(reply, decision, limiter.policy.windowSeconds);
    if (decision.allowed) return;
    void reply.header('retry-after', String(decision.resetSeconds));
    throw new ApiError(
      429,
      'rate_limited',
      `Too many requests: the limit is ${decision.limit} per ${limiter.policy.windowSeconds} s; retry after ${decision.resetSeconds} s`,
    );
  };
  if (limiter.consumeNow !== undefined) return apply(limiter.consumeNow(key));
  return limiter.consume(key).then(apply);
}

/**
 * Whose budget a request spends: a client-credentials token its client's; a user's token that user's
 * within the client (one busy user of a popular app must not exhaust every other user's budget); a request
 * without a valid token its address's.
 */
function rateLimitKey(auth: ApiAuth, ip: string): string {
  if (!('claims' in auth)) return `ip:${ip}`;
  const { clientId, userId } = auth.claims;
  return userId === null ? `client:${clientId}` : `client:${clientId}:user:${userId}`;
}

/** draft-ietf-httpapi-ratelimit-headers: the policy, and what is left of the current window. */
function setRateLimitHeaders(reply: FastifyReply, decision: RateLimitDecision, windowSeconds: number): void {
  void reply
    .header('ratelimit-policy', `${decision.limit};w=${windowSeconds}`)
    .header('ratelimit-limit', String(decision.limit))
    .header('ratelimit-remaining', String(decision.remaining))
    .header('ratelimit-reset', String(decision.resetSeconds));
}

/** 406 for an Accept that rules JSON out; 415 for a body that is not JSON. */
function checkNegotiation(request: FastifyRequest): void {
  if (!isJsonAcceptable(request.headers.accept)) {
    throw new ApiError(
      406,
      'not_acceptable',
      'This API answers in application/json only: send Accept: application/json',
    );
  }
  if (!METHODS_WITH_BODY.has(request.method) || !hasBody(request)) return;
  if (!isJsonContentType(request.headers['content-type'])) {
    throw new ApiError(415, 'unsupported_media_type', 'Send the request body as application/json');
  }
}

const hasBody = (request: FastifyRequest) =>
  request.headers['transfer-encoding'] !== undefined ||
  (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');

function admittedToken(request: FastifyRequest, route: AnyApiRoute): AccessTokenClaims {
  const auth = request.apiAuth;
  if (auth === undefined) throw new Error('the API authentication hook did not run');
  if ('error' in auth) throw auth.error;
  checkScopes(auth.claims, route.scopes);
  return auth.claims;
}

interface ValidInput {
  params: unknown;
  query: unknown;
  body: unknown;
}

/** A route without query parameters takes none: an unknown parameter is a validation error, not ignored. */
const NO_QUERY = z.strictObject({});

const hasKeys = (value: unknown) => typeof value === 'object' && value !== null && Object.keys(value).length > 0;

/** Validates path, query and body together, so one 400 lists every offending field. */
function validateInput(route: AnyApiRoute, request: FastifyRequest): ValidInput {
  const fields = emptyFieldErrors();
  const parse = (schema: z.ZodType | undefined, value: unknown, location: 'path' | 'query' | 'body') => {
    if (schema === undefined) return undefined;
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    for (const [field, messages] of Object.entries(zodIssuesToFields(result.error.issues, location))) {
      fields[field] = [...(fields[field] ?? []), ...messages];
    }
    return undefined;
  };
  const params = parse(route.params, request.params ?? {}, 'path');
  // An empty query needs no parse on a route without query parameters (most GETs of one resource, /me).
  const querySchema = route.query ?? (hasKeys(request.query) ? NO_QUERY : undefined);
  const query = parse(querySchema, request.query ?? {}, 'query');
  const body = parse(route.body, request.body, 'body');
  if (Object.keys(fields).length > 0) throw new ValidationError(fields);
  return { params, query, body };
}

function readIdempotencyKey(request: FastifyRequest): string | undefined {
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
async function runIdempotent(
  ctx: ApiContext,
  request: FastifyRequest,
  token: AccessTokenClaims,
  dataScope: DataScope,
  key: string,
  create: (repos: ApiRepositories) => Promise<ApiResult<unknown>>,
): Promise<ApiResult<unknown>> {
  const requestHash = hashRequest(request);
  const scope: IdempotencyScope = {
    clientId: token.clientId,
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

function sendResult(reply: FastifyReply, result: ApiResult<unknown>): FastifyReply {
  if (result.location !== undefined) void reply.header('location', result.location);
  if (result.status === 204) return reply.status(204).send();
  return reply
    .status(result.status)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(result.body ?? null));
}

/** The API's one error shape; nothing internal leaves the server (500s carry only the request id). */
function handleApiError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const answer = toApiAnswer(error, request);
  if (answer instanceof OAuthError) {
    sendOAuthError(reply, answer, request.id);
  } else if (answer instanceof ValidationError) {
    void reply.status(400).type('application/json; charset=utf-8').send(JSON.stringify(answer.fields));
  } else if (answer === undefined) {
    request.log.error({ err: error }, 'unhandled API error');
    const unexpected = new ApiError(
      500,
      'server_error',
      'The server hit an unexpected error; quote the request_id when reporting it',
    );
    void reply
      .status(500)
      .type('application/json; charset=utf-8')
      .send({ ...unexpected.toJSON(), request_id: request.id });
  } else {
    void reply.status(answer.status).type('application/json; charset=utf-8').send(answer.toJSON());
  }
}

/**
 * What to answer for an error: our own errors as they are (the global NUL refusal as the field map, naming the
 * fields), Fastify's client errors (bad JSON, body too large, unknown media type) in the API's shape, and
 * undefined for anything unexpected.
 */
function toApiAnswer(error: unknown, request: FastifyRequest): OAuthError | ApiError | ValidationError | undefined {
  if (error instanceof NulCharacterError) return new ValidationError(nulFields(request));
  if (error instanceof OAuthError || error instanceof ApiError || error instanceof ValidationError) return error;
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'unsupported_media_type', 'Send the request body as application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'payload_too_large', 'The request body is too large');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return ValidationError.field('body', 'Is not valid JSON.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return ValidationError.field('body', 'The JSON body is empty.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return ValidationError.field('body', 'The Content-Length does not match the body.');
    default:
      break;
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return ValidationError.field('request', fastifyError.message ?? 'The request is malformed.');
  }
  return undefined;
}
