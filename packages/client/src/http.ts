/**
 * Sending with a deadline: every request the client makes (metadata, token, revocation, API) gets a timeout
 * and, for API calls, the caller's `signal`; whatever goes wrong on the wire becomes a {@link NetworkError}
 * that names the operation only (no URL, token or body). Web-platform globals only.
 */
import { NetworkError } from './errors.js';

/** The largest delay `setTimeout` takes (2^31 - 1 ms); longer ones fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** One request's deadline: the signal to pass to `fetch`, and how to turn a failure into a typed error. */
export interface Deadline {
  /** Aborts when the timeout expires or the caller's signal aborts. */
  signal: AbortSignal;
  /** The {@link NetworkError} for an error thrown by `fetch` or while reading the body. */
  fail(error: unknown): NetworkError;
}

/**
 * A deadline of `timeoutMs` for `operation` (e.g. `the token request`), also aborted by `caller` if given.
 * The timer is the platform's `AbortSignal.timeout`: it does not keep a Node process alive.
 */
export function deadline(operation: string, timeoutMs: number, caller?: AbortSignal): Deadline {
  const timeout = AbortSignal.timeout(Math.min(timeoutMs, MAX_TIMER_MS));
  const signal = caller === undefined ? timeout : anySignal([timeout, caller]);
  return {
    signal,
    fail(error) {
      if (error instanceof NetworkError) return error;
      if (caller?.aborted === true) return new NetworkError(operation, 'aborted');
      if (timeout.aborted) return new NetworkError(operation, 'timeout', undefined, timeoutMs);
      return new NetworkError(operation, 'failed', systemCode(error));
    },
  };
}

/** `AbortSignal.any` where the platform has it, else the same by hand. */
function anySignal(signals: AbortSignal[]): AbortSignal {
  const native = (AbortSignal as { any?: (signals: AbortSignal[]) => AbortSignal }).any;
  if (typeof native === 'function') return native.call(AbortSignal, signals);
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}

/** A system error code like `ECONNREFUSED` from the error or its cause (undici nests it); nothing else. */
function systemCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; depth < 3 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Waits for `promise`, but rejects with a {@link NetworkError} (`aborted`) as soon as `signal` aborts. The
 * promise itself goes on (it may be shared with other callers).
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, operation: string): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(new NetworkError(operation, 'aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new NetworkError(operation, 'aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Resolves after `ms` (at most {@link MAX_TIMER_MS}); rejects with a {@link NetworkError} if `signal` aborts
 * first, and then clears its timer.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, Math.min(ms, MAX_TIMER_MS)));
  });
  return untilAborted(waited, signal, 'the wait before retrying').finally(() => clearTimeout(timer));
}
