// Follows a graph until it has finished, polling GET /graphs/{id}; time passes only through the injected
// sleep, so tests never wait for real.
import type { PipeloomClient } from '../../client.js';
import { fetchGraph } from './requests.js';
import { isFinal, summarizeGraph, type GraphSummary } from './summary.js';

export interface WaitOptions {
  /** Milliseconds between two reads. */
  intervalMs: number;
  /** Waits `ms` milliseconds; must resolve early (or at once) when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Stops the wait after the current read; the last snapshot is answered. */
  signal?: AbortSignal;
  /** Told about every snapshot read, the final one included. */
  onSnapshot?: (summary: GraphSummary) => void;
}

/**
 * Reads the graph every `intervalMs` until it is SUCCESS, FAILED or CANCELED (or `signal` aborts) and
 * answers the last snapshot. Server errors propagate as GraphCommandError.
 */
export async function waitForGraph(client: PipeloomClient, url: string, graphId: string, options: WaitOptions): Promise<GraphSummary> {
  for (;;) {
    const summary = summarizeGraph(await fetchGraph(client, url, graphId));
    options.onSnapshot?.(summary);
    if (isFinal(summary.status) || options.signal?.aborted) return summary;
    await options.sleep(options.intervalMs, options.signal);
  }
}

/** A sleep on the real clock that ends early when `signal` aborts. */
export function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
