// Shows --wait snapshots: a cli-progress bar (operations done / total) on a terminal, otherwise one
// timestamped line whenever the summary changes, so logs stay readable.
import cliProgress from 'cli-progress';
import { formatGraphSummary, type GraphSummary } from './summary.js';

export interface GraphProgressReporter {
  update(summary: GraphSummary): void;
  /** Finishes the bar (drawing the last state); safe to call more than once. */
  stop(): void;
}

/** A progress bar on `stream` (which should be a terminal). */
export function barReporter(stream: NodeJS.WritableStream): GraphProgressReporter {
  let bar: cliProgress.SingleBar | undefined;
  const payload = (s: GraphSummary) => ({ graph: s.id, status: s.status, failed: s.nodes.FAILED ?? 0, running: s.nodes.RUNNING ?? 0, queued: s.nodes.IN_QUEUE ?? 0 });
  return {
    update(summary) {
      if (!bar) {
        bar = new cliProgress.SingleBar({
          format: 'graph {graph} {status} |{bar}| {value}/{total} nodes done | running {running} | queued {queued} | failed {failed}',
          stream,
          hideCursor: true,
          clearOnComplete: false,
          // The command restores the terminal itself when interrupted.
          gracefulExit: false,
        }, cliProgress.Presets.shades_classic);
        bar.start(summary.total, summary.done, payload(summary));
      } else {
        if (bar.getTotal() !== summary.total) bar.setTotal(summary.total);
        bar.update(summary.done, payload(summary));
      }
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/** One `[HH:MM:SS] STATUS  k/n nodes done (...)` line per change, through `print`. */
export function lineReporter(print: (line: string) => void, now: () => Date): GraphProgressReporter {
  let last = '';
  return {
    update(summary) {
      const line = formatGraphSummary(summary);
      if (line === last) return;
      last = line;
      print(`[${now().toISOString().slice(11, 19)}] ${line}`);
    },
    stop() {},
  };
}
