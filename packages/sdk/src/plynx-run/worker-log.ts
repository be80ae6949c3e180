// The `worker` log of a node: the runner's own account of a run (downloads, the command, how it ended),
// which PLynx users read beside stdout and stderr.
import fs from 'node:fs';
import type { Clock } from '../worker/clock.js';

/** Appends timestamped lines to a log file; writing never fails a run. */
export class WorkerLog {
  constructor(readonly path: string, private readonly clock: Clock) {}

  write(message: string): void {
    try {
      fs.appendFileSync(this.path, `${new Date(this.clock.now()).toISOString()} ${message}\n`);
    } catch {
      // A log that cannot be written must not turn a good run into a failed one.
    }
  }
}
