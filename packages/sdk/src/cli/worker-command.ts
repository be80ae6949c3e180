/**
 * `pipeloom worker <workflow-key>`: runs a workflow's jobs on this machine (see ../worker/worker.ts);
 * `pipeloom worker --queue <name>`: runs the jobs of every started workflow on named queues (see
 * ../worker/queue-worker.ts).
 * @module
 */
import os from 'node:os';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { createPipeloomClient } from '../client.js';
import { dioptraJobKind } from '../dioptra-run/dioptra-job-kind.js';
import { plynxNodeJobKind } from '../plynx-run/plynx-job-kind.js';
import { detectResources, parseDurationSeconds } from '../worker/resources.js';
import { runQueueWorker } from '../worker/queue-worker.js';
import { runWorker, type WorkerLogLevel } from '../worker/worker.js';

function integer(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return n;
  };
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0');
  return n;
}

/** Seconds >= 0; `Infinity` (or `inf`) for no bound. */
function seconds(value: string): number {
  const n = /^inf(inity)?$/i.test(value) ? Infinity : Number(value);
  if (Number.isNaN(n) || n < 0 || value.trim() === '') throw new InvalidArgumentError('expected a number of seconds >= 0, or Infinity');
  return n;
}

// A queue's name, as the contract allows it.
const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** `--queue a --queue b,c` collects a, b and c (each once). */
function queueList(value: string, previous: string[] = []): string[] {
  const names = value.split(',').map((q) => q.trim()).filter(Boolean);
  if (!names.length) throw new InvalidArgumentError('expected a queue name');
  for (const q of names) if (!QUEUE_NAME.test(q)) throw new InvalidArgumentError(`"${q}" is not a queue name (letters, digits, _ . -, at most 64)`);
  return [...new Set([...previous, ...names])];
}

function duration(value: string): string {
  try {
    parseDurationSeconds(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
  return value;
}

interface WorkerCliOptions {
  url: string;
  token?: string;
  cpus: number;
  memory: number;
  gpus: number;
  timeLimit?: string;
  maxParallelJobs?: number;
  outputDir: string;
  pollInterval?: number;
  queue?: string[];
  waitForNewJobs: number;
  verbose?: boolean;
}

/**
 * Adds `pipeloom worker <workflow-key>` to a commander program.
 *
 * @example
 * ```ts
 * import { Command } from 'commander';
 * import { registerWorkerCommand } from './worker-command.js';
 *
 * const program = new Command('pipeloom');
 * registerWorkerCommand(program);
 * await program.parseAsync(['node', 'pipeloom', 'worker', '17', '--url', 'http://localhost:8080']);
 * ```
 */
export function registerWorkerCommand(program: Command): void {
  const detected = detectResources();
  program
    .command('worker')
    .description(
      'Run a workflow\'s jobs on this machine until the workflow is complete. The workflow must have been started ' +
        '(run_id > 0). Any number of workers may serve one workflow. With --queue instead of a workflow key, serve ' +
        'every started workflow on the named queues until nothing is left to do on them (see --wait-for-new-jobs); ' +
        '`--queue plynx` runs the nodes of approved PLynx graphs; a Dioptra queue\'s name runs its submitted jobs. ' +
        'SIGTERM or SIGINT terminates the running jobs, reports them as terminated and leaves. The summary is ' +
        'printed to stdout as JSON; logs go to stderr.',
    )
    .argument('[workflow-key]', 'key of the workflow whose jobs to run (leave out with --queue)')
    .addOption(new Option('-q, --queue <name>', 'serve the started workflows of this queue; repeat it or give a comma list for several').argParser(queueList))
    .addOption(new Option('--wait-for-new-jobs <seconds>', 'with --queue: how long to stay once nothing is left to do on the queues (Infinity: never leave)').argParser(seconds).default(0))
    .addOption(new Option('-u, --url <server>', 'URL of the Pipeloom server, e.g. http://localhost:8080').env('PIPELOOM_URL').makeOptionMandatory())
    .addOption(new Option('-t, --token <token>', 'API token sent as a bearer token').env('PIPELOOM_TOKEN'))
    .addOption(new Option('--cpus <n>', 'CPUs this worker offers to jobs').argParser(integer(1)).default(detected.cpus, `${detected.cpus}, os.availableParallelism()`))
    .addOption(new Option('--memory <GiB>', 'memory this worker offers to jobs, in GiB').argParser(positiveNumber).default(detected.memoryGb, `${detected.memoryGb}, the total RAM`))
    .addOption(new Option('--gpus <n>', 'GPUs this worker offers to jobs').argParser(integer(0)).default(0))
    .addOption(new Option('--time-limit <duration>', 'how long the worker may run, as an ISO 8601 duration such as P0DT4H; jobs that would not finish in time are not started, and running jobs are terminated before it ends (default: no limit)').argParser(duration))
    .addOption(new Option('--max-parallel-jobs <n>', 'most jobs running at once (default: as many as the resources allow)').argParser(integer(1)))
    .addOption(new Option('-o, --output-dir <dir>', 'directory for job output: <dir>/job-stdio/<job_key>_<run_id>.o and .e').default('output', './output'))
    .addOption(new Option('--poll-interval <seconds>', 'how often an idle worker asks for new jobs (default: 10, or 1 with --queue); a worker asks at once when one of its jobs ends').argParser(positiveNumber))
    .option('-v, --verbose', 'log debug messages too')
    .action(async (workflowKey: string | undefined, opts: WorkerCliOptions, command: Command) => {
      if ((workflowKey === undefined) === (opts.queue === undefined)) command.error('error: give either a workflow key or --queue, not both or neither');
      const minLevel: WorkerLogLevel = opts.verbose ? 'debug' : 'info';
      const log = (level: WorkerLogLevel, message: string) => {
        if (level === 'debug' && minLevel !== 'debug') return;
        process.stderr.write(`${new Date().toISOString()} ${os.hostname()} ${level.padEnd(5)} ${message}\n`);
      };
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        if (stop.signal.aborted) {
          log('warn', `${signal} again: still terminating jobs; send SIGKILL to leave at once`);
          return;
        }
        log('info', `${signal} received`);
        stop.abort();
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      try {
        const client = createPipeloomClient({ baseUrl: opts.url, token: opts.token });
        const common = {
          client,
          // PLynx nodes (`plynx-node <graph> <node>`) and Dioptra jobs (`dioptra-job <jobId>`) run in-process;
          // every other job is a shell command.
          jobKinds: [plynxNodeJobKind({ client }), dioptraJobKind({ client })],
          serverUrl: opts.url,
          resources: { cpus: opts.cpus, memoryGb: opts.memory, gpus: opts.gpus },
          timeLimit: opts.timeLimit,
          maxParallelJobs: opts.maxParallelJobs,
          outputDir: opts.outputDir,
          pollIntervalMs: opts.pollInterval === undefined ? undefined : opts.pollInterval * 1000,
          signal: stop.signal,
          log,
        };
        const summary = opts.queue
          ? await runQueueWorker({ ...common, queues: opts.queue, waitForNewJobsSeconds: opts.waitForNewJobs })
          : await runWorker({ ...common, workflowKey: workflowKey ?? '' });
        process.stdout.write(`${JSON.stringify(summary)}\n`);
        process.exitCode = 0;
      } catch (e) {
        log('error', (e as Error).message ?? String(e));
        process.exitCode = 1;
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
      // Idle keep-alive connections would hold the process open for a few seconds more.
      process.stdout.write('', () => process.exit());
    });
}
