/**
 * The worker's one retry policy. A server that is restarting, a proxy that drops a connection or a
 * database that is briefly busy must not cost a worker its jobs or their results; a bug must not be
 * retried for twenty minutes either. So only the network and 5xx answers are retried; 4xx answers and
 * programming errors (a `TypeError` from our own code, a `SyntaxError`, ...) fail at once.
 * @module
 */
import { ApiError, toApiError } from '../errors.js';
import { sleep, systemClock, type Clock } from './clock.js';

/** How a call is retried. Every field has a default suited to a worker. */
export interface RetryPolicy {
  /** First wait after a failure, in ms (default 250). */
  initialDelayMs?: number;
  /** Longest backoff between attempts, in ms (default 10,000). A longer `Retry-After` is still honoured. */
  maxDelayMs?: number;
  /** Give up once this many ms have passed since the first attempt (default: never). */
  deadlineMs?: number;
  /** Time allowed for one attempt, in ms (default 120,000); a hung connection counts as a failure. */
  attemptTimeoutMs?: number;
  /** Asked before every new attempt; when it returns true the call fails with the last error. */
  giveUp?: () => boolean;
  /** Told about every failed attempt that will be retried. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Where waits and deadlines are measured (default: the real clock). */
  clock?: Clock;
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/** A plain 500 may be a bug that repeats forever: retried, but only this many times. */
const MAX_SERVER_ERROR_ATTEMPTS = 4;
/** The longest `Retry-After` obeyed; a server asking for more is waited on this long. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** Error codes Node and undici give connections that failed or broke: the network, not the request. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH',
  'ENETUNREACH', 'ENETDOWN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Whether `error` says the request never got a complete answer: connection refused or reset, DNS, timeout. */
export function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // An attempt that ran out of time (see attemptTimeoutMs).
  if (error.name === 'TimeoutError') return true;
  if ('code' in error && typeof error.code === 'string' && NETWORK_CODES.has(error.code)) return true;
  // undici reports every network failure as this TypeError, with the reason (if any) in `cause`.
  if (error instanceof TypeError && error.message === 'fetch failed') return true;
  return error.cause !== undefined && isNetworkError(error.cause);
}

/**
 * Whether a failure is worth another attempt: the network, or a 5xx answer other than 501 (an operation
 * the server does not implement stays unimplemented). 4xx answers and every other error are final.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof ApiError) return error.status >= 500 && error.status !== 501;
  return isNetworkError(error);
}

/** Exponential backoff with full jitter in the upper half: 250 ms, 500 ms, 1 s, ... capped at `maxDelayMs`. */
export function backoffDelay(attempt: number, initialDelayMs = 250, maxDelayMs = 10_000): number {
  const base = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(base / 2 + (Math.random() * base) / 2);
}

/** A `Retry-After` header (seconds or an HTTP date) in ms from `now`, or undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  return Number.isFinite(ms) ? Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms)) : undefined;
}

/**
 * Runs one openapi-fetch call and returns its data, retrying network failures and 5xx answers with
 * exponential backoff (a 503's `Retry-After` is obeyed). Any other failure is thrown at once, an error
 * status as an {@link ApiError}; so is the last error once the deadline passes or `giveUp` says so. Each
 * attempt gets its own `AbortSignal` that fires after `attemptTimeoutMs`.
 *
 * @example
 * ```ts
 * const client = createPipeloomClient({ baseUrl: 'http://localhost:8080' });
 * const pong = await withRetry((signal) => client.GET('/torc-service/ping', { signal }), { deadlineMs: 60_000 });
 * console.log(pong.message);
 * ```
 */
export async function withRetry<T>(call: (signal: AbortSignal) => Promise<Result<T>>, policy: RetryPolicy = {}): Promise<T> {
  const clock = policy.clock ?? systemClock;
  const started = clock.now();
  let serverErrors = 0;
  for (let attempt = 0; ; attempt++) {
    let error: unknown;
    let wait = backoffDelay(attempt, policy.initialDelayMs, policy.maxDelayMs);
    const timeout = new AbortController();
    const timer = clock.setTimeout(() => timeout.abort(new DOMException('the attempt timed out', 'TimeoutError')), policy.attemptTimeoutMs ?? 120_000);
    try {
      const { data, error: body, response } = await call(timeout.signal);
      // openapi-fetch leaves `data` undefined for an empty 2xx body, which the contract types as data.
      if (response.ok) return data as T;
      error = toApiError(response, body);
      wait = Math.max(wait, retryAfterMs(response.headers.get('retry-after'), clock.now()) ?? 0);
    } catch (e) {
      error = e;
    } finally {
      clock.clearTimeout(timer);
    }
    if (error instanceof ApiError && error.status === 500) serverErrors++;
    const pastDeadline = policy.deadlineMs !== undefined && clock.now() + wait - started > policy.deadlineMs;
    if (!isTransient(error) || serverErrors >= MAX_SERVER_ERROR_ATTEMPTS || pastDeadline || policy.giveUp?.()) throw error;
    policy.onRetry?.(error, attempt + 1, wait);
    await sleep(clock, wait);
    if (policy.giveUp?.()) throw error;
  }
}

/** A short description of an error for a log line. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.status} ${error.code}: ${error.message}`;
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ? `${error.message} (${cause.code ?? cause.message})` : error.message;
  }
  return String(error);
}
