/**
 * The seam between the generated operation methods (src/generated/operations.ts, made from the server's
 * OpenAPI document) and the client runtime (src/client.ts), which adds the token, sends the request,
 * retries once after a 401 and turns error responses into typed errors.
 */
/** The HTTP methods of the API's operations. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One API call as the generated operations describe it; `client.request` takes the same shape. */
export interface ApiRequest {
  /** The OpenAPI operationId, e.g. `listContacts` (for error messages and logs). */
  operationId: string;
  method: HttpMethod;
  /** The OpenAPI path below the API base, with `{name}` placeholders, e.g. `/contacts/{id}`. */
  path: string;
  /** Values of the path's placeholders (URL-encoded by the runtime). */
  pathParams?: Record<string, string | number>;
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  /** A JSON body. */
  body?: unknown;
  /** Sent as `Idempotency-Key` (creates only). */
  idempotencyKey?: string;
  /**
   * Aborts this call (on top of the client's `timeoutMs`): the call then rejects with `NetworkError`
   * (`reason: 'aborted'`). A token renewal shared with other calls goes on; only this caller stops waiting.
   */
  signal?: AbortSignal;
}

/**
 * What `client.request` resolves to: the parsed JSON body (undefined for 204) with the response's status and
 * headers. The generated operation methods resolve to the body alone.
 */
export interface ApiResponse<T> {
  status: number;
  data: T;
  headers: Headers;
}

/**
 * Sends one API request with a valid token; resolves with the {@link ApiResponse} of a 2xx (status, headers,
 * body), rejects with a typed error.
 */
export type ApiCall = <T>(request: ApiRequest) => Promise<ApiResponse<T>>;
