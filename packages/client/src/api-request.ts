/** How an API request goes on the wire (URL, headers, body) and how its answer is read (Retry-After, field maps). */
import type { ApiRequest } from './api-call.js';
import { ApiError, AuthError, FlexgateError, RateLimitError, ResponseError, ValidationError } from './errors.js';
import type { deadline } from './http.js';

/** The path of the REST API below the server's base URL. */
export const API_BASE_PATH = '/api/v0.0.1';

/** The absolute URL of an API request: the base URL, the API path and the query string. */
export function apiUrl(baseUrl: string, request: ApiRequest): string {
  const path = request.path.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
    const value = request.pathParams?.[name];
    if (value === undefined) throw new FlexgateError(`${request.operationId}: missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
  const url = new URL(`${baseUrl}${API_BASE_PATH}${path}`);
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url.toString();
}

/** The fetch options of an API request: method, bearer token, JSON body, Idempotency-Key. */
export function buildInit(request: ApiRequest, token: string): RequestInit {
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
  if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
  if (request.body === undefined) return { method: request.method, headers };
  headers['content-type'] = 'application/json';
  return { method: request.method, headers, body: JSON.stringify(request.body) };
}

/**
 * The JSON body of a 2xx (undefined for 204 or an empty body). Every operation answers JSON: anything else
 * (a captive portal's HTML page with 200, a truncated body) is a {@link ResponseError} that does not quote it.
 */
export async function readBody(
  response: Response,
  operationId: string,
  sent: ReturnType<typeof deadline>,
): Promise<unknown> {
  if (response.status === 204) return undefined;
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw sent.fail(error);
  }
  if (text === '') return undefined;
  const requestId = response.headers.get('x-request-id') ?? undefined;
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!/^application\/([\w.+-]+\+)?json$/.test(type)) {
    throw new ResponseError(
      `${operationId}: the server answered ${response.status} with ${type === '' ? 'no content type' : type}, not JSON`,
      response.status,
      requestId,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ResponseError(
      `${operationId}: the server answered ${response.status} with a body that is not valid JSON`,
      response.status,
      requestId,
    );
  }
}

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
/** The three HTTP-date forms (RFC 9110 §5.6.7): IMF-fixdate, RFC 850, asctime. */
const IMF_FIXDATE = new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`);
const RFC_850 = new RegExp(`^${LONG_DAY}, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${DAY} ${MONTH} (?: \\d|\\d{2}) ${TIME} \\d{4}$`);

/**
 * Retry-After as seconds: a whole number of seconds (delta-seconds) or an HTTP date; undefined when absent
 * or anything else ("1.5", "-3", "soon"…).
 */
export function retryAfterSeconds(headers: Headers, now: () => number): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) {
    const seconds = Number(value);
    return Number.isSafeInteger(seconds) ? seconds : undefined;
  }
  let date: number;
  if (IMF_FIXDATE.test(value) || RFC_850.test(value)) date = Date.parse(value);
  else if (ASCTIME.test(value))
    date = Date.parse(`${value} GMT`); // asctime is UTC, not local time
  else return undefined;
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now()) / 1000));
}

function isFieldMap(body: unknown): body is Record<string, string[]> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const values = Object.values(body);
  return values.length > 0 && values.every((v) => Array.isArray(v) && v.every((m) => typeof m === 'string'));
}

/** An API error response → the matching typed error (only `error`, `error_description` and ids are kept). */
export async function apiErrorFrom(response: Response, now: () => number): Promise<FlexgateError> {
  const body: unknown = await response.json().catch(() => undefined);
  const headerId = response.headers.get('x-request-id') ?? undefined;
  if (response.status === 400 && isFieldMap(body)) {
    return new ValidationError(body, { status: 400, requestId: headerId });
  }
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const code = typeof record.error === 'string' ? record.error : `http_${response.status}`;
  const description = typeof record.error_description === 'string' ? record.error_description : undefined;
  const requestId = typeof record.request_id === 'string' ? record.request_id : headerId;
  if (response.status === 401 || response.status === 403) {
    return new AuthError(response.status, code, description, undefined, requestId);
  }
  if (response.status === 429) {
    return new RateLimitError(retryAfterSeconds(response.headers, now), description, requestId);
  }
  return new ApiError(response.status, code, description, requestId);
}
