// SQLite in WAL mode copies the log back into the database file (a checkpoint) every 1,000 pages by
// default, inside whichever commit crosses the line, with two fsyncs. On the server's one event loop that
// made about one commit in fifty take 10-35 ms while every request waited behind it. A worker thread with
// its own connection checkpoints instead, a little at a time; the server's connection keeps a much higher
// threshold only as a safety net for when the worker cannot keep up or has gone.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Pages the server's own connection lets the log grow to before it checkpoints itself. */
export const SAFETY_NET_PAGES = 10_000;
/** How often the worker checkpoints what the log holds (a no-op when nothing was written). */
export const CHECKPOINT_INTERVAL_MS = 100;

// The worker is plain CommonJS evaluated from a string, so it runs the same in a checkout and in a build.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 0 });
// The same durability as the server's connection: the log is synced before pages are copied, the file after.
db.pragma('synchronous = NORMAL');
const checkpoint = () => {
  // PASSIVE never waits for readers or writers; SQLITE_BUSY only means "next time".
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
parentPort.postMessage('ready');
`;

/** better-sqlite3 as the server's own import resolves it, module hooks included (bench:node24 uses another build). */
function resolveDriver(): string {
  try {
    return fileURLToPath(import.meta.resolve('better-sqlite3'));
  } catch {
    // Loaders without import.meta.resolve (a test runner's) fall back to Node's own resolution.
    return createRequire(import.meta.url).resolve('better-sqlite3');
  }
}

export interface Checkpointer {
  /** Checkpoints once more, closes the worker's connection and waits for the thread to end. */
  stop(): Promise<void>;
}

/**
 * Starts checkpointing `file` from a worker thread. `onReady` runs once the worker has its connection: that
 * is when the caller may raise its own connection's threshold to SAFETY_NET_PAGES.
 */
export function startCheckpointer(file: string, onReady: () => void): Checkpointer {
  const driver = resolveDriver();
  // No inherited flags: a parent started with --input-type=module would make the CommonJS source an ES module.
  const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { file, driver, intervalMs: CHECKPOINT_INTERVAL_MS } });
  // The thread never keeps the process alive; a server that exits simply leaves the log to the next start.
  worker.unref();
  let alive = true;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => {
    alive = false;
    resolve();
  }));
  worker.once('message', onReady);
  // Without a worker the server's own connection still checkpoints (at the safety net, or the default).
  worker.on('error', () => {});
  return {
    stop() {
      if (alive) {
        // Whoever awaits the stop needs the process to live until the thread has closed its connection.
        worker.ref();
        worker.postMessage('stop');
      }
      return exited;
    },
  };
}
