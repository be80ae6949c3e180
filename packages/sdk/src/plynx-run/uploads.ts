// Storing outputs and logs. A store that fails now and then must not cost a finished node its outputs,
// so every upload is retried with exponential backoff before the run is declared FAILED.
import type { WorkerLog } from './worker-log.js';

export interface RetryOptions {
  attempts: number;
  backoffMs: number;
  sleep: (ms: number) => Promise<void>;
  log: WorkerLog;
}

/** Thrown when an upload failed on every attempt. */
export class UploadError extends Error {
  override readonly name = 'UploadError';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs `upload` until it succeeds, at most `attempts` times; the last failure becomes an {@link UploadError}. */
export async function uploadWithRetry(what: string, upload: () => Promise<string>, options: RetryOptions): Promise<string> {
  const attempts = Math.max(1, options.attempts);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await upload();
    } catch (error) {
      if (attempt >= attempts) throw new UploadError(`could not upload ${what} after ${attempts} attempts: ${message(error)}`);
      const delay = options.backoffMs * 2 ** (attempt - 1);
      options.log.write(`upload of ${what} failed (attempt ${attempt} of ${attempts}): ${message(error)}; retrying in ${delay} ms`);
      await options.sleep(delay);
    }
  }
}
