// The token buckets behind the sign-in limits, on a manual clock: a key gets `limit` attempts, earns them
// back steadily over the window, and keys are independent; many one-off keys do not grow memory forever.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { signInLimiter, TokenBuckets } from '../../packages/server/src/http/sign-in-limits.ts';

describe('sign-in token buckets', () => {
  it('When a key has used its attempts, then it must wait one window share per attempt, and other keys are untouched', () => {
    const clock = new ManualClock(0);
    const buckets = new TokenBuckets(3, 60_000, clock);
    for (let i = 0; i < 3; i++) {
      expect(buckets.retryAfterSeconds('a')).toBe(0);
      buckets.take('a');
    }
    expect(buckets.retryAfterSeconds('a')).toBe(20);
    expect(buckets.retryAfterSeconds('b')).toBe(0);
    clock.advance(19_999);
    expect(buckets.retryAfterSeconds('a')).toBe(1);
    clock.advance(1);
    expect(buckets.retryAfterSeconds('a')).toBe(0);
  });

  it('When more keys than it tracks have failed, then the least recently failing are forgotten and a key that keeps failing stays limited', () => {
    const clock = new ManualClock(0);
    const buckets = new TokenBuckets(11, 60_000, clock);
    for (let i = 0; i <= 10_000; i++) {
      buckets.take(`one-off-${i}`);
      if (i % 1_000 === 0) buckets.take('guesser');
    }
    expect(buckets.retryAfterSeconds('guesser')).toBe(6);
  });

  it('When the limiter is past a limit, then it throws RATE_LIMITED carrying the seconds to wait', () => {
    const clock = new ManualClock(0);
    const limiter = signInLimiter({ enabled: true, failuresPerIp: 5, failuresPerUser: 1, tokenRequestsPerIp: 1, windowSeconds: 60 }, clock);
    limiter.failedSignIn('10.0.0.1', 'alice');
    expect(() => limiter.checkSignIn('10.0.0.2', 'alice')).toThrow(expect.objectContaining({ code: 'RATE_LIMITED', status: 429, retryAfterSeconds: 60 }));
    expect(() => limiter.checkSignIn('10.0.0.1', 'bob')).not.toThrow();
    limiter.tokenRequest('10.0.0.3');
    expect(() => limiter.tokenRequest('10.0.0.3')).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
  });
});
