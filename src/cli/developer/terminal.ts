import {
  ApiError,
  AuthError,
  AuthorizationRequiredError,
  FlexgateError,
  NetworkError,
  OAuthError,
  RateLimitError,
  ValidationError,
} from '@flexgate/client';
import { InputError } from '../../oauth/errors.js';

export const REDIRECT_URI_HINT =
  'register http://127.0.0.1/callback as a redirect URI of the application (any port is then allowed)';

/** One line, without the SDK's class names; never a token or a secret (the SDK's messages carry neither). */
export function describeError(error: unknown, baseUrl: string): InputError {
  if (error instanceof InputError) return error;
  // The profile store's own refusals (e.g. a profile replaced meanwhile), wrapped by the SDK.
  if (error instanceof FlexgateError && error.cause instanceof InputError) return error.cause;
  if (error instanceof ValidationError) {
    const fields = Object.entries(error.fields).map(
      ([field, messages]) => `${oneLine(field)}: ${oneLine(messages.join(' '))}`,
    );
    return new InputError(`invalid request (400): ${fields.join('; ')}`);
  }
  if (error instanceof AuthorizationRequiredError) {
    return new InputError(
      `not signed in any more${error.description === undefined ? '' : ` (${oneLine(error.description)})`}: run flexgate login again`,
    );
  }
  if (error instanceof RateLimitError) {
    return new InputError(
      `rate limited (429)${error.retryAfterSeconds === undefined ? '' : `: retry after ${error.retryAfterSeconds} s`}`,
    );
  }
  if (error instanceof ApiError) {
    const text = oneLine(error.description ?? error.code);
    const requestId = error.requestId === undefined ? '' : `, request id ${oneLine(error.requestId)}`;
    return new InputError(`${text} (${error.status} ${oneLine(error.code)}${requestId})`);
  }
  if (error instanceof AuthError) {
    return new InputError(`${oneLine(error.description ?? error.error)} (${error.status} ${oneLine(error.error)})`);
  }
  if (error instanceof OAuthError) {
    return new InputError(`${oneLine(error.description ?? error.error)} (${oneLine(error.error)})`);
  }
  if (error instanceof NetworkError) {
    return cannotReach(baseUrl, error.code ?? (error.reason === 'timeout' ? 'timed out' : error.reason));
  }
  if (error instanceof FlexgateError) return new InputError(oneLine(error.message));
  if (error instanceof Error) return new InputError(oneLine(error.message));
  return new InputError(String(error));
}

export const cannotReach = (baseUrl: string, reason: string) =>
  new InputError(`cannot reach ${baseUrl}: ${oneLine(reason)}`);

/**
 * Text from a server (or an error) made safe to print: terminal control characters (C0 but tab and newline,
 * DEL, C1) and bidirectional overrides removed, then one line.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNPRINTABLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
export const oneLine = (text: string) => text.replace(UNPRINTABLE, '').replace(/\s+/g, ' ').trim();

/**
 * The API's answer as pretty JSON. JSON.stringify escapes C0 controls but not DEL, C1 or line/paragraph
 * separators: escape them too (they only occur inside strings, so the JSON stays the same value).
 */
export const printableJson = (value: unknown) =>
  JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
