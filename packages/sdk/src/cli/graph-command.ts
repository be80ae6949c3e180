/**
 * `pipeloom graph status|approve|cancel`: PLynx graphs from the command line. Each subcommand is also an
 * exported function that takes its outputs, client, clock and sleep from a context, answers its exit status
 * and never calls `process.exit`, so it can be driven in-process.
 * @module
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { createPipeloomClient, type PipeloomClient } from '../client.js';
import { barReporter, lineReporter, type GraphProgressReporter } from './graph/progress.js';
import { fetchGraph, GRAPH_EXIT, GraphCommandError, postApprove, postCancel, type GraphExitCode } from './graph/requests.js';
import { formatGraphSummary, summarizeGraph, type GraphSummary } from './graph/summary.js';
import { formatValidationTree } from './graph/validation-tree.js';
import { realSleep, waitForGraph } from './graph/wait.js';

export { GRAPH_EXIT } from './graph/requests.js';

/** Where a graph command writes, whom it talks to, and how time passes for it. */
export interface GraphCommandContext {
  client: PipeloomClient;
  /** The server's URL, for messages. */
  url: string;
  /** Results (and the progress bar or lines of --wait). */
  stdout: NodeJS.WritableStream;
  /** Notes and errors. */
  stderr: NodeJS.WritableStream;
  /** Whether --wait draws a progress bar on stdout; default: stdout is a terminal. */
  progressBar?: boolean;
  /** Waits between two reads of --wait (default: real time). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Time stamps of plain progress lines (default: now). */
  now?: () => Date;
  /** Aborting stops --wait after the current read (Ctrl-C). */
  signal?: AbortSignal;
}

export interface GraphOutputOptions {
  /** Print the result as JSON on stdout instead of text. */
  json?: boolean;
}

export interface GraphApproveOptions extends GraphOutputOptions {
  /** Follow the graph until it is SUCCESS, FAILED or CANCELED. */
  wait?: boolean;
  /** Seconds between two reads with `wait` (default 1). */
  interval?: number;
}

/** Exit status of a --wait that was interrupted before the graph finished (as after SIGINT). */
export const INTERRUPTED = 130;

const write = (stream: NodeJS.WritableStream) => (text: string) => { stream.write(`${text}\n`); };

/** Runs a command body; a GraphCommandError (or anything else) becomes one line on stderr and its exit status. */
async function guarded(name: string, ctx: GraphCommandContext, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    const code: GraphExitCode = e instanceof GraphCommandError ? e.exitCode : GRAPH_EXIT.ERROR;
    write(ctx.stderr)(`pipeloom graph ${name}: error: ${e instanceof Error ? e.message : String(e)}`);
    return code;
  }
}

/**
 * `pipeloom graph status <id>`: prints the graph's title, its status and its operations per running status
 * (file nodes are not counted). Exit 0 once read; 2 if the graph is missing or the server refuses; 3 if the
 * server cannot be reached.
 */
export function graphStatus(graphId: string, options: GraphOutputOptions, ctx: GraphCommandContext): Promise<number> {
  return guarded('status', ctx, async () => {
    const summary = summarizeGraph(await fetchGraph(ctx.client, ctx.url, graphId));
    if (options.json) write(ctx.stdout)(JSON.stringify(summary, null, 2));
    else write(ctx.stdout)(`graph ${summary.id}: ${summary.title}\n${formatGraphSummary(summary)}`);
    return GRAPH_EXIT.OK;
  });
}

/** Node titles by id, for naming nodes in a validation tree; empty when the graph cannot be read. */
async function nodeTitles(ctx: GraphCommandContext, graphId: string): Promise<Map<string, string>> {
  try {
    const graph = await fetchGraph(ctx.client, ctx.url, graphId);
    return new Map((graph.nodes ?? []).flatMap((n) => (n._id && n.title ? [[n._id, n.title] as const] : [])));
  } catch {
    return new Map();
  }
}

/** How a finished (or abandoned) wait ends: one line on stderr for failures, and the exit status. */
function conclude(ctx: GraphCommandContext, s: GraphSummary): number {
  const say = write(ctx.stderr);
  switch (s.status) {
    case 'SUCCESS': return GRAPH_EXIT.OK;
    case 'FAILED':
      say(`graph ${s.id} FAILED: ${s.nodes.FAILED ?? 0} node(s) failed, ${s.done}/${s.total} done`);
      return GRAPH_EXIT.FAILED;
    case 'CANCELED':
      say(`graph ${s.id} was CANCELED: ${s.done}/${s.total} node(s) done`);
      return GRAPH_EXIT.FAILED;
    default:
      say(`stopped waiting; graph ${s.id} is still ${s.status}`);
      return INTERRUPTED;
  }
}

/**
 * `pipeloom graph approve <id> [--wait]`: approves a stored CREATED graph so it runs. A graph that fails
 * validation prints its problem tree and exits 2, changing nothing. With `wait`, follows the graph until it
 * ends: a progress bar when `ctx.progressBar`, else a line per change; exit 0 on SUCCESS, 1 on FAILED or
 * CANCELED, 2 on refusals, 3 if the server cannot be reached.
 */
export function graphApprove(graphId: string, options: GraphApproveOptions, ctx: GraphCommandContext): Promise<number> {
  return guarded('approve', ctx, async () => {
    const out = write(ctx.stdout);
    const answer = await postApprove(ctx.client, ctx.url, graphId);
    if (answer.status.toUpperCase() === 'VALIDATION_FAILED') {
      if (options.json) out(JSON.stringify(answer, null, 2));
      const tree = answer.validation_error ? formatValidationTree(answer.validation_error, await nodeTitles(ctx, graphId)) : answer.message;
      write(ctx.stderr)(`pipeloom graph approve: graph ${graphId} failed validation, nothing was approved:\n${tree}`);
      return GRAPH_EXIT.ERROR;
    }
    const approved = answer.graph ? summarizeGraph(answer.graph) : undefined;
    if (!options.wait) {
      if (options.json) out(JSON.stringify(approved ?? answer, null, 2));
      else out(`Approved graph ${graphId}${approved?.title ? ` (${approved.title})` : ''}: ${approved?.status ?? 'RUNNING'}`);
      return GRAPH_EXIT.OK;
    }
    write(options.json ? ctx.stderr : ctx.stdout)(`Approved graph ${graphId}${approved?.title ? ` (${approved.title})` : ''}; waiting for it to finish`);
    const bar = !options.json && (ctx.progressBar ?? ('isTTY' in ctx.stdout && ctx.stdout.isTTY === true));
    const reporter: GraphProgressReporter = bar ? barReporter(ctx.stdout) : lineReporter(write(options.json ? ctx.stderr : ctx.stdout), ctx.now ?? (() => new Date()));
    let last: GraphSummary;
    try {
      last = await waitForGraph(ctx.client, ctx.url, graphId, {
        intervalMs: (options.interval ?? 1) * 1000,
        sleep: ctx.sleep ?? realSleep,
        signal: ctx.signal,
        onSnapshot: (s) => reporter.update(s),
      });
    } finally {
      reporter.stop();
    }
    if (options.json) out(JSON.stringify(last, null, 2));
    else if (bar) out(formatGraphSummary(last));
    return conclude(ctx, last);
  });
}

/**
 * `pipeloom graph cancel <id>`: asks the server to cancel a RUNNING or FAILED_WAITING graph; its queued and
 * running nodes become CANCELED shortly after. Exit 0 when recorded, 1 when the graph is not running,
 * 2 on other refusals, 3 if the server cannot be reached.
 */
export function graphCancel(graphId: string, options: GraphOutputOptions, ctx: GraphCommandContext): Promise<number> {
  return guarded('cancel', ctx, async () => {
    const answer = await postCancel(ctx.client, ctx.url, graphId);
    if (options.json) write(ctx.stdout)(JSON.stringify(answer, null, 2));
    else write(ctx.stdout)(`Cancellation of graph ${graphId} requested: its queued and running nodes will be canceled shortly`);
    return GRAPH_EXIT.OK;
  });
}

const EXIT_HELP = `
Exit status:
  0  success (approve --wait: the graph ended SUCCESS)
  1  approve --wait: the graph ended FAILED or CANCELED; cancel: the graph is not running
  2  bad arguments, graph not found, validation failed, or the server refused
  3  the server cannot be reached
  130  approve --wait was interrupted before the graph finished

Environment:
  PIPELOOM_URL    default for --url (otherwise http://localhost:8080)
  PIPELOOM_TOKEN  default for --token`;

interface CliOptions extends GraphApproveOptions {
  url: string;
  token?: string;
}

function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('--interval must be a positive number of seconds');
  return n;
}

/** The context of a real command line run: process streams, real time, Ctrl-C stops waiting. */
function processContext(options: CliOptions, signal?: AbortSignal): GraphCommandContext {
  return {
    client: createPipeloomClient({ baseUrl: options.url, token: options.token ?? process.env.PIPELOOM_TOKEN }),
    url: options.url,
    stdout: process.stdout,
    stderr: process.stderr,
    progressBar: process.stdout.isTTY === true && !process.env.CI,
    signal,
  };
}

/**
 * Runs `fn` and sets the exit status. While `--wait` follows a graph, SIGINT/SIGTERM stop the wait (the
 * bar is finished and the terminal restored) instead of killing the process; a second signal still kills.
 */
async function runInProcess(options: CliOptions, fn: (ctx: GraphCommandContext) => Promise<number>): Promise<void> {
  if (!options.wait) {
    process.exitCode = await fn(processContext(options));
    return;
  }
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    process.exitCode = await fn(processContext(options, stop.signal));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Registers `pipeloom graph status|approve|cancel` on `program`. */
export function registerGraphCommand(program: Command): void {
  const graph = program
    .command('graph')
    .description('Approve, follow and cancel PLynx graphs on a Pipeloom server.')
    .configureHelp({ sortSubcommands: true })
    .showHelpAfterError()
    // Usage errors exit 2, like refusals, so 1 keeps meaning "the graph failed".
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : GRAPH_EXIT.ERROR))
    .addHelpText('after', EXIT_HELP);

  const connected = (cmd: Command) => cmd
    .option('--url <url>', 'URL of the Pipeloom server (env PIPELOOM_URL)', process.env.PIPELOOM_URL ?? 'http://localhost:8080')
    .option('--token <token>', 'API token, sent as a Bearer token (env PIPELOOM_TOKEN)')
    .option('--json', 'print the result as JSON on stdout');

  connected(graph.command('status'))
    .summary("a graph's status and its nodes per running status")
    .description('Print the graph\'s title, its status and how many of its operations are in each running status '
      + '(file nodes are not counted), e.g. `RUNNING  3/5 nodes done (SUCCESS 2, RESTORED 1, RUNNING 1, IN_QUEUE 1)`.')
    .argument('<id>', 'graph id')
    .addHelpText('after', '\nWith --json: {id, title, status, total, done, nodes}.')
    .action((id: string, options: CliOptions) => runInProcess(options, (ctx) => graphStatus(id, options, ctx)));

  connected(graph.command('approve'))
    .summary('validate and queue a graph for running; --wait follows it to the end')
    .description('Approve a stored CREATED graph: if it validates it starts running at once; otherwise its problems are printed '
      + 'and nothing changes (exit 2). With --wait, follow it until SUCCESS, FAILED or CANCELED: a progress bar (nodes done / total) '
      + 'when stdout is a terminal and CI is not set, otherwise one line per change.')
    .argument('<id>', 'graph id')
    .option('-w, --wait', 'follow the graph until it is SUCCESS, FAILED or CANCELED')
    .addOption(new Option('--interval <seconds>', 'seconds between two reads with --wait').default(1).argParser(positiveSeconds))
    .action((id: string, options: CliOptions) => runInProcess(options, (ctx) => graphApprove(id, options, ctx)));

  connected(graph.command('cancel'))
    .summary('cancel a running graph')
    .description('Cancel a RUNNING (or FAILED_WAITING) graph: its queued and running nodes become CANCELED within about a second, '
      + 'and the graph CANCELED. A graph that is not running is left alone (exit 1).')
    .argument('<id>', 'graph id')
    .action((id: string, options: CliOptions) => runInProcess(options, (ctx) => graphCancel(id, options, ctx)));
}
