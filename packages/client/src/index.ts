/**
 * `@flexgate/client`: a TypeScript client for a Flexgate API. OAuth 2.0 tokens that take care of themselves
 * (reuse, refresh before expiry, rotation, 401 recovery) and one typed method per API operation. Runs in
 * Node 20+ and browsers; Node-only helpers (the file token store) are in `@flexgate/client/node`.
 */
export type { ApiCall, ApiRequest, ApiResponse, HttpMethod } from './api-call.js';
export {
  API_BASE_PATH,
  type AuthorizeUrlOptions,
  type ClientOptions,
  createClient,
  DEFAULT_TIMEOUT_MS,
  type FlexgateClient,
  type FlexgateClientCore,
  type PendingAuthorization,
  type RetryOnRateLimitOptions,
} from './client.js';
export {
  ApiError,
  type ApiErrorCode,
  AuthError,
  AuthorizationCallbackError,
  AuthorizationRequiredError,
  type CallbackCheckCode,
  FlexgateError,
  NetworkError,
  OAuthError,
  type OAuthErrorCode,
  type OpenCode,
  RateLimitError,
  ResponseError,
  TokenStoreError,
  ValidationError,
} from './errors.js';
export type { Operations } from './generated/operations.js';
export type * from './generated/types.js';
export { isStoredTokens, MemoryTokenStore, type StoredTokens, type TokenStore } from './token-store.js';
export type { FetchFunction, ServerMetadata } from './tokens.js';
