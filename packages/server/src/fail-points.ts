import { ConfigError } from './env.ts';

// Named places inside multi-step writes where a crash test stops the server on purpose. Killing a process
// "somewhere in the middle" by timing is flaky; with PIPELOOM_FAIL_POINT naming one of these, the server
// writes one line to stderr when it reaches it and then waits there, inside the open transaction, until it
// is killed. Unset (the default) every fail point is a no-op. Never set it on a server that serves anyone.

/** Every fail point, each placed after some writes of one request and before its transaction commits. */
export const FAIL_POINTS = [
  /** add_workflow_specification: the workflow and all its jobs are inserted, the edges are not. */
  'torc.specification.jobs-inserted',
  /** add_jobs (bulk_jobs): the jobs are inserted, their edges are not. */
  'torc.bulk-jobs.jobs-inserted',
  /** POST /graphs with SAVE: the graph document is written, not committed. */
  'plynx.graph-save.written',
  /** POST /api/job: the archive is in the content store and the engine run is started; the job row is not written. */
  'dioptra.job-submission.run-started',
] as const;

export type FailPoint = (typeof FAIL_POINTS)[number];

/** The line written to stderr when a fail point is reached; crash tests wait for it. */
export const failPointReached = (name: FailPoint): string => `pipeloom: fail point ${name} reached`;

/** The fail points named by `env.PIPELOOM_FAIL_POINT` (comma-separated); unknown names are refused. */
export function armedFailPoints(env: NodeJS.ProcessEnv = process.env): Set<FailPoint> {
  const names = (env.PIPELOOM_FAIL_POINT ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(FAIL_POINTS as readonly string[]).includes(n));
  if (unknown.length) throw new ConfigError(`PIPELOOM_FAIL_POINT names unknown fail points: ${unknown.join(', ')}; known: ${FAIL_POINTS.join(', ')}`);
  return new Set(names as FailPoint[]);
}

let armed: Set<FailPoint> | undefined;

/**
 * Stops here forever when `name` is armed (after saying so on stderr); otherwise returns at once. Read once:
 * the variable is set before the server starts and never changes while it runs.
 */
export async function failPoint(name: FailPoint): Promise<void> {
  armed ??= armedFailPoints();
  if (!armed.has(name)) return;
  process.stderr.write(`${failPointReached(name)}\n`);
  await new Promise<never>(() => {});
}
