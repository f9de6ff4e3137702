import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { sendOAuthError } from '../../http/errors.js';
import { NulCharacterError } from '../../http/nul.js';
import { OAuthError } from '../../oauth/errors.js';
import { ApiError, ValidationError } from '../errors.js';
import { nulFields } from './validate.js';

/** The API's one error shape; nothing internal leaves the server (500s carry only the request id). */
export function handleApiError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
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
