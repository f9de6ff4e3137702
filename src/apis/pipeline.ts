import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiContext } from './context.js';
import { OwnerResolver } from './example/owner.js';
import { authenticator, checkScopes } from './pipeline/authenticate.js';
import { readIdempotencyKey, runIdempotent } from './pipeline/idempotency.js';
import { checkNegotiation } from './pipeline/negotiate.js';
import { limitRequest } from './pipeline/rate-limit.js';
import { fastifyPath, groupByPath, registerOptions, unroutedHandler } from './pipeline/routing.js';
import { sendResult } from './pipeline/send.js';
import { validateInput } from './pipeline/validate.js';
import type { Principal } from './principal.js';
import type { RateLimiter } from './rate-limiter.js';
import type { AnyApiRoute, ApiResult } from './route.js';

/** The authenticate step's outcome, decided once per request before rate limiting; a failure is kept for the route. */
type Admission = { principal: Principal } | { error: unknown };

declare module 'fastify' {
  interface FastifyRequest {
    apiAdmission: Admission | undefined;
  }
}

export interface ApiOptions {
  rateLimiter: RateLimiter;
  /** Renders any step's error in the API's shape (the HTTP layer's error boundary). */
  errorHandler: (error: unknown, request: FastifyRequest, reply: FastifyReply) => void;
}

/**
 * The pipeline every API request passes, in this order:
 *   request id → authenticate → rate limit → negotiate (before routing, so 401/429/406/415 come first)
 *   → authorize the operation (scopes) → validate → the data owner → dispatch (idempotent or not) → send.
 * Errors of any step go to the error boundary the HTTP layer passes in (http/errors.ts). Routes only declare schemas and a
 * handler; dispatching to the in-process handler is the last step, not the pipeline's shape.
 */
export async function registerApi(
  app: FastifyInstance,
  ctx: ApiContext,
  base: string,
  routes: readonly AnyApiRoute[],
  options: ApiOptions,
): Promise<void> {
  const authenticate = authenticator(ctx);
  const dispatch = inProcessDispatcher(ctx);
  app.decorateRequest('apiAdmission', undefined);
  await app.register(
    async (api) => {
      api.setErrorHandler(options.errorHandler);
      api.setNotFoundHandler(unroutedHandler(base, routes));
      // Callback style: a request with a token verified before and an in-process limiter costs no promise.
      api.addHook('onRequest', (request, reply, done) => {
        // Quoted in every 500 and in the log line: lets a support request find what happened.
        void reply.header('x-request-id', request.id);
        const admit = (admission: Admission) => {
          request.apiAdmission = admission;
          const principal = 'principal' in admission ? admission.principal : undefined;
          const decision = limitRequest(options.rateLimiter, principal, request, reply);
          if (decision instanceof Promise) {
            decision.then(() => checkNegotiation(request)).then(() => done(), done);
            return;
          }
          checkNegotiation(request);
          done();
        };
        let admission: Admission;
        try {
          const principal = authenticate(request);
          if (principal instanceof Promise) {
            principal
              .then(
                (verified): Admission => ({ principal: verified }),
                (error: unknown): Admission => ({ error }),
              )
              .then(admit)
              .catch(done);
            return;
          }
          admission = { principal };
        } catch (error) {
          admission = { error };
        }
        try {
          admit(admission);
        } catch (refusal) {
          done(refusal as Error);
        }
      });
      for (const [path, pathRoutes] of groupByPath(routes)) {
        for (const route of pathRoutes) {
          api.route({
            method: route.method,
            url: fastifyPath(path),
            handler: async (request, reply) => sendResult(reply, await dispatch(route, request)),
          });
        }
        registerOptions(api, path, pathRoutes);
      }
    },
    { prefix: base },
  );
}

/** The principal admitted for this request, with the operation's scopes checked (RFC 6750 §3.1). */
function authorizeOperation(request: FastifyRequest, route: AnyApiRoute): Principal {
  const admission = request.apiAdmission;
  if (admission === undefined) throw new Error('the API authentication hook did not run');
  if ('error' in admission) throw admission.error;
  checkScopes(admission.principal, route.scopes);
  return admission.principal;
}

/** Authorize → validate → the data owner → the route's in-process handler (in a transaction with its key). */
function inProcessDispatcher(ctx: ApiContext) {
  const owners = new OwnerResolver(ctx);
  return async (route: AnyApiRoute, request: FastifyRequest): Promise<ApiResult<unknown>> => {
    const principal = authorizeOperation(request, route);
    const input = validateInput(route, request);
    const knownOwner = owners.ownerOf(principal);
    const owner = knownOwner instanceof Promise ? await knownOwner : knownOwner;
    const base = { ...input, principal, owner, clock: ctx.clock, random: ctx.random, url: request.url };
    const idempotencyKey = route.idempotent === true ? readIdempotencyKey(request) : undefined;
    if (idempotencyKey === undefined) return route.handler({ ...base, repos: ctx.storage });
    return runIdempotent(ctx, request, principal, owner, idempotencyKey, (repos) => route.handler({ ...base, repos }));
  };
}
