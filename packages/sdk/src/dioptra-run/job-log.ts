// A Dioptra job's log: what its entry point writes to stdout and stderr, in the order it arrives, with
// the worker's own `[pipeloom] ...` lines among it. It lives in a file (training logs grow long) and is
// handed to the server whole, as `PUT /api/job/{jobId}/log` replaces what was stored.
import fs from 'node:fs';
import type { Clock } from '../worker/clock.js';
import { PeriodicTask } from '../worker/periodic-task.js';

/** The prefix of every line the worker itself writes into a job's log. */
export const WORKER_LINE_PREFIX = '[pipeloom]';

/**
 * The combined log of one job, appended synchronously so arrival order is kept.
 * @example
 * ```ts
 * const log = new JobLog('/tmp/job/job.log');
 * log.line('the entry point timed out after 60 s'); // "[pipeloom] the entry point timed out after 60 s\n"
 * const whole = await log.read();
 * log.close();
 * ```
 */
export class JobLog {
  private readonly fd: number;
  private bytes = 0;

  constructor(readonly path: string) {
    this.fd = fs.openSync(path, 'a');
  }

  /** Output of the entry point, as it came. */
  append(chunk: Buffer | string): void {
    const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    fs.writeSync(this.fd, data);
    this.bytes += data.length;
  }

  /** A line of the worker's: `[pipeloom] <text>`, on a line of its own. */
  line(text: string): void {
    this.append(`${WORKER_LINE_PREFIX} ${text}\n`);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.bytes;
  }

  /** The whole log so far. */
  read(): Promise<Buffer> {
    return fs.promises.readFile(this.path);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

export interface LogTickerOptions {
  log: JobLog;
  clock: Clock;
  intervalMs: number;
  /** Hands the whole log in. */
  upload: (log: Buffer) => Promise<void>;
  /** Told about every failed upload; it never ends the job. */
  onError: (error: unknown, failures: number) => void;
}

/** Hands the log in every `intervalMs` when it grew, one upload at a time, until stopped. */
export class LogTicker {
  private uploadedSize = 0;
  private readonly task: PeriodicTask;

  constructor(private readonly options: LogTickerOptions) {
    this.task = new PeriodicTask({ clock: options.clock, intervalMs: options.intervalMs, onError: options.onError, run: () => this.upload() });
  }

  private async upload(): Promise<void> {
    const size = this.options.log.size;
    if (size === this.uploadedSize) return;
    await this.options.upload(await this.options.log.read());
    this.uploadedSize = size;
  }

  /** Stops ticking and waits for an upload in progress. */
  stop(): Promise<void> {
    return this.task.stop();
  }
}
