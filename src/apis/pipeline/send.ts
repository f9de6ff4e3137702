import type { FastifyReply } from 'fastify';
import type { ApiResult } from '../route.js';

/** The last step: a handler's result as the response (status, `Location`, JSON body). */
export function sendResult(reply: FastifyReply, result: ApiResult<unknown>): FastifyReply {
  if (result.location !== undefined) void reply.header('location', result.location);
  if (result.status === 204) return reply.status(204).send();
  return reply
    .status(result.status)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(result.body ?? null));
}
