/**
 * Errors of the REST API. A `ValidationError` is sent as the seeds' field map (`{"lang": ["…"]}`); an
 * `ApiError` as `{ "error": code, "error_description": text }` with its status.
 */
import type { FieldErrors } from '../shared/field-errors.js';

export { emptyFieldErrors, type FieldErrors } from '../shared/field-errors.js';

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

export type ApiErrorCode =
  | 'not_found'
  | 'method_not_allowed'
  | 'not_acceptable'
  | 'unsupported_media_type'
  | 'idempotency_key_reused'
  | 'payload_too_large'
  | 'rate_limited'
  | 'server_error';

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
