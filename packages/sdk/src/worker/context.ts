/**
 * What the worker's modules share: the API facade, the clock, the log, where output goes, and the few
 * facts that change while the worker runs (the run it serves, whether it must stop).
 * @module
 */
import path from 'node:path';
import type { Clock, TimerHandle } from './clock.js';
import type { TorcWorkerApi, WorkflowConfig } from './torc-api.js';
import type { WorkerLog } from './types.js';

/** Why the worker is stopping before the workflow is complete. */
export type StopCause = 'canceled' | 'signal' | 'time-limit';

/** The compute node this worker registered. */
export interface NodeIdentity {
  key: string;
  id: string;
}

export class WorkerContext {
  config: WorkflowConfig = {};
  /** The run this worker serves; it follows a restart once no job of the old run is left. */
  runId = 0;
  node: NodeIdentity = { key: '', id: '' };
  /** Longest wait between SIGTERM and SIGKILL for a job that supports termination. */
  graceMs = 0;
  /** Set once: why the worker stops early. */
  stopCause?: StopCause;
  /** An error that ends the worker (thrown from the main loop). */
  fatal?: unknown;
  private readonly waker: Waker;

  constructor(
    readonly api: TorcWorkerApi,
    readonly clock: Clock,
    readonly log: WorkerLog,
    readonly workflowKey: string,
    readonly cwd: string,
    readonly stdioDir: string,
    readonly serverUrl?: string,
    /** Shared with other contexts when one loop serves several workflows (a queue worker). */
    waker?: Waker,
  ) {
    this.waker = waker ?? new Waker(clock);
  }

  get stopping(): boolean {
    return this.stopCause !== undefined || this.fatal !== undefined;
  }

  /** Asks the worker to stop. The first cause wins, except that a cancel overrides any other. */
  requestStop(cause: StopCause, message?: string): void {
    const changes = this.stopCause === undefined || (cause === 'canceled' && this.stopCause !== 'canceled');
    if (changes) {
      if (message) this.log('info', message);
      this.stopCause = cause;
    }
    this.wake();
  }

  fail(error: unknown): void {
    this.fatal ??= error;
    this.wake();
  }

  /** Where a job's or script's output goes: `<stdioDir>/<name>.o` and `.e`. */
  stdio(name: string): { stdoutPath: string; stderrPath: string } {
    return { stdoutPath: path.join(this.stdioDir, `${name}.o`), stderrPath: path.join(this.stdioDir, `${name}.e`) };
  }

  /** Wakes the main loop: a job ended, a completion was accepted, the worker was told to stop. */
  wake(): void {
    this.waker.wake();
  }

  /** Waits until {@link wake} or `ms`, whichever is first. */
  waitForWake(ms: number): Promise<void> {
    return this.waker.wait(ms);
  }
}

/** A wake-up that is not lost when it comes before the wait. */
export class Waker {
  private pending = false;
  private resolve?: () => void;
  private timer?: TimerHandle;

  constructor(private readonly clock: Clock) {}

  wake(): void {
    this.pending = true;
    this.resolve?.();
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.resolve = () => {
        this.clock.clearTimeout(this.timer);
        this.resolve = undefined;
        this.pending = false;
        resolve();
      };
      this.timer = this.clock.setTimeout(this.resolve, ms);
    });
  }
}
