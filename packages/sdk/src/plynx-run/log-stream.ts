// Logs stored while a node runs, so its watcher can read stdout, stderr and the worker log before the end.
// Each tick stores the logs that grew since the last one, once (a failure waits for the next tick); the
// final logs are stored with retries when the run ends.
import fs from 'node:fs';
import type { Clock, TimerHandle } from '../worker/clock.js';
import type { PlynxRunIo } from './run-types.js';
import type { WorkerLog } from './worker-log.js';
import { logPath } from './workspace.js';

export interface LogStreamOptions {
  names: string[];
  workdir: string;
  io: PlynxRunIo;
  clock: Clock;
  intervalMs: number;
  onLogs: (logs: Record<string, string>) => void | Promise<void>;
  log: WorkerLog;
}

/** Stores grown logs every `intervalMs` until stopped. */
export class LogStream {
  private readonly sizes = new Map<string, number>();
  private readonly stored: Record<string, string> = {};
  private timer: TimerHandle | undefined;
  private tick: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: LogStreamOptions) {
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.tick = this.storeGrown().finally(() => this.schedule());
    }, this.options.intervalMs);
  }

  private async storeGrown(): Promise<void> {
    const { names, workdir, io, onLogs, log } = this.options;
    let changed = false;
    for (const name of names) {
      if (this.stopped) return;
      const file = logPath(workdir, name);
      const size = (await fs.promises.stat(file).catch(() => undefined))?.size ?? 0;
      if (size === 0 || size === this.sizes.get(name)) continue;
      try {
        this.stored[name] = await (io.uploadLog ? io.uploadLog(name, file) : io.upload(file));
        this.sizes.set(name, size);
        changed = true;
      } catch (error) {
        log.write(`could not store log \`${name}\` yet: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (changed && !this.stopped) await onLogs({ ...this.stored });
  }

  /** Stops ticking and waits for a tick in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.options.clock.clearTimeout(this.timer);
    await this.tick.catch(() => undefined);
  }
}
