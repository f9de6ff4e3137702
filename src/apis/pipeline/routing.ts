import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import type { AnyApiRoute } from '../route.js';

/** OpenAPI `{id}` → Fastify `:id`. */
export const fastifyPath = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');

export function groupByPath(routes: readonly AnyApiRoute[]): Map<string, AnyApiRoute[]> {
  const byPath = new Map<string, AnyApiRoute[]>();
  for (const route of routes) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route]);
  return byPath;
}

/** The methods a path answers (`Allow`): its routes', HEAD with GET, and OPTIONS. */
function allowedMethods(pathRoutes: readonly AnyApiRoute[]): Set<string> {
  const allowed = new Set<string>(pathRoutes.map((route) => route.method));
  if (allowed.has('GET')) allowed.add('HEAD');
  allowed.add('OPTIONS');
  return allowed;
}

/** Each API path as a pattern over the full request path (a parameter is one non-empty segment), with its Allow. */
function pathMatchers(base: string, routes: readonly AnyApiRoute[]): Array<{ pattern: RegExp; allow: string }> {
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...groupByPath(routes)].map(([path, pathRoutes]) => ({
    pattern: new RegExp(
      `^${literal(base)}${path
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
 * 404 for a path no route declares; 405 with `Allow` for a method a known path lacks, whether Fastify routes
 * it (DELETE on a list) or not (TRACE, PROPFIND): both land in the not-found handler.
 */
export function unroutedHandler(base: string, routes: readonly AnyApiRoute[]) {
  const knownPaths = pathMatchers(base, routes);
  return (request: FastifyRequest, reply: FastifyReply): never => {
    const path = request.url.split('?')[0] ?? '';
    const allow = knownPaths.find((known) => known.pattern.test(path))?.allow;
    if (allow !== undefined) methodNotAllowed(request, reply, allow);
    throw new ApiError(404, 'not_found', `No API route for ${request.method} ${path}`);
  };
}

/** OPTIONS answers with `Allow` alone. */
export function registerOptions(api: FastifyInstance, path: string, pathRoutes: readonly AnyApiRoute[]): void {
  const allow = [...allowedMethods(pathRoutes)].join(', ');
  api.route({
    method: 'OPTIONS',
    url: fastifyPath(path),
    handler: async (_request, reply) => reply.header('allow', allow).status(204).send(),
  });
}
