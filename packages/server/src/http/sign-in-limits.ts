// Limits on guessing credentials: failed HTTP Basic sign-ins (each one a password check) per client address
// and per user name, and requests for session tokens per client address. Each limit is a token bucket that
// refills steadily over its window, so a client that stops trying gets its attempts back gradually rather
// than all at once at a window's edge. Time comes from the injected clock, so tests move it instead of
// waiting. A small bucket class is used rather than a library because the ones that fit (express-rate-limit,
// rate-limiter-flexible's memory store) read Date.now() themselves.
//
// The counters live in this process's memory: every replica behind a proxy keeps its own, so a client
// spread over N replicas gets up to N times the limit. That still turns an online guessing attack from
// unbounded into a slow trickle; a shared store would be needed for an exact cluster-wide limit.
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';

export interface SignInLimitConfig {
  /** False turns every limit off (PIPELOOM_SIGNIN_LIMITS=false). */
  enabled: boolean;
  /** Failed sign-ins one client address may make per window (PIPELOOM_SIGNIN_FAILURES_PER_IP, 30). */
  failuresPerIp: number;
  /** Failed sign-ins for one user name per window, from anywhere (PIPELOOM_SIGNIN_FAILURES_PER_USER, 10). */
  failuresPerUser: number;
  /** Session-token requests one client address may make per window (PIPELOOM_TOKEN_REQUESTS_PER_IP, 120). */
  tokenRequestsPerIp: number;
  /** The window, in seconds, over which each limit refills completely (PIPELOOM_SIGNIN_WINDOW_SECONDS, 300). */
  windowSeconds: number;
}

export const DEFAULT_SIGNIN_LIMITS: SignInLimitConfig = { enabled: true, failuresPerIp: 30, failuresPerUser: 10, tokenRequestsPerIp: 120, windowSeconds: 300 };

// Guessed user names are unbounded; past this many tracked keys, the buckets that have refilled are dropped
// (they hold nothing), then the least recently used, down to 90% so that pruning runs rarely.
const MAX_KEYS = 10_000;
const PRUNED_KEYS = 9_000;

/** Token buckets by key: `limit` attempts, refilled at `limit` per `windowMs`. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly limit: number, private readonly windowMs: number, private readonly clock: Clock) {}

  /** Seconds until `key` has an attempt left; 0 when it has one now. */
  retryAfterSeconds(key: string): number {
    const tokens = this.tokens(key);
    return tokens >= 1 ? 0 : Math.max(1, Math.ceil(((1 - tokens) * this.windowMs) / this.limit / 1000));
  }

  /** Uses one of `key`'s attempts. */
  take(key: string): void {
    const tokens = Math.max(0, this.tokens(key) - 1);
    this.buckets.delete(key);
    this.buckets.set(key, { tokens, at: this.clock.now() });
    if (this.buckets.size > MAX_KEYS) this.prune();
  }

  private tokens(key: string): number {
    const b = this.buckets.get(key);
    if (!b) return this.limit;
    return Math.min(this.limit, b.tokens + ((this.clock.now() - b.at) * this.limit) / this.windowMs);
  }

  private prune(): void {
    for (const key of this.buckets.keys()) if (this.tokens(key) >= this.limit) this.buckets.delete(key);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= PRUNED_KEYS) break;
      this.buckets.delete(key);
    }
  }
}

export interface SignInLimiter {
  /** Throws 429 RATE_LIMITED when `ip` or `username` has no failed sign-in left; called before a password is checked. */
  checkSignIn(ip: string, username: string): void;
  /** Counts a failed sign-in against both. */
  failedSignIn(ip: string, username: string): void;
  /** Counts a session-token request from `ip`; throws 429 RATE_LIMITED once its limit is used up. */
  tokenRequest(ip: string): void;
}

const rateLimited = (seconds: number) =>
  new AppError('RATE_LIMITED', `Too many sign-in attempts; retry in ${seconds} s`, { retryAfterSeconds: seconds });

/** The server's sign-in limits on `clock`'s time; a limiter that allows everything when disabled. */
export function signInLimiter(config: SignInLimitConfig, clock: Clock): SignInLimiter {
  if (!config.enabled) return { checkSignIn() {}, failedSignIn() {}, tokenRequest() {} };
  const windowMs = config.windowSeconds * 1000;
  const byIp = new TokenBuckets(config.failuresPerIp, windowMs, clock);
  const byUser = new TokenBuckets(config.failuresPerUser, windowMs, clock);
  const tokensByIp = new TokenBuckets(config.tokenRequestsPerIp, windowMs, clock);
  return {
    checkSignIn(ip, username) {
      const seconds = Math.max(byIp.retryAfterSeconds(ip), byUser.retryAfterSeconds(username));
      if (seconds > 0) throw rateLimited(seconds);
    },
    failedSignIn(ip, username) {
      byIp.take(ip);
      byUser.take(username);
    },
    tokenRequest(ip) {
      const seconds = tokensByIp.retryAfterSeconds(ip);
      if (seconds > 0) throw rateLimited(seconds);
      tokensByIp.take(ip);
    },
  };
}
