// The running node's line to the server: every tick hands in the latest logs and learns whether the graph
// was canceled. It ticks whether or not the logs grew, because a silent script (`sleep 600`) must still
// notice a cancel within a tick. One call at a time; a failed call is logged and the next tick tries again.
import type { Clock } from '../worker/clock.js';
import { PeriodicTask } from '../worker/periodic-task.js';

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
  private canceled = false;
  private readonly task: PeriodicTask;

  constructor(private readonly options: ProgressTickerOptions) {
    this.task = new PeriodicTask({ clock: options.clock, intervalMs: options.intervalMs, onError: options.onError, run: () => this.report() });
  }

  /** The latest resource of each log, sent with the next tick. */
  update(logs: Record<string, string>): void {
    this.logs = { ...this.logs, ...logs };
  }

  private async report(): Promise<void> {
    const stop = await this.options.report({ ...this.logs });
    if (stop && !this.canceled && !this.task.isStopped) {
      this.canceled = true;
      this.options.onCanceled();
    }
  }

  /** Stops ticking and waits for a call in progress. */
  stop(): Promise<void> {
    return this.task.stop();
  }
}
