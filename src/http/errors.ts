import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, ValidationError } from '../apis/errors.js';
import { nulFields } from '../apis/pipeline/validate.js';
import { OAuthError } from '../oauth/errors.js';
import { PortalRefusal } from '../portal/errors.js';
import { sendHtml } from '../portal/html.js';
import { errorPage } from '../portal/pages/error-page.js';
import { NulCharacterError } from './nul.js';

/**
 * The one place that turns an error into a response, with one renderer per route family:
 * - OAuth JSON (RFC 6749 §5.2, the RFC 6750 challenge on bearer errors): the OAuth endpoints, metadata, and
 *   anything outside a family;
 * - the API's JSON (`{error, error_description}`, or the seeds' field map for a ValidationError): the APIs;
 * - portal HTML (the error page): the portal's pages and forms.
 * A client mistake that Fastify caught (bad content type, malformed body, too large) is answered in the
 * family's shape; anything unexpected is a 500 that carries only the request id — its details go to the log.
 */
type ErrorHandler = (error: unknown, request: FastifyRequest, reply: FastifyReply) => void;

const UNEXPECTED = 'The server hit an unexpected error; quote the request_id when reporting it';
const JSON_TYPE = 'application/json; charset=utf-8';

export const oauthErrorHandler: ErrorHandler = (error, request, reply) => {
  const oauthError = toOAuthError(error);
  logError(request, error, oauthError);
  sendOAuthError(reply, oauthError, request.id);
};

export const apiErrorHandler: ErrorHandler = (error, request, reply) => {
  const answer = toApiAnswer(error, request);
  if (answer instanceof OAuthError) {
    sendOAuthError(reply, answer, request.id);
  } else if (answer instanceof ValidationError) {
    void reply.status(400).type(JSON_TYPE).send(JSON.stringify(answer.fields));
  } else if (answer === undefined) {
    request.log.error({ err: error }, 'unhandled API error');
    const unexpected = new ApiError(500, 'server_error', UNEXPECTED);
    void reply
      .status(500)
      .type(JSON_TYPE)
      .send({ ...unexpected.toJSON(), request_id: request.id });
  } else {
    void reply.status(answer.status).type(JSON_TYPE).send(answer.toJSON());
  }
};

/**
 * Pages: a refusal (the portal's own, an OAuth one such as a form that is not form-encoded, or one Fastify
 * caught) is the HTML error page with its status. A 500 stays the JSON answer with the request id.
 */
export const portalErrorHandler: ErrorHandler = (error, request, reply) => {
  if (error instanceof PortalRefusal) {
    sendHtml(reply, error.status, errorPage(error.title, error.description));
    return;
  }
  const oauthError = toOAuthError(error);
  if (oauthError.status >= 500) {
    oauthErrorHandler(error, request, reply);
    return;
  }
  logError(request, error, oauthError);
  sendHtml(reply, oauthError.status, errorPage('Request refused', oauthError.description));
};

/** The OAuth error shape on the wire, with its challenge; a 5xx quotes the request id. */
export function sendOAuthError(reply: FastifyReply, error: OAuthError, requestId: string): void {
  const challenge = wwwAuthenticate(error);
  if (challenge !== undefined) void reply.header('www-authenticate', challenge);
  const body = error.status >= 500 ? { ...error.toJSON(), request_id: requestId } : error.toJSON();
  void reply.status(error.status).type(JSON_TYPE).send(body);
}

/** A request no route matches: a 404 in the OAuth shape, without echoing the query. */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0];
  sendOAuthError(
    reply,
    new OAuthError('invalid_request', `No route for ${request.method} ${path}`, { status: 404 }),
    request.id,
  );
}

/**
 * Errors the router raises before any route or hook runs (a malformed URL, a too-long path segment): in the
 * OAuth JSON shape, with the request id (no hook has run to set it), and without echoing the URL back.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const description = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path segment is too long' : 'The URL is malformed';
  void reply
    .header('x-request-id', request.id)
    .status(error.statusCode ?? 400)
    .type(JSON_TYPE)
    .send({ error: 'invalid_request', error_description: description });
}

function logError(request: FastifyRequest, error: unknown, answer: OAuthError): void {
  if (answer.status >= 500) {
    request.log.error({ err: error }, 'unhandled error');
  } else if (answer.detail !== undefined) {
    request.log.info({ oauthError: answer.error, detail: answer.detail }, answer.description);
  }
}

function toOAuthError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error;
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new OAuthError('invalid_request', clientErrorDescription(fastifyError), { status });
  }
  return new OAuthError('server_error', UNEXPECTED);
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

/**
 * What the API answers for an error: our own errors as they are (the global NUL refusal as the field map,
 * naming the fields), Fastify's client errors (bad JSON, body too large, unknown media type) in the API's
 * shape, and undefined for anything unexpected.
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
