// The running node's line to the server: every tick hands in the latest logs and learns whether the graph
// was canceled. It ticks whether or not the logs grew, because a silent script (`sleep 600`) must still
// notice a cancel within a tick. One call at a time; a failed call is logged and the next tick tries again.
import type { Clock, TimerHandle } from '../worker/clock.js';

export interface ProgressTickerOptions {
  clock: Clock;
  intervalMs: number;
  /** Hands in `logs`; answers true when the node must stop. */
  report: (logs: Record<string, string>) => Promise<boolean>;
  /** Told once, the first time `report` answers true. */
  onCanceled: () => void;
  /** Told about every failed call; it never ends the run. */
  onError: (error: unknown, failures: number) => void;
}

export class ProgressTicker {
  private logs: Record<string, string> = {};
  private timer?: TimerHandle;
  private tick: Promise<void> = Promise.resolve();
  private stopped = false;
  private canceled = false;
  private failures = 0;

  constructor(private readonly options: ProgressTickerOptions) {
    this.schedule();
  }

  /** The latest resource of each log, sent with the next tick. */
  update(logs: Record<string, string>): void {
    this.logs = { ...this.logs, ...logs };
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.tick = this.report().finally(() => this.schedule());
    }, this.options.intervalMs);
  }

  private async report(): Promise<void> {
    try {
      const stop = await this.options.report({ ...this.logs });
      this.failures = 0;
      if (stop && !this.canceled && !this.stopped) {
        this.canceled = true;
        this.options.onCanceled();
      }
    } catch (error) {
      this.failures += 1;
      this.options.onError(error, this.failures);
    }
  }

  /** Stops ticking and waits for a call in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.options.clock.clearTimeout(this.timer);
    await this.tick;
  }
}
