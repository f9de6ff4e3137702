import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../oauth/errors.js';

/**
 * The one place that decides what an error looks like on the wire. OAuthErrors are sent as RFC 6749 §5.2
 * JSON (with the RFC 6750 challenge on bearer errors); a client mistake that Fastify caught (bad content
 * type, malformed body, too large) becomes invalid_request; anything else is a server_error that carries
 * only the request id — its details go to the log.
 */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const oauthError = toOAuthError(error);
  if (oauthError.status >= 500) {
    request.log.error({ err: error }, 'unhandled error');
  } else if (oauthError.detail !== undefined) {
    request.log.info({ oauthError: oauthError.error, detail: oauthError.detail }, oauthError.description);
  }
  sendOAuthError(reply, oauthError, request.id);
}

export function sendOAuthError(reply: FastifyReply, error: OAuthError, requestId: string): void {
  const challenge = wwwAuthenticate(error);
  if (challenge !== undefined) void reply.header('www-authenticate', challenge);
  const body = error.status >= 500 ? { ...error.toJSON(), request_id: requestId } : error.toJSON();
  void reply.status(error.status).type('application/json; charset=utf-8').send(body);
}

function toOAuthError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error;
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new OAuthError('invalid_request', clientErrorDescription(fastifyError), { status });
  }
  return new OAuthError('server_error', 'The server hit an unexpected error; quote the request_id when reporting it');
}

function clientErrorDescription(error: Partial<FastifyError>): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported Content-Type: send application/x-www-form-urlencoded (OAuth endpoints) or application/json';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The JSON body is empty';
    default:
      return error.message ?? 'The request is malformed';
  }
}

function wwwAuthenticate(error: OAuthError): string | undefined {
  if (error.challenge !== undefined) return error.challenge;
  if (error.error === 'invalid_client' && error.basicAuthAttempted) return 'Basic realm="flexgate", charset="UTF-8"';
  if (error.error === 'invalid_token' || error.error === 'insufficient_scope') {
    const scope = error.scope === undefined ? '' : `, scope="${error.scope}"`;
    return `Bearer realm="flexgate", error="${error.error}", error_description="${error.description}"${scope}`;
  }
  return undefined;
}
