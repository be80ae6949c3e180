// A task a running job repeats while it runs (handing in logs, asking whether it was canceled): one run at
// a time, the next scheduled only when one has ended, so a slow server never sees calls pile up. A failed
// run is reported and the ticking goes on: these calls keep users informed, they never end the job.
import type { Clock, TimerHandle } from './clock.js';

export interface PeriodicTaskOptions {
  clock: Clock;
  intervalMs: number;
  /** One run of the task; a rejection counts as a failure. */
  run: () => Promise<void>;
  /** Told about every failed run, with how many failed in a row. */
  onError: (error: unknown, failures: number) => void;
}

/** Runs `options.run` every `intervalMs` on `options.clock` until {@link PeriodicTask.stop}. */
export class PeriodicTask {
  private timer?: TimerHandle;
  private current: Promise<void> = Promise.resolve();
  private stopped = false;
  private failures = 0;

  constructor(private readonly options: PeriodicTaskOptions) {
    this.schedule();
  }

  /** True once stopped. */
  get isStopped(): boolean {
    return this.stopped;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.current = this.runOnce().finally(() => this.schedule());
    }, this.options.intervalMs);
  }

  private async runOnce(): Promise<void> {
    try {
      await this.options.run();
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      this.options.onError(error, this.failures);
    }
  }

  /** Stops ticking and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.options.clock.clearTimeout(this.timer);
    await this.current;
  }
}
