import type { z } from 'zod';
import type { Clock, Random } from '../oauth/ports.js';
import type { DataScope } from './example/ports.js';
import type { ApiRepositories } from './ports.js';
import type { Principal } from './principal.js';

/**
 * One REST API operation, declared once: its zod schemas are the single source of truth for request
 * validation (the pipeline), the handler's TypeScript types, and the OpenAPI document (openapi.ts) from
 * which the Postman collection and the SDK are generated.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Every API path starts with this (the seeds' versioned base). */
export const API_BASE = '/api/v0.0.1';

export interface ApiInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Who the request acts as. */
  principal: Principal;
  /** Whose data this request may touch (the principal's data owner and environment). */
  owner: DataScope;
  /** Storage to use: inside a transaction for idempotent creates, so the create and its key commit together. */
  repos: ApiRepositories;
  clock: Clock;
  random: Random;
  /** The request's path and query (for links to the next page). */
  url: string;
}

export interface ApiResult<R> {
  status: 200 | 201 | 204;
  body?: R;
  /** For 201: the created resource's URL path (sent as `Location`). */
  location?: string;
}

export interface ApiRoute<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  method: HttpMethod;
  /** OpenAPI-style path below API_BASE, e.g. `/contacts/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  /** OpenAPI tag (groups operations in the docs and the Postman collection). */
  tag: string;
  /** Every scope the token needs; empty: any valid access token. */
  scopes: readonly string[];
  /** Strict object schemas of the path parameters, the query string and the JSON body. */
  params?: P;
  query?: Q;
  body?: B;
  success: {
    status: 200 | 201 | 204;
    description: string;
    /** The response body's schema (absent for 204). */
    schema?: R;
  };
  /** A create that honours `Idempotency-Key` (201 first, 200 with the same resource on repeat, 422 on conflict). */
  idempotent?: boolean;
  handler(input: ApiInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<ApiResult<z.input<R>>>;
}

/** A route with its types erased, as kept in the route table. */
// biome-ignore lint/suspicious/noExplicitAny: the table holds routes of many schema types; each was checked at defineRoute.
export type AnyApiRoute = ApiRoute<any, any, any, any>;

/** Declares a route; the generic parameters tie the handler's input and output to the schemas. */
export function defineRoute<
  P extends z.ZodType = z.ZodObject<Record<string, never>>,
  Q extends z.ZodType = z.ZodObject<Record<string, never>>,
  B extends z.ZodType = z.ZodUndefined,
  R extends z.ZodType = z.ZodUndefined,
>(route: ApiRoute<P, Q, B, R>): AnyApiRoute {
  return route;
}
