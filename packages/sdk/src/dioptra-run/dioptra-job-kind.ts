/**
 * The Dioptra job kind: how `pipeloom worker` runs a Dioptra job. The server queues each submitted job as
 * an engine job whose command is `dioptra-job <jobId>`; this kind starts it (the server answers what to
 * run), prepares its workflow and task plugins, runs the MLproject entry point as Dioptra's RQ worker
 * would (`mlflow run` without MLflow), hands the log in while it runs and reports how it ended.
 * @module
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PipeloomClient } from '../client.js';
import { ApiError } from '../errors.js';
import type { ArchiveLimits } from '../plynx-run/zip-archive.js';
import { systemClock, type Clock } from '../worker/clock.js';
import type { ClaimedJob, JobKind, JobRunContext, JobRunOutcome } from '../worker/job-kind.js';
import { describeError, type RetryPolicy } from '../worker/retry.js';
import { JobLog, LogTicker } from './job-log.js';
import { prepareJob, type PreparedJob } from './prepare-job.js';
import { runShellCommand } from './run-command.js';
import { DioptraJobServer, type DioptraJobStart } from './server-io.js';

/** `dioptra-job <jobId>`, the id a UUID. */
const COMMAND = /^\s*dioptra-job\s+([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\s*$/;

/** The return code of a job that could not run (no entry point process). */
const NOT_RUN = 1;

/**
 * The Dioptra job an engine job runs, or undefined when its command is not `dioptra-job <uuid>`.
 * @example
 * ```ts
 * parseDioptraJobCommand('dioptra-job 4fbc1a3e-6f0d-4b1c-9d55-2a9e0c7d8e31'); // { jobId: '4fbc1a3e-...' }
 * parseDioptraJobCommand('python train.py'); // undefined
 * ```
 */
export function parseDioptraJobCommand(command: string): { jobId: string } | undefined {
  const match = COMMAND.exec(command);
  return match ? { jobId: match[1]!.toLowerCase() } : undefined;
}

export interface DioptraJobKindOptions {
  /** A client for the server, carrying the worker's credentials. */
  client: PipeloomClient;
  /** Parent of the jobs' work directories (default: the system's temporary directory). */
  workRoot?: string;
  /** Where time is measured and timers run (default: the real clock). */
  clock?: Clock;
  /** How often the running job's log is handed in, in ms (default 2,000). */
  logIntervalMs?: number;
  /** How start, finish, downloads and the final log are retried (default: the worker's policy, 20 minutes' deadline). */
  retry?: RetryPolicy;
  /** Caps on what the workflow archive and the task plugins may unpack to (default 100,000 entries, 512 MiB each). */
  limits?: ArchiveLimits;
  /** Interpreter of an undeclared `.py` entry point (default `python3`). */
  python?: string;
  /** More environment for the entry point, over the worker's. */
  env?: NodeJS.ProcessEnv;
  /** Keep each job's work directory after it ended (default: removed). */
  keepWorkDir?: boolean;
}

/**
 * A {@link JobKind} for jobs whose command is `dioptra-job <jobId>`. Running one: `start` answers the job
 * with its experiment, queue, time limit and workflow file name (409: the job is no longer this worker's,
 * so nothing runs and the return code is 1); the task plugins are unpacked into `<work>/plugins` and the
 * workflow archive into `<work>/workflow`, both safely (see {@link unpackWorkflowArchive}); the shallowest
 * `MLproject` gives the entry point's command (see {@link resolveEntryPoint}), which runs as `bash -c` in
 * the MLproject's folder, in its own process group, with `DIOPTRA_RQ_JOB_ID`, `DIOPTRA_PLUGIN_DIR` and the
 * plugins on `PYTHONPATH`. Its stdout and stderr go to one log, in arrival order (and to the worker's
 * `.o` / `.e` files), handed in every `logIntervalMs` and once at the end; a failed hand-in never fails the
 * job. The time limit kills the process group; the worker's `stop` sends SIGTERM, its `kill` SIGKILL.
 * `finish` reports `finished` (exit 0) or `failed`; the return code is 0, the exit code or the negative
 * signal. A problem before the process runs (archive, MLproject, entry point, parameters) is one
 * `[pipeloom] <reason>` line in the log, `failed`, return code 1.
 *
 * `pipeloom worker` registers this kind by default.
 * @example
 * ```ts
 * import { createPipeloomClient, dioptraJobKind, runQueueWorker } from '@pipeloom/sdk/node';
 *
 * const client = createPipeloomClient({ baseUrl: 'http://localhost:8080', token: process.env.PIPELOOM_TOKEN });
 * await runQueueWorker({ client, queues: ['tensorflow_cpu'], jobKinds: [dioptraJobKind({ client, workRoot: '/scratch' })], waitForNewJobsSeconds: Infinity });
 * ```
 */
export function dioptraJobKind(options: DioptraJobKindOptions): JobKind {
  return {
    name: 'dioptra-job',
    matches: (job) => parseDioptraJobCommand(job.command) !== undefined,
    run: (job, ctx) => new DioptraJobRun(options, job, ctx).run(),
  };
}

/** One run of one Dioptra job. */
class DioptraJobRun {
  private readonly clock: Clock;
  private readonly server: DioptraJobServer;
  private readonly label: string;

  constructor(private readonly options: DioptraJobKindOptions, job: ClaimedJob, private readonly ctx: JobRunContext) {
    const parsed = parseDioptraJobCommand(job.command);
    if (!parsed) throw new Error(`job ${job._key ?? ''} is not a Dioptra job: ${job.command}`);
    this.clock = options.clock ?? systemClock;
    this.server = new DioptraJobServer(options.client, parsed.jobId);
    this.label = `Dioptra job ${parsed.jobId}`;
  }

  private policy(what: string): RetryPolicy {
    return {
      deadlineMs: 20 * 60_000,
      clock: this.clock,
      giveUp: () => this.ctx.kill.aborted,
      onRetry: (error, attempt, delay) =>
        this.ctx.log(attempt === 1 ? 'warn' : 'debug', `${what} of ${this.label} failed (${describeError(error)}); retrying in ${(delay / 1000).toFixed(1)} s`),
      ...this.options.retry,
    };
  }

  async run(): Promise<JobRunOutcome> {
    const started = await this.start();
    if (!started) return { returnCode: NOT_RUN };
    const workDir = await fs.promises.mkdtemp(path.join(this.options.workRoot ?? os.tmpdir(), `dioptra-${this.server.jobId}-`));
    const log = new JobLog(path.join(workDir, 'job.log'));
    try {
      log.line(`running entry point "${started.job.entryPoint}" of experiment "${started.experimentName}" from queue "${started.queueName}" on ${os.hostname()}`);
      let prepared: PreparedJob;
      try {
        prepared = await prepareJob({ server: this.server, started, workDir, limits: this.options.limits, python: this.options.python, policy: (what) => this.policy(what) });
      } catch (error) {
        return { returnCode: await this.notRun(log, describeError(error)) };
      }
      if (this.ctx.stop.aborted || this.ctx.kill.aborted) return { returnCode: await this.notRun(log, 'the worker stopped the job before its entry point ran') };
      return { returnCode: await this.execute(started, prepared, log) };
    } finally {
      log.close();
      if (!this.options.keepWorkDir) await fs.promises.rm(workDir, { recursive: true, force: true });
    }
  }

  /** Asks for the job; undefined when the server no longer gives it to this worker (409). */
  private async start(): Promise<DioptraJobStart | undefined> {
    try {
      return await this.server.start(this.policy('starting'));
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 409) throw error;
      this.ctx.log('warn', `${this.label} is not this worker's to run any more (${describeError(error)}): nothing was run`);
      return undefined;
    }
  }

  private async execute(started: DioptraJobStart, prepared: PreparedJob, log: JobLog): Promise<number> {
    const { ctx, options } = this;
    const pythonPath = options.env?.PYTHONPATH ?? ctx.env.PYTHONPATH;
    const env: NodeJS.ProcessEnv = {
      // Unbuffered Python output, so the log shows prints as they happen.
      PYTHONUNBUFFERED: '1',
      ...ctx.env,
      ...options.env,
      DIOPTRA_RQ_JOB_ID: this.server.jobId,
      DIOPTRA_PLUGIN_DIR: prepared.pluginsDir,
      PYTHONPATH: pythonPath ? `${prepared.pluginsDir}${path.delimiter}${pythonPath}` : prepared.pluginsDir,
    };
    log.line(`running \`${prepared.command}\` in ${prepared.projectDir}`);
    ctx.log('info', `${this.label}: running \`${prepared.command}\``);
    const ticker = new LogTicker({
      log,
      clock: this.clock,
      intervalMs: options.logIntervalMs ?? 2_000,
      upload: (bytes) => this.server.putLog(bytes, AbortSignal.timeout(60_000)),
      onError: (error, failures) => ctx.log(failures === 1 ? 'warn' : 'debug', `the log of ${this.label} could not be handed in (${describeError(error)}); it keeps running`),
    });
    const end = await runShellCommand({
      command: prepared.command,
      cwd: prepared.projectDir,
      env,
      log,
      stdoutPath: ctx.stdoutPath,
      stderrPath: ctx.stderrPath,
      timeoutMs: started.timeoutSeconds * 1000,
      clock: this.clock,
      stop: ctx.stop,
      kill: ctx.kill,
    }).finally(() => ticker.stop());
    await this.finalLog(log);
    return this.finish(end.status, end.returnCode);
  }

  /** A job that could not run: the reason in its log (and the worker's stderr file), then `failed`. */
  private async notRun(log: JobLog, reason: string): Promise<number> {
    log.line(reason);
    await fs.promises.appendFile(this.ctx.stderrPath, `[pipeloom] ${reason}\n`).catch(() => undefined);
    this.ctx.log('warn', `${this.label} could not run: ${reason}`);
    await this.finalLog(log);
    return this.finish('failed', NOT_RUN);
  }

  /** Hands in the whole log; failing loses only the log's tail, never the job. */
  private async finalLog(log: JobLog): Promise<void> {
    try {
      await this.server.putLogWithRetry(await log.read(), this.policy('handing in the log'));
    } catch (error) {
      this.ctx.log('warn', `the final log of ${this.label} could not be handed in (${describeError(error)})`);
    }
  }

  /** Reports the end; answers the job's return code. */
  private async finish(status: 'finished' | 'failed', returnCode: number): Promise<number> {
    this.ctx.log(status === 'finished' ? 'info' : 'warn', `${this.label} ended: ${status} (return code ${returnCode})`);
    try {
      await this.server.finish({ status, returnCode }, { ...this.policy('finishing'), giveUp: undefined });
    } catch (error) {
      // 409: the job was handed to another worker or ended meanwhile; nothing to record.
      if (!(error instanceof ApiError) || error.status !== 409) throw error;
      this.ctx.log('warn', `${this.label} is not this worker's any more (${describeError(error)}): its end was not recorded`);
    }
    return returnCode;
  }
}
