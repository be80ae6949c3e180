import { InvalidArgumentError, Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { createPipeloomClient, type PipeloomClient } from '../client.js';
import { ApiError } from '../errors.js';
import { WorkflowCommandError } from '../workflow/errors.js';
import { createWorkflowFromFile } from '../workflow/specification-file.js';
import { startWorkflow } from '../workflow/start.js';
import { restartWorkflow } from '../workflow/restart.js';
import { formatWorkflowProgress, getWorkflowProgress, watchWorkflowProgress, type WorkflowProgress } from '../workflow/status.js';
import { cancelWorkflow } from '../workflow/cancel.js';

/** Exit statuses of `pipeloom workflow ...`. */
export const EXIT = { OK: 0, FAILED: 1, ERROR: 2, NOT_COMPLETE: 3 } as const;

const EXIT_HELP = `
Exit status:
  0  success (for status: the workflow is complete and every job succeeded)
  1  status only: the workflow is complete or canceled, and some job failed, was canceled or terminated
  2  the command failed: bad arguments, server unreachable or refusing, workflow not found, start refused
  3  status only: the workflow is not complete yet (or --watch was interrupted or timed out)

Environment:
  PIPELOOM_URL    default for --url (otherwise http://localhost:8080)
  PIPELOOM_TOKEN  default for --token`;

interface ConnectionOptions {
  url: string;
  token?: string;
  json?: boolean;
}

function withConnection(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'URL of the Pipeloom server (env PIPELOOM_URL)', process.env.PIPELOOM_URL ?? 'http://localhost:8080')
    .option('--token <token>', 'API token, sent as a Bearer token (env PIPELOOM_TOKEN)')
    .option('--json', 'print the result as JSON on stdout');
}

function connect(options: ConnectionOptions): PipeloomClient {
  return createPipeloomClient({ baseUrl: options.url, token: options.token ?? process.env.PIPELOOM_TOKEN });
}

function describeError(e: unknown, url: string): string {
  if (e instanceof WorkflowCommandError) return e.message;
  if (e instanceof ApiError) return `the server answered ${e.status} ${e.code}: ${e.message}`;
  if (e instanceof TypeError && e.message === 'fetch failed') {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return `cannot reach the Pipeloom server at ${url}: ${cause?.code ?? cause?.message ?? 'fetch failed'}`;
  }
  return e instanceof Error ? e.message : String(e);
}

/** Runs an action; any error becomes one line on stderr and exit status 2. */
function action<A extends unknown[]>(name: string, fn: (...args: A) => Promise<number | void>) {
  return async (...args: A) => {
    const options = args.find((a): a is ConnectionOptions => !!a && typeof a === 'object' && 'url' in a);
    try {
      const code = await fn(...args);
      process.exitCode = code ?? EXIT.OK;
    } catch (e) {
      process.stderr.write(`pipeloom workflow ${name}: error: ${describeError(e, options?.url ?? '')}\n`);
      process.exitCode = EXIT.ERROR;
    }
  };
}

const print = (text: string) => process.stdout.write(`${text}\n`);
const info = (text: string) => process.stderr.write(`${text}\n`);
const printJson = (value: unknown) => print(JSON.stringify(value, null, 2));

function seconds(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number of seconds`);
    return n;
  };
}

function outcome(p: WorkflowProgress): number {
  const troubled = p.jobs.failed + p.jobs.canceled + p.jobs.terminated > 0;
  if (p.is_canceled) return EXIT.FAILED;
  if (!p.is_complete) return EXIT.NOT_COMPLETE;
  return troubled ? EXIT.FAILED : EXIT.OK;
}

function statusTable(p: WorkflowProgress): string {
  const rows = Object.entries(p.jobs).map(([name, n]) => `  ${name.padEnd(14)}${String(n).padStart(8)}`);
  const lines = [
    `workflow ${p.workflow} (run ${p.run_id}): ${p.finished}/${p.total} jobs finished`,
    ...rows,
    `  ${'total'.padEnd(14)}${String(p.total).padStart(8)}`,
    `complete: ${p.is_complete ? 'yes' : 'no'}, canceled: ${p.is_canceled ? 'yes' : 'no'}`,
  ];
  if (p.failed_jobs.length > 0) lines.push(`failed jobs: ${p.failed_jobs.join(', ')}${p.jobs.failed > p.failed_jobs.length ? ', ...' : ''}`);
  return lines.join('\n');
}

/** Shows snapshots while `status --watch` runs: a progress bar on a terminal, otherwise a line per change. */
function progressReporter(json: boolean) {
  const interactive = !!process.stderr.isTTY && !process.env.CI;
  if (interactive) {
    let bar: cliProgress.SingleBar | undefined;
    const payload = (p: WorkflowProgress) => ({ workflow: p.workflow, failed: p.jobs.failed, running: p.jobs.running, ready: p.jobs.ready, blocked: p.jobs.blocked });
    return {
      update(p: WorkflowProgress) {
        if (!bar) {
          bar = new cliProgress.SingleBar({
            format: 'workflow {workflow} |{bar}| {value}/{total} jobs finished | failed {failed} | running {running} | ready {ready} | blocked {blocked}',
            stream: process.stderr,
            hideCursor: true,
            clearOnComplete: false,
          }, cliProgress.Presets.shades_classic);
          bar.start(p.total, p.finished, payload(p));
        } else {
          if (bar.getTotal() !== p.total) bar.setTotal(p.total);
          bar.update(p.finished, payload(p));
        }
      },
      stop() {
        bar?.stop();
      },
    };
  }
  const out = json ? info : print;
  let last = '';
  return {
    update(p: WorkflowProgress) {
      const line = formatWorkflowProgress(p);
      if (line === last) return;
      last = line;
      out(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
    },
    stop() {},
  };
}

/** `pipeloom workflow create|start|restart|status|cancel`: see ../workflow/. */
export function registerWorkflowCommand(program: Command): void {
  const workflow = program
    .command('workflow')
    .description('Create, start, restart, watch and cancel workflows on a Pipeloom (Torc-compatible) server.')
    .configureHelp({ sortSubcommands: true })
    .showHelpAfterError()
    // Usage errors exit 2 like every other failure, so 1 keeps its meaning for `status`.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : EXIT.ERROR))
    .addHelpText('after', EXIT_HELP);

  withConnection(workflow.command('create'))
    .summary('create a workflow from a JSON, JSON5 or YAML specification file; prints its key')
    .description('Create a workflow from a specification file (JSON, JSON5 or YAML, by the file ending: .json, .json5, .yaml, .yml) '
      + 'and print its key. Database keys, empty lists and null fields are dropped first, as Torc does. The workflow is not started.')
    .argument('<spec>', 'specification file: spec.json, spec.json5 or spec.yaml')
    .option('--user <user>', 'owner of the workflow (default: the user in the file, else the OS user)')
    .addHelpText('after', '\nPrints the new workflow\'s key; with --json, the whole workflow document.')
    .action(action('create', async (file: string, options: ConnectionOptions & { user?: string }) => {
      const created = await createWorkflowFromFile(connect(options), file, { user: options.user });
      if (options.json) printJson(created);
      else {
        info(`Created workflow ${created._key}${created.name ? ` (${created.name})` : ''} from ${file}`);
        print(created._key!);
      }
    }));

  const runOptions = (cmd: Command) => cmd
    .option('--force', 'go on even when jobs are running (submitted or submitted_pending)')
    .option('--ignore-missing-data', 'skip the checks for empty user data and missing input files');

  runOptions(withConnection(workflow.command('start')))
    .summary('check inputs, reset all jobs, bump run_id and initialize the jobs (as `torc workflows start`)')
    .description('Start a workflow from scratch, as `torc workflows start` does: refuse an archived workflow or one with running jobs; '
      + 'check that consumed user data is filled in and that input files no job produces exist (paths relative to the current directory); '
      + 'run the workflow_startup_script; record the modification time of every existing file; reset the workflow and all jobs; '
      + 'bump run_id; initialize the jobs; add a workflow/start event. A refused start changes nothing.')
    .argument('<key>', 'workflow key')
    .addHelpText('after', '\nPrints the new run id; with --json, {key, run_id, updated_files}.')
    .action(action('start', async (key: string, options: ConnectionOptions & { force?: boolean; ignoreMissingData?: boolean }) => {
      const result = await startWorkflow(connect(options), key, { force: options.force, ignoreMissingData: options.ignoreMissingData, log: info });
      if (options.json) printJson(result);
      else print(`Started workflow ${key}: run ${result.run_id}`);
    }));

  runOptions(withConnection(workflow.command('restart')))
    .summary('rerun exactly the jobs whose files, command or inputs changed (as `torc workflows restart`)')
    .description('Restart a workflow so that exactly the jobs affected by changes run again, as `torc workflows restart` does: '
      + 'run the workflow_startup_script; check inputs; bump run_id; for every file whose modification time on disk changed (or that vanished), '
      + 'record it and reset the done or canceled jobs that need it; reset done jobs whose output file is missing; reset jobs whose command '
      + 'or inputs changed; each reset takes the job\'s descendants along. Then initialize the jobs and add a workflow/restart event. '
      + 'Failed jobs rerun only after `POST reset_job_status?failed_only=true`.')
    .argument('<key>', 'workflow key')
    .option('--only-uninitialized', 'initialize only jobs that are uninitialized, leaving the others as they are')
    .addHelpText('after', '\nPrints a summary; with --json, {key, run_id, changed_files, reset_jobs, reinitialized_jobs}.')
    .action(action('restart', async (key: string, options: ConnectionOptions & { force?: boolean; ignoreMissingData?: boolean; onlyUninitialized?: boolean }) => {
      const result = await restartWorkflow(connect(options), key, {
        force: options.force, ignoreMissingData: options.ignoreMissingData, onlyUninitialized: options.onlyUninitialized, log: info,
      });
      if (options.json) printJson(result);
      else {
        const files = result.changed_files.map((f) => f.name ?? f.key);
        print(`Restarted workflow ${key}: run ${result.run_id}; ${files.length} changed file(s)${files.length ? ` (${files.join(', ')})` : ''}; `
          + `${new Set([...result.reset_jobs, ...result.reinitialized_jobs]).size} job(s) reset directly (their descendants with them)`);
      }
    }));

  withConnection(workflow.command('status'))
    .summary('job counts per status, completion; --watch follows it with a progress bar')
    .description('Show job counts per status: done (succeeded), failed (done with a non-zero return code in the current run), canceled, terminated, '
      + 'running (submitted + submitted_pending), ready, scheduled, blocked, uninitialized, disabled; and whether the workflow is complete or canceled. '
      + 'With --watch, follow it until it completes or is canceled: a progress bar on stderr when stderr is a terminal and CI is not set, '
      + 'otherwise one line per change.')
    .argument('<key>', 'workflow key')
    .option('-w, --watch', 'follow the workflow until it completes or is canceled')
    .addOption(new Option('--interval <seconds>', 'seconds between two reads with --watch').default(2).argParser(seconds('--interval')))
    .addOption(new Option('--timeout <seconds>', 'stop watching after this many seconds (exit status 3)').argParser(seconds('--timeout')))
    .addHelpText('after', `
Exit status: 0 when the workflow is complete and every job succeeded; 1 when it is complete or canceled and
some job failed, was canceled or terminated; 3 when it is not complete yet (with --watch: interrupted or
timed out); 2 on errors. --json prints the snapshot: {workflow, run_id, total, finished, jobs, by_status,
failed_jobs, is_complete, is_canceled}, where jobs.done leaves out failed jobs and by_status.done counts them.`)
    .action(action('status', async (key: string, options: ConnectionOptions & { watch?: boolean; interval: number; timeout?: number }) => {
      const client = connect(options);
      let progress: WorkflowProgress;
      if (!options.watch) progress = await getWorkflowProgress(client, key);
      else {
        const reporter = progressReporter(!!options.json);
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        const timer = options.timeout === undefined ? undefined : setTimeout(onSignal, options.timeout * 1000);
        try {
          progress = await watchWorkflowProgress(client, key, { intervalSeconds: options.interval, signal: stop.signal, onProgress: (p) => reporter.update(p) });
        } finally {
          reporter.stop();
          clearTimeout(timer);
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      }
      if (options.json) printJson(progress);
      else print(statusTable(progress));
      return outcome(progress);
    }));

  withConnection(workflow.command('cancel'))
    .summary('cancel a workflow: running jobs become canceled and workers stop')
    .description('Cancel a workflow (PUT /workflows/{key}/cancel): running jobs become canceled and workers stop; '
      + 'ready and blocked jobs keep their status. Adds a workflow/cancel event.')
    .argument('<key>', 'workflow key')
    .action(action('cancel', async (key: string, options: ConnectionOptions) => {
      const result = await cancelWorkflow(connect(options), key);
      if (options.json) printJson(result);
      else print(`Canceled workflow ${key}`);
    }));
}
