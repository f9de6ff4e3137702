import type { FastifyRequest } from 'fastify';
import type { RawParams } from '../oauth/params.js';

/** A form body or query string as the core reads it (repeated keys arrive as arrays). */
export function bodyParams(request: FastifyRequest): RawParams {
  const body = request.body;
  return body !== null && typeof body === 'object' ? (body as RawParams) : {};
}

export function queryParams(request: FastifyRequest): RawParams {
  return request.query as RawParams;
}

/** One string field of a form, or undefined (repeated or missing). */
export function formField(params: RawParams, name: string): string | undefined {
  const value = params[name];
  return typeof value === 'string' ? value : undefined;
}
