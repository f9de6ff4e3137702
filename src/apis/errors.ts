/**
 * Errors of the REST API. A `ValidationError` is sent as the seeds' field map (`{"lang": ["…"]}`); an
 * `ApiError` as `{ "error": code, "error_description": text }` with its status.
 */
import type { OAuthErrorCode } from '../oauth/errors.js';
import type { FieldErrors } from '../shared/field-errors.js';

export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(readonly fields: FieldErrors) {
    super(`invalid request: ${Object.keys(fields).join(', ')}`);
  }

  /** A validation error about one field. */
  static field(field: string, message: string): ValidationError {
    return new ValidationError({ [field]: [message] });
  }
}

export const API_ERROR_CODES = [
  'not_found',
  'method_not_allowed',
  'not_acceptable',
  'unsupported_media_type',
  'idempotency_key_reused',
  'payload_too_large',
  'rate_limited',
  'server_error',
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/**
 * Every `error` an API response may carry: the API's own codes and RFC 6750's bearer errors. The OpenAPI
 * document lists them (schema `ApiErrorCode`), and the SDK's `ApiError.code` is typed from it.
 */
export const API_ANSWER_ERROR_CODES = [
  ...API_ERROR_CODES,
  'invalid_request',
  'invalid_token',
  'insufficient_scope',
] as const satisfies readonly (ApiErrorCode | OAuthErrorCode)[];

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    readonly description: string,
  ) {
    super(`${code}: ${description}`);
  }

  toJSON(): { error: ApiErrorCode; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

export const notFound = (description: string) => new ApiError(404, 'not_found', description);
