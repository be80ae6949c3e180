/**
 * Time as the worker sees it. Everything that waits or measures goes through a {@link Clock}, so tests
 * can drive time by hand instead of sleeping.
 * @module
 */

/** A timer started by {@link Clock.setTimeout}; pass it to {@link Clock.clearTimeout}. */
export type TimerHandle = object;

/** The worker's source of time. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `callback` once after `ms`. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

/** The real clock: `Date.now()` and Node's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  // Only handles this clock made reach it.
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
};

/** Resolves after `ms` on `clock`. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

/**
 * A clock that only moves when told to, for tests: {@link ManualClock.advance} fires every timer that
 * falls due, in order, letting promise callbacks run between them.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const done = sleep(clock, 5_000);
 * await clock.advance(5_000); // done resolves without any real waiting
 * ```
 */
export class ManualClock implements Clock {
  private time: number;
  private order = 0;
  private readonly timers = new Map<TimerHandle, { at: number; order: number; callback: () => void }>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const handle = {};
    this.timers.set(handle, { at: this.time + Math.max(0, ms), order: this.order++, callback });
    return handle;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle !== undefined) this.timers.delete(handle);
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing due timers one by one. */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      await flushMicrotasks();
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at || a[1].order - b[1].order)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].callback();
    }
    this.time = until;
    await flushMicrotasks();
  }
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
