/**
 * Retries for the worker's API calls: a server that is restarting, a proxy that drops a connection or a
 * database that is briefly busy must not cost a worker its jobs or their results.
 * @module
 */
import { ApiError, toApiError } from '../errors.js';

/** How a call is retried. Every field has a default suited to a worker. */
export interface RetryPolicy {
  /** First wait after a failure, in ms (default 250). */
  initialDelayMs?: number;
  /** Longest wait between attempts, in ms (default 10,000). */
  maxDelayMs?: number;
  /** Give up once this many ms have passed since the first attempt (default: never). */
  deadlineMs?: number;
  /** Time allowed for one attempt, in ms (default 120,000); a hung connection counts as a failure. */
  attemptTimeoutMs?: number;
  /** Asked before every new attempt; when it returns true the call fails with the last error. */
  giveUp?: () => boolean;
  /** Told about every failed attempt that will be retried. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/** Statuses that say "try again later" rather than "this request is wrong". */
const TRANSIENT_STATUSES = new Set([408, 425, 429, 502, 503, 504]);
/** A plain 500 may be a bug that repeats forever: retried, but only this many times. */
const MAX_SERVER_ERROR_ATTEMPTS = 4;

/** Whether a failure is worth another attempt: the network, a timeout, or a transient status. */
export function isTransient(error: unknown): boolean {
  if (error instanceof ApiError) return TRANSIENT_STATUSES.has(error.status) || error.status >= 500;
  return true; // fetch failed: connection refused or reset, DNS, timeout
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with full jitter in the upper half: 250 ms, 500 ms, 1 s, ... capped at `maxDelayMs`. */
export function backoffDelay(attempt: number, initialDelayMs = 250, maxDelayMs = 10_000): number {
  const base = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(base / 2 + (Math.random() * base) / 2);
}

/**
 * Runs one openapi-fetch call and returns its data, retrying network failures and transient statuses
 * (408, 425, 429, 5xx) with exponential backoff capped at `maxDelayMs`. Any other error status is thrown
 * at once as an {@link ApiError}; so is the last error once the deadline passes or `giveUp` says so.
 * Each attempt gets its own `AbortSignal` with `attemptTimeoutMs`.
 *
 * @example
 * ```ts
 * const client = createPipeloomClient({ baseUrl: 'http://localhost:8080' });
 * const pong = await withRetry((signal) => client.GET('/torc-service/ping', { signal }), { deadlineMs: 60_000 });
 * console.log(pong.message);
 * ```
 */
export async function withRetry<T>(call: (signal: AbortSignal) => Promise<Result<T>>, policy: RetryPolicy = {}): Promise<T> {
  const started = Date.now();
  let serverErrors = 0;
  for (let attempt = 0; ; attempt++) {
    let error: unknown;
    try {
      const { data, error: body, response } = await call(AbortSignal.timeout(policy.attemptTimeoutMs ?? 120_000));
      if (response.ok) return data as T;
      error = toApiError(response, body);
    } catch (e) {
      error = e;
    }
    if (error instanceof ApiError && error.status >= 500 && !TRANSIENT_STATUSES.has(error.status)) serverErrors++;
    const delay = backoffDelay(attempt, policy.initialDelayMs, policy.maxDelayMs);
    const pastDeadline = policy.deadlineMs !== undefined && Date.now() + delay - started > policy.deadlineMs;
    if (!isTransient(error) || serverErrors >= MAX_SERVER_ERROR_ATTEMPTS || pastDeadline || policy.giveUp?.()) throw error;
    policy.onRetry?.(error, attempt + 1, delay);
    await sleep(delay);
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
