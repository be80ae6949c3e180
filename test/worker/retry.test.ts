// The worker's one retry policy: only the network and 5xx answers are retried, a 503's Retry-After is
// obeyed, and programming errors and 4xx answers fail at once. Time is a ManualClock: nothing sleeps.
import { describe, expect, it } from 'vitest';
import { ApiError } from '@pipeloom/sdk';
import { ManualClock } from '../../packages/sdk/src/worker/clock.ts';
import { isTransient, retryAfterMs, withRetry } from '../../packages/sdk/src/worker/retry.ts';

type Answer = () => { data?: unknown; error?: unknown; response: Response };
const ok = (data: unknown): Answer => () => ({ data, response: new Response(null, { status: 200 }) });
const status = (s: number, headers: Record<string, string> = {}): Answer => () => ({ error: { errorMessage: `status ${s}` }, response: new Response(null, { status: s, headers }) });
const fail = (error: unknown): Answer => () => { throw error; };
const networkDown = () => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });

/** Calls `withRetry` on a scripted list of answers; `calls()` counts the attempts made so far. */
function scripted(answers: Answer[], clock = new ManualClock(), extra: Parameters<typeof withRetry>[1] = {}) {
  let calls = 0;
  const result = withRetry(async () => {
    const answer = answers[Math.min(calls++, answers.length - 1)]!;
    return answer();
  }, { initialDelayMs: 100, maxDelayMs: 1_000, clock, ...extra }).then((data) => ({ data }), (error: unknown) => ({ error }));
  return { result, clock, calls: () => calls };
}

describe('retry policy', () => {
  it('When our own code throws a TypeError, then the call fails at once instead of being retried', async () => {
    const { result, calls } = scripted([fail(new TypeError('body.map is not a function')), ok(1)]);
    const { error } = (await result) as { error: unknown };
    expect(error).toBeInstanceOf(TypeError);
    expect(calls()).toBe(1);
  });

  it('When the server answers 404 (or any 4xx), then the call fails at once with an ApiError', async () => {
    for (const s of [400, 404, 409, 429]) {
      const { result, calls } = scripted([status(s), ok(1)]);
      const { error } = (await result) as { error: ApiError };
      expect(error).toBeInstanceOf(ApiError);
      expect(error.status).toBe(s);
      expect(calls()).toBe(1);
    }
  });

  it('When the server answers 503 with Retry-After, then the next attempt waits exactly that long and succeeds', async () => {
    const { result, clock, calls } = scripted([status(503, { 'retry-after': '30' }), ok({ n: 1 })]);
    await clock.advance(29_999);
    expect(calls()).toBe(1);
    await clock.advance(1);
    expect(calls()).toBe(2);
    expect(await result).toEqual({ data: { n: 1 } });
  });

  it('When the connection is refused, reset or times out, then the call is retried with backoff until it succeeds', async () => {
    const timeout = new DOMException('the attempt timed out', 'TimeoutError');
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const { result, clock, calls } = scripted([fail(networkDown()), fail(reset), fail(timeout), status(502), ok('pong')]);
    await clock.advance(10_000);
    expect(await result).toEqual({ data: 'pong' });
    expect(calls()).toBe(5);
  });

  it('When an attempt hangs, then it is aborted after attemptTimeoutMs and tried again', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const result = withRetry((signal) => {
      calls++;
      if (calls > 1) return Promise.resolve({ data: 'late', response: new Response(null, { status: 200 }) });
      return new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    }, { clock, attemptTimeoutMs: 5_000, initialDelayMs: 100 });
    await clock.advance(4_999);
    expect(calls).toBe(1);
    await clock.advance(1_000);
    expect(await result).toBe('late');
    expect(calls).toBe(2);
  });

  it('When a plain 500 repeats, then it is retried only a few times; a 501 is never retried', async () => {
    const repeated = scripted([status(500)]);
    await repeated.clock.advance(60_000);
    expect(((await repeated.result) as { error: ApiError }).error.status).toBe(500);
    expect(repeated.calls()).toBe(4);
    const unimplemented = scripted([status(501)]);
    expect(((await unimplemented.result) as { error: ApiError }).error.status).toBe(501);
    expect(unimplemented.calls()).toBe(1);
  });

  it('When the deadline passes or the caller gives up, then the last error is thrown', async () => {
    const late = scripted([fail(networkDown())], new ManualClock(), { deadlineMs: 2_000 });
    await late.clock.advance(5_000);
    expect(((await late.result) as { error: Error }).error.message).toBe('fetch failed');
    expect(late.calls()).toBeGreaterThan(1);

    let given = 0;
    const quitter = scripted([fail(networkDown())], new ManualClock(), { giveUp: () => ++given >= 3 });
    await quitter.clock.advance(10_000);
    expect(((await quitter.result) as { error: Error }).error).toBeInstanceOf(TypeError);
    expect(quitter.calls()).toBe(2);
  });

  it('When Retry-After is a date or nonsense, then it is read as a wait or ignored', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(new Date(now + 5_000).toUTCString(), now)).toBe(5_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(isTransient(new RangeError('Invalid array length'))).toBe(false);
    expect(isTransient(new ApiError(503, 'DATABASE_BUSY', 'busy', {}))).toBe(true);
  });
});
