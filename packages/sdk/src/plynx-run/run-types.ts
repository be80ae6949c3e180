// The contract of runPlynxNode: how it reaches resources, what it can be told, and what it answers.
import type { Clock } from '../worker/clock.js';
import type { ArchiveLimits } from './zip-archive.js';

/** How the runner reads and stores resources (a Pipeloom server, a test's in-memory map, ...). */
export interface PlynxRunIo {
  /** Writes the bytes of resource `resourceId` to the file `toPath`. */
  download(resourceId: string, toPath: string): Promise<void>;
  /** Stores the file `fromPath` as a new resource and answers its id. */
  upload(fromPath: string): Promise<string>;
  /** Stores the log `name` (`stdout`, `stderr`, `worker`, ...); {@link upload} when absent. */
  uploadLog?(name: string, fromPath: string): Promise<string>;
}

export interface RunPlynxNodeOptions {
  /** Stops the run: the script's process group is killed and the result is CANCELED. */
  signal?: AbortSignal;
  /** Time limit in ms, instead of the node's `_timeout` parameter (minutes). */
  timeoutMs?: number;
  /** Where time is measured and timers run (default: the real clock). */
  clock?: Clock;
  /** Waits between upload attempts (default: a timer on `clock`). */
  sleep?: (ms: number) => Promise<void>;
  /** Attempts per upload (default 4) and the first backoff in ms (default 250, doubling each time). */
  uploadAttempts?: number;
  uploadBackoffMs?: number;
  /** Parent of the work directories (default: the system's temporary directory). */
  workRoot?: string;
  /** Keep the work directory afterwards (for debugging); it is removed by default. */
  keepWorkdir?: boolean;
  /** The script's environment (default: the runner's). */
  env?: NodeJS.ProcessEnv;
  /** The Python interpreter for python nodes (default `python3`). */
  python?: string;
  /** Limits for unpacking `directory` inputs. */
  archiveLimits?: ArchiveLimits;
  /** Prefix of the cloud paths given to cloud-storage outputs (default `gs://sample`). */
  cloudPrefix?: string;
  /**
   * While the script runs, store the logs that grew this often (ms) and tell {@link onLogs} the latest
   * resource id of each; off by default. The final logs are stored at the end either way.
   */
  logIntervalMs?: number;
  onLogs?: (logs: Record<string, string>) => void | Promise<void>;
  /** Told the process id once the script has started (its process group has the same id). */
  onStart?: (pid: number) => void;
}

/** How a run ended. */
export type PlynxRunStatus = 'SUCCESS' | 'FAILED' | 'CANCELED';

/**
 * What went wrong, for a FAILED run: an input could not be prepared, the script could not be rendered,
 * it exited non-zero, ran out of time, left an output unwritten, an output could not be stored, or the
 * runner itself failed (a full disk ...).
 */
export type PlynxRunFailure = 'input' | 'script' | 'exit-code' | 'timeout' | 'output' | 'upload' | 'internal';

export interface PlynxRunResult {
  status: PlynxRunStatus;
  /** Output name → resource id; every output of the node on SUCCESS, empty otherwise. */
  outputs: Record<string, string>;
  /** Log name → resource id, for each log of the node that was written to and stored. */
  logs: Record<string, string>;
  /** Why the run did not succeed, in words. */
  reason?: string;
  failure?: PlynxRunFailure;
}
