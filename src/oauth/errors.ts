/**
 * The one error type of the protocol core. It carries the RFC 6749 fields that may leave the server, a
 * private detail that is only logged, the HTTP status the transport should use, and whether the error may
 * be delivered to the client's redirect URI (an error about the redirect URI itself never may).
 */

/** RFC 6749 §4.1.2.1, §5.2, RFC 6750 §3.1 and RFC 7009 §2.2.1 error codes: a closed union to switch on. */
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

const DEFAULT_STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  unsupported_token_type: 400,
  invalid_scope: 400,
  access_denied: 403,
  invalid_token: 401,
  insufficient_scope: 403,
  server_error: 500,
};

export interface OAuthErrorOptions {
  /** Logged, never sent. */
  detail?: string;
  status?: number;
  /** True when the error may be sent to the redirect URI (authorization endpoint only). */
  redirectable?: boolean;
  /** The client authenticated (or tried to) with HTTP Basic: a 401 must then carry a Basic challenge. */
  basicAuthAttempted?: boolean;
  /** For insufficient_scope: the scope the resource needs (RFC 6750 §3). */
  scope?: string;
  /** The exact `WWW-Authenticate` challenge to send, where the default one for the code does not fit. */
  challenge?: string;
}

export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  readonly status: number;
  readonly detail: string | undefined;
  readonly redirectable: boolean;
  readonly basicAuthAttempted: boolean;
  readonly scope: string | undefined;
  readonly challenge: string | undefined;

  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    options: OAuthErrorOptions = {},
  ) {
    super(`${error}: ${description}`);
    this.status = options.status ?? DEFAULT_STATUS[error];
    this.detail = options.detail;
    this.redirectable = options.redirectable ?? false;
    this.basicAuthAttempted = options.basicAuthAttempted ?? false;
    this.scope = options.scope;
    this.challenge = options.challenge;
  }

  /** The JSON body of RFC 6749 §5.2. */
  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

export const invalidRequest = (description: string, options?: OAuthErrorOptions) =>
  new OAuthError('invalid_request', description, options);
export const invalidGrant = (description: string, options?: OAuthErrorOptions) =>
  new OAuthError('invalid_grant', description, options);
export const invalidScope = (description: string, options?: OAuthErrorOptions) =>
  new OAuthError('invalid_scope', description, options);

/** Bad input to an administrative operation (CLI, portal): the message is meant for the person who typed it. */
export class InputError extends Error {
  override readonly name = 'InputError';
}
