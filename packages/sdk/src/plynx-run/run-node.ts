// Running one PLynx operation for real: the same script PREVIEW_CMD shows, with the paths of a fresh work
// directory, supervised like any worker job (own process group, time limit, cancellation).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PlynxNode } from '../plynx-graph/types.js';
import { sleep as clockSleep, systemClock, type Clock } from '../worker/clock.js';
import { JobProcess, type ProcessExit } from '../worker/process-runner.js';
import { TemplateError } from './errors.js';
import { LogStream } from './log-stream.js';
import { nodeShape, type NodeShape } from './node-shape.js';
import { isScriptKind, renderScript } from './render.js';
import type { PlynxRunFailure, PlynxRunIo, PlynxRunResult, RunPlynxNodeOptions } from './run-types.js';
import { uploadWithRetry, UploadError, type RetryOptions } from './uploads.js';
import { checkNames, collectOutputs, InputError, OutputError, prepareInputs, prepareOutputs, runCloudPaths } from './work-files.js';
import { WorkerLog } from './worker-log.js';
import { logPath, scriptResources } from './workspace.js';

/** PLynx's default `_timeout`, in minutes. */
const DEFAULT_TIMEOUT_MINUTES = 600;

/** The time limit in ms: the override, else the `_timeout` parameter in minutes; 0 or less means none. */
function timeLimitMs(shape: NodeShape, override: number | undefined): number | undefined {
  if (override !== undefined) return override;
  const value = shape.parameters.get('_timeout');
  const minutes = typeof value === 'number' ? value : typeof value === 'string' ? Number.parseInt(value, 10) : DEFAULT_TIMEOUT_MINUTES;
  const resolved = Number.isFinite(minutes) ? minutes : DEFAULT_TIMEOUT_MINUTES;
  return resolved > 0 ? resolved * 60_000 : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Kills whatever is left of a process group (background jobs of a finished script); it may be gone. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // nothing left
  }
}

type ScriptEnd = { status: 'SUCCESS' } | { status: 'FAILED'; failure: PlynxRunFailure; reason: string } | { status: 'CANCELED'; reason: string };

interface ScriptRun {
  args: string[];
  logs: string[];
  io: PlynxRunIo;
  workdir: string;
  stdout: string;
  stderr: string;
  limitMs: number | undefined;
}

/** Runs the script in its own process group until it ends, its time is up, or the run is canceled. */
async function superviseScript(run: ScriptRun, options: RunPlynxNodeOptions, clock: Clock, log: WorkerLog): Promise<ScriptEnd> {
  const exit = await runScript(run, options, clock, log);
  if (exit === 'canceled') {
    log.write('canceled: the process group was killed');
    return { status: 'CANCELED', reason: 'canceled while running' };
  }
  if (exit === 'timeout') {
    const reason = `timeout: still running after ${run.limitMs} ms; the process group was killed`;
    log.write(reason);
    return { status: 'FAILED', failure: 'timeout', reason };
  }
  if (exit.returnCode !== 0) {
    const reason = exit.spawnError ? `could not start ${run.args[0]}: ${exit.spawnError}` : `the script ended with return code ${exit.returnCode}`;
    log.write(reason);
    return { status: 'FAILED', failure: 'exit-code', reason };
  }
  log.write('the script ended with return code 0');
  return { status: 'SUCCESS' };
}

/** Starts the script and waits for its end; logs are streamed meanwhile when asked for. */
async function runScript(run: ScriptRun, options: RunPlynxNodeOptions, clock: Clock, log: WorkerLog): Promise<ProcessExit | 'timeout' | 'canceled'> {
  // Unbuffered Python output, so stdout reaches its log (and a watcher) as it is printed.
  const env = { PYTHONUNBUFFERED: '1', ...(options.env ?? process.env) };
  const child = new JobProcess({ args: run.args, env, cwd: run.workdir, stdoutPath: run.stdout, stderrPath: run.stderr });
  let stopped: 'timeout' | 'canceled' | undefined;
  const stop = (why: 'timeout' | 'canceled') => {
    stopped ??= why;
    child.kill('SIGKILL');
  };
  const timer = run.limitMs === undefined ? undefined : clock.setTimeout(() => stop('timeout'), run.limitMs);
  const onAbort = () => stop('canceled');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  log.write(`started \`${run.args.join(' ')}\` as process ${child.pid ?? '?'}`);
  const { logIntervalMs, onLogs } = options;
  const stream = logIntervalMs !== undefined && onLogs
    ? new LogStream({ names: run.logs, workdir: run.workdir, io: run.io, clock, intervalMs: logIntervalMs, onLogs, log })
    : undefined;
  if (child.pid !== undefined) options.onStart?.(child.pid);
  const exit = await child.exited;
  clock.clearTimeout(timer);
  options.signal?.removeEventListener('abort', onAbort);
  killGroup(child.pid);
  await stream?.stop();
  return stopped ?? exit;
}

/** Stores every non-empty log (the worker log last, so it tells the whole story); failures only lose that log. */
async function uploadLogs(shape: NodeShape, workdir: string, io: PlynxRunIo, retry: RetryOptions): Promise<Record<string, string>> {
  const logs: Record<string, string> = {};
  const ordered = [...shape.logs.filter((name) => name !== 'worker'), ...shape.logs.filter((name) => name === 'worker')];
  for (const name of ordered) {
    const file = logPath(workdir, name);
    const size = (await fs.promises.stat(file).catch(() => undefined))?.size ?? 0;
    if (size === 0) continue;
    try {
      logs[name] = await uploadWithRetry(`log \`${name}\``, () => (io.uploadLog ? io.uploadLog(name, file) : io.upload(file)), retry);
    } catch (error) {
      retry.log.write(describe(error));
    }
  }
  return logs;
}

function failed(failure: PlynxRunFailure, reason: string): ScriptEnd {
  return { status: 'FAILED', failure, reason };
}

/**
 * Runs one bash_jinja2 or python node as PLynx does. In a new work directory it downloads every input
 * resource to `i_<k>_<name>` (`executable` made executable, `directory` zip archives unpacked safely),
 * renders the node's script with the one renderer PREVIEW_CMD uses, runs it (`bash` or `python3`) in its
 * own process group with stdout and stderr in the `stdout`/`stderr` logs, kills the group once `_timeout`
 * minutes (or `timeoutMs`) have passed or `signal` aborts, then uploads every output (directories zipped)
 * and every non-empty log. Uploads are retried; a run whose outputs could not all be stored is FAILED.
 * With `logIntervalMs` and `onLogs`, logs that grew are also stored while the script runs.
 * Never throws for a problem of the node or its resources: the result says what happened.
 * @example
 * ```ts
 * const result = await runPlynxNode(node, {
 *   download: async (id, to) => fs.promises.writeFile(to, store.get(id)!),
 *   upload: async (from) => { const id = randomUUID(); store.set(id, await fs.promises.readFile(from)); return id; },
 * }, { signal });
 * ```
 */
export async function runPlynxNode(node: PlynxNode, io: PlynxRunIo, options: RunPlynxNodeOptions = {}): Promise<PlynxRunResult> {
  const clock = options.clock ?? systemClock;
  const shape = nodeShape(node);
  const workdir = await fs.promises.mkdtemp(path.join(options.workRoot ?? os.tmpdir(), 'plynx-'));
  const log = new WorkerLog(logPath(workdir, 'worker'), clock);
  const retry: RetryOptions = {
    attempts: options.uploadAttempts ?? 4,
    backoffMs: options.uploadBackoffMs ?? 250,
    sleep: options.sleep ?? ((ms) => clockSleep(clock, ms)),
    log,
  };
  log.write(`running node ${node._id ?? '(no id)'} (${shape.kind}) in ${workdir}`);
  let end: ScriptEnd;
  let outputs: Record<string, string> = {};
  try {
    ({ end, outputs } = await runInWorkdir(node, shape, workdir, io, options, clock, log, retry));
  } catch (error) {
    end = options.signal?.aborted ? { status: 'CANCELED', reason: 'canceled' } : failed('internal', describe(error));
  }
  if (end.status !== 'SUCCESS') {
    outputs = {};
    log.write(`${end.status}: ${end.reason}`);
  } else {
    log.write('SUCCESS');
  }
  const logs = await uploadLogs(shape, workdir, io, retry);
  if (!options.keepWorkdir) await fs.promises.rm(workdir, { recursive: true, force: true });
  return end.status === 'SUCCESS' ? { status: 'SUCCESS', outputs, logs } : { outputs, logs, ...end };
}

async function runInWorkdir(
  node: PlynxNode,
  shape: NodeShape,
  workdir: string,
  io: PlynxRunIo,
  options: RunPlynxNodeOptions,
  clock: Clock,
  log: WorkerLog,
  retry: RetryOptions,
): Promise<{ end: ScriptEnd; outputs: Record<string, string> }> {
  const none = {};
  const canceled = (): { end: ScriptEnd; outputs: Record<string, string> } => ({ end: { status: 'CANCELED', reason: 'canceled before the script ran' }, outputs: none });
  if (!isScriptKind(shape.kind)) return { end: failed('script', `Nodes of kind \`${shape.kind}\` have no script to run`), outputs: none };
  if (options.signal?.aborted) return canceled();
  let script: string;
  let cloudOutputs: Map<string, string>;
  try {
    checkNames(shape);
    const prepared = await prepareInputs(shape, workdir, io, log, options.archiveLimits, options.signal);
    await prepareOutputs(shape, workdir);
    const cloud = runCloudPaths(prepared, options.cloudPrefix ?? 'gs://sample');
    const resources = scriptResources(shape, workdir, cloud, (input) => input.resourceIds.length);
    script = renderScript(node, shape, resources, 'run');
    cloudOutputs = cloud.outputs;
  } catch (error) {
    if (options.signal?.aborted) return canceled();
    if (error instanceof InputError) return { end: failed('input', error.message), outputs: none };
    if (error instanceof TemplateError) return { end: failed('script', error.message), outputs: none };
    throw error;
  }
  const scriptFile = path.join(workdir, shape.kind === 'python' ? 'script.py' : 'script.sh');
  await fs.promises.writeFile(scriptFile, script);
  const args = shape.kind === 'python' ? [options.python ?? 'python3', scriptFile] : ['bash', scriptFile];
  const limitMs = timeLimitMs(shape, options.timeoutMs);
  const end = await superviseScript({ args, logs: shape.logs, io, workdir, stdout: logPath(workdir, 'stdout'), stderr: logPath(workdir, 'stderr'), limitMs }, options, clock, log);
  if (end.status !== 'SUCCESS') return { end, outputs: none };
  const outputs: Record<string, string> = {};
  try {
    const files = await collectOutputs(shape, workdir, cloudOutputs);
    for (const [name, file] of files) {
      if (options.signal?.aborted) return { end: { status: 'CANCELED', reason: 'canceled while storing outputs' }, outputs: none };
      outputs[name] = await uploadWithRetry(`output \`${name}\``, () => io.upload(file), retry);
      log.write(`stored output \`${name}\` as ${outputs[name]}`);
    }
  } catch (error) {
    if (error instanceof OutputError) return { end: failed('output', error.message), outputs: none };
    if (error instanceof UploadError) return { end: failed('upload', error.message), outputs: none };
    throw error;
  }
  return { end, outputs };
}
