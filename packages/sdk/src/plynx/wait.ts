// Polling a graph until it succeeds, as `Graph.wait()` of PLynx's python client.
import { GraphFailed } from './errors.js';
import type { PlynxGraph } from './types.js';

/** One poll of a running graph. */
export interface GraphProgress {
  status: string;
  /** Share of non-file nodes that succeeded, 0 to 1 (1 when there are none). */
  progress: number;
  /** Node running statuses and how many nodes have each, in order of first appearance. */
  counts: Array<[string, number]>;
  /** The line PLynx's client logs: status, percentage, then `STATUS: n` per running status, tab separated. */
  line: string;
  graph: PlynxGraph;
}

export interface WaitOptions {
  /** Called after every poll. */
  onProgress?: (progress: GraphProgress) => void;
  /** Stops waiting (the promise rejects with the signal's reason); the graph keeps running. */
  signal?: AbortSignal;
  /** Time between polls, 1000 ms if left out (as upstream). */
  intervalMs?: number;
  /** How to wait between polls; a test passes a fake. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Counts a graph's node running statuses into a {@link GraphProgress}.
 * @example
 * ```ts
 * graphProgress(graph).line; // 'RUNNING\t50%\tSTATIC: 1\tSUCCESS: 1\tRUNNING: 1'
 * ```
 */
export function graphProgress(graph: PlynxGraph): GraphProgress {
  const counts = new Map<string, number>();
  for (const node of graph.nodes ?? []) {
    const status = node.node_running_status ?? 'CREATED';
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0) - (counts.get('STATIC') ?? 0);
  const progress = total > 0 ? (counts.get('SUCCESS') ?? 0) / total : 1;
  const status = graph.graph_running_status ?? 'CREATED';
  const line = [status, `${(progress * 100).toFixed(0)}%`, ...[...counts].map(([k, n]) => `${k}: ${n}`)].join('\t');
  return { status, progress, counts: [...counts], line, graph };
}

/**
 * A sleep that ends early, rejecting with the signal's reason, when `signal` aborts.
 * @example
 * ```ts
 * await abortableSleep(1000, AbortSignal.timeout(500)); // rejects after 500 ms
 * ```
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const STILL_GOING = new Set(['READY', 'RUNNING', 'SUCCESS']);

/**
 * Polls with `fetchGraph` until the graph is SUCCESS (answers the last graph). Any status but READY, RUNNING or
 * SUCCESS throws {@link GraphFailed}; `log` gets a progress line whenever it changes.
 * @example
 * ```ts
 * const done = await pollGraph(() => client.graphs.get(id).then((r) => r.data), { intervalMs: 2000 });
 * ```
 */
export async function pollGraph(fetchGraph: () => Promise<PlynxGraph>, options: WaitOptions = {}, log?: (line: string) => void): Promise<PlynxGraph> {
  const sleep = options.sleep ?? abortableSleep;
  let previous: string | undefined;
  for (;;) {
    options.signal?.throwIfAborted();
    const progress = graphProgress(await fetchGraph());
    options.signal?.throwIfAborted();
    if (progress.line !== previous) log?.(progress.line);
    previous = progress.line;
    options.onProgress?.(progress);
    const status = progress.status.toUpperCase();
    if (!STILL_GOING.has(status)) throw new GraphFailed(progress.status);
    if (status === 'SUCCESS') {
      log?.(`Graph finished with status \`${progress.status}\``);
      return progress.graph;
    }
    await sleep(options.intervalMs ?? 1000, options.signal);
  }
}
