import type { ApiErrorCode } from './generated/types.js';

/**
 * A code Flexgate is known to send, or any other string: `switch (error.code)` narrows on the known ones,
 * and a code a newer server (or an operator's proxied API) sends still fits.
 */
export type OpenCode<Known extends string> = Known | (string & {});

/** The OAuth error codes Flexgate's token, revocation and authorization endpoints send (RFC 6749, 6750, 7009). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'unsupported_token_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'server_error';

/** The checks of an authorization response that the SDK itself makes. */
export type CallbackCheckCode = 'state_mismatch' | 'issuer_mismatch' | 'missing_code';

export type { ApiErrorCode } from './generated/types.js';
/**
 * The errors the client throws. Every one extends {@link FlexgateError}; none of them ever carries a token,
 * a client secret or a response body beyond the server's `error` and `error_description`.
 */

/** The base of every error the Flexgate client throws. */
export class FlexgateError extends Error {
  /** @param message - What went wrong, without secrets. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Reads an optional request id without inventing one. */
type MaybeString = string | undefined;

/** A 400 from the API whose body is a field map: each field (or `body`) with its messages. */
export class ValidationError extends FlexgateError {
  /** The HTTP status (400). */
  readonly status: number;
  /** Field name → the messages about it, as the API sent them. */
  readonly fields: Record<string, string[]>;
  /** The `X-Request-Id` of the response, if any. */
  readonly requestId: MaybeString;

  /** @param fields - The API's field map. */
  constructor(fields: Record<string, string[]>, options: { status?: number; requestId?: string | undefined } = {}) {
    const summary = Object.entries(fields)
      .map(([field, messages]) => `${field}: ${messages.join(' ')}`)
      .join('; ');
    super(`The request is invalid: ${summary}`);
    this.status = options.status ?? 400;
    this.fields = fields;
    this.requestId = options.requestId;
  }
}

/** A 401 or 403: the token was refused (`invalid_token`) or lacks a scope (`insufficient_scope`). */
export class AuthError extends FlexgateError {
  /** The HTTP status (401 or 403). */
  readonly status: number;
  /** The OAuth/API error code, e.g. `invalid_token` (the same as {@link AuthError.error}). */
  readonly code: OpenCode<ApiErrorCode | OAuthErrorCode>;
  /** The OAuth/API error code, e.g. `invalid_token`. */
  readonly error: OpenCode<ApiErrorCode | OAuthErrorCode>;
  /** The server's human-readable description, if it sent one. */
  readonly description: MaybeString;

  /** The body's `request_id` or the `X-Request-Id` header, if the server sent one: quote it when reporting a problem. */
  readonly requestId: MaybeString;

  /**
   * @param status - The HTTP status.
   * @param error - The error code.
   * @param description - The server's `error_description`.
   * @param message - Replaces the default message.
   * @param requestId - The request id of the response.
   */
  constructor(status: number, error: string, description?: string, message?: string, requestId?: string) {
    super(
      message ??
        `Not authorized (${status} ${error})${description === undefined ? '' : `: ${description}`}${requestId === undefined ? '' : ` (request id ${requestId})`}`,
    );
    this.status = status;
    this.code = error;
    this.error = error;
    this.description = description;
    this.requestId = requestId;
  }
}

/**
 * There is no usable grant any more: the refresh token was refused (`invalid_grant`: revoked, expired or
 * reused), or there never were tokens. The stored tokens are cleared; the user must authorize again.
 */
export class AuthorizationRequiredError extends AuthError {
  /**
   * @param description - Why, as the server said it (if it did).
   */
  constructor(description?: string, error = 'invalid_grant') {
    super(
      401,
      error,
      description,
      `Authorization required: the user must authorize this application again${description === undefined ? '' : ` (${description})`}`,
    );
  }
}

/** A 429 from the API: too many requests. */
export class RateLimitError extends FlexgateError {
  /** The HTTP status (429). */
  readonly status = 429;
  /** Seconds to wait before retrying, from `Retry-After` (undefined if the server did not say). */
  readonly retryAfterSeconds: number | undefined;
  /** The server's description. */
  readonly description: MaybeString;
  /** The `X-Request-Id` of the response, if any. */
  readonly requestId: MaybeString;

  /** @param retryAfterSeconds - From the `Retry-After` header. */
  constructor(retryAfterSeconds: number | undefined, description?: string, requestId?: string) {
    super(
      `Rate limited${retryAfterSeconds === undefined ? '' : `: retry after ${retryAfterSeconds} s`}${description === undefined ? '' : ` (${description})`}`,
    );
    this.retryAfterSeconds = retryAfterSeconds;
    this.description = description;
    this.requestId = requestId;
  }
}

/** Any other error response from the API (404, 409, 415, 422, 5xx…). */
export class ApiError extends FlexgateError {
  /** The HTTP status. */
  readonly status: number;
  /** The API's `error` code, e.g. `not_found`. */
  readonly code: OpenCode<ApiErrorCode>;
  /** The API's `error_description`. */
  readonly description: MaybeString;
  /** The body's `request_id` or the `X-Request-Id` header: quote it when reporting a problem. */
  readonly requestId: MaybeString;

  /**
   * @param status - The HTTP status.
   * @param code - The `error` code.
   * @param description - The `error_description`.
   * @param requestId - The request id.
   */
  constructor(status: number, code: string, description?: string, requestId?: string) {
    super(
      `API error ${status} ${code}${description === undefined ? '' : `: ${description}`}${requestId === undefined ? '' : ` (request id ${requestId})`}`,
    );
    this.status = status;
    this.code = code;
    this.description = description;
    this.requestId = requestId;
  }
}

/**
 * An OAuth error: from the token or revocation endpoint (`invalid_client`, `invalid_scope`…), or in an
 * authorization response (`access_denied`…). Only `error` and `error_description` are kept.
 */
export class OAuthError extends FlexgateError {
  /** The OAuth error code (the same as {@link OAuthError.error}). */
  readonly code: OpenCode<OAuthErrorCode | CallbackCheckCode>;
  /** The OAuth error code. */
  readonly error: OpenCode<OAuthErrorCode | CallbackCheckCode>;
  /** The server's `error_description`. */
  readonly description: MaybeString;
  /** The HTTP status of the token endpoint's answer (undefined for authorization responses). */
  readonly status: number | undefined;

  /**
   * @param error - The OAuth error code.
   * @param description - The `error_description`.
   * @param status - The HTTP status, if any.
   */
  constructor(error: string, description?: string, status?: number) {
    super(`OAuth error ${error}${description === undefined ? '' : `: ${description}`}`);
    this.code = error;
    this.error = error;
    this.description = description;
    this.status = status;
  }
}

/**
 * The authorization response (the callback URL) was refused: the server sent an error (`access_denied`,
 * …), or the response failed a check (`state_mismatch`, `issuer_mismatch`, `missing_code`). Nothing was
 * stored.
 */
export class AuthorizationCallbackError extends OAuthError {}

/**
 * The server could not be reached or did not answer in time: the connection failed or was reset, the request
 * timed out (`timeoutMs`), or the caller's `signal` aborted it. The message names the operation and the
 * kind of failure only: never a URL, a token or a body, and the low-level error is not attached.
 */
export class NetworkError extends FlexgateError {
  /** `timeout` (no answer within `timeoutMs`), `aborted` (the caller's signal) or `failed` (anything else). */
  readonly reason: 'timeout' | 'aborted' | 'failed';
  /** The system error code when there is one, e.g. `ECONNREFUSED`. */
  readonly code: MaybeString;

  /**
   * @param operation - What was being sent, e.g. `the token request` (no URL).
   * @param reason - See {@link NetworkError.reason}.
   * @param code - The system error code.
   * @param timeoutMs - The timeout that expired (for `timeout`).
   */
  constructor(operation: string, reason: 'timeout' | 'aborted' | 'failed', code?: string, timeoutMs?: number) {
    const what =
      reason === 'timeout'
        ? `timed out${timeoutMs === undefined ? '' : ` after ${timeoutMs} ms`}`
        : reason === 'aborted'
          ? 'was aborted'
          : `failed${code === undefined ? '' : ` (${code})`}`;
    super(`Network error: ${operation} ${what}`);
    this.reason = reason;
    this.code = code;
  }
}

/**
 * The server answered with something the client cannot read: a success whose body is not the JSON the
 * operation returns (a captive portal's HTML page, a proxy's error page), or a token response without a
 * token. The body itself is never kept.
 */
export class ResponseError extends FlexgateError {
  /** The HTTP status of the unreadable response. */
  readonly status: number;
  /** The `X-Request-Id` of the response, if any. */
  readonly requestId: MaybeString;

  /**
   * @param message - What was wrong, without the body.
   * @param status - The HTTP status.
   * @param requestId - The `X-Request-Id` header.
   */
  constructor(message: string, status: number, requestId?: string) {
    super(message);
    this.status = status;
    this.requestId = requestId;
  }
}

/**
 * The token store failed: its `load`, `lock`, `save` or `clear` threw. `cause` is the store's error.
 *
 * When a save of tokens that were just issued fails, the client keeps them in memory, does not use them until
 * they are saved, and saves them again before anything else on the next call (the old refresh token is
 * already dead: it is never sent again).
 */
export class TokenStoreError extends FlexgateError {}
