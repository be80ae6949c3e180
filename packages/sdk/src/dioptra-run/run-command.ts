/**
 * Running a resolved entry point command under supervision: `bash -c <command>` in its own process group,
 * its output teed into the combined job log and the worker's stdout/stderr files, a time limit kept on the
 * injected clock, and the worker's stop and kill requests honoured.
 * @module
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import type { Readable } from 'node:stream';
import { systemClock, type Clock, type TimerHandle } from '../worker/clock.js';
import type { JobLog } from './job-log.js';

export interface RunShellCommandOptions {
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Receives stdout and stderr in arrival order, and the worker's lines about the end. */
  log: JobLog;
  /** Also write stdout / stderr here (the worker's `.o` / `.e` files). */
  stdoutPath?: string;
  stderrPath?: string;
  /** Kill the process group once this many ms have passed; undefined: no limit. */
  timeoutMs?: number;
  /** Where the time limit is measured (default: the real clock). */
  clock?: Clock;
  /** Aborted: the group gets SIGTERM, to wind down. */
  stop?: AbortSignal;
  /** Aborted: the group gets SIGKILL. */
  kill?: AbortSignal;
}

/** How the command ended. */
export interface ShellCommandEnd {
  /** 0, the exit code, or the negative number of the signal that ended it. */
  returnCode: number;
  /** `finished` only for exit code 0 without a timeout or stop. */
  status: 'finished' | 'failed';
  timedOut: boolean;
  /** Set when the worker stopped (`stop`) or killed (`kill`) the command. */
  stoppedBy?: 'stop' | 'kill';
}

function signalNumber(signal: NodeJS.Signals): number {
  return os.constants.signals[signal] ?? 9;
}

/** Sends `signal` to process group `pid`; it may be gone already. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // nothing left to signal
  }
}

/** Node's timers hold at most 2^31-1 ms (24.8 days); longer limits are waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function longTimeout(clock: Clock, callback: () => void, ms: number): { clear(): void } {
  const deadline = clock.now() + ms;
  let handle: TimerHandle | undefined;
  const arm = () => {
    const left = deadline - clock.now();
    handle = left > MAX_TIMER_MS ? clock.setTimeout(arm, MAX_TIMER_MS) : clock.setTimeout(callback, Math.max(0, left));
  };
  arm();
  return { clear: () => clock.clearTimeout(handle) };
}

function streamClosed(stream: Readable | null): Promise<void> {
  if (!stream || stream.destroyed || stream.readableEnded) return Promise.resolve();
  return new Promise((resolve) => stream.once('close', resolve));
}

/**
 * Runs `bash -c <command>` in `cwd` as the leader of a new process group and resolves when it has ended
 * and its output is written. A timeout kills the whole group (`[pipeloom] the entry point timed out after
 * N s` in the log) and fails the run; so does `stop` (SIGTERM) or `kill` (SIGKILL). Whatever the command
 * left running in its group is killed once it exits.
 * @example
 * ```ts
 * const log = new JobLog('/tmp/job/log.txt');
 * const end = await runShellCommand({ command: 'python train.py', cwd: '/tmp/job/workflow', env: process.env, log, timeoutMs: 60_000 });
 * console.log(end.status, end.returnCode);
 * ```
 */
export async function runShellCommand(options: RunShellCommandOptions): Promise<ShellCommandEnd> {
  const { log } = options;
  const clock = options.clock ?? systemClock;
  const outFd = options.stdoutPath ? fs.openSync(options.stdoutPath, 'a') : undefined;
  const errFd = options.stderrPath ? fs.openSync(options.stderrPath, 'a') : undefined;
  let timedOut = false;
  let stoppedBy: 'stop' | 'kill' | undefined;
  // detached: the command leads its own process group, so a kill reaches whatever it started.
  const child = spawn('bash', ['-c', options.command], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const tee = (fd: number | undefined) => (chunk: Buffer) => {
    log.append(chunk);
    if (fd !== undefined) fs.writeSync(fd, chunk);
  };
  child.stdout.on('data', tee(outFd));
  child.stderr.on('data', tee(errFd));

  const onStop = () => {
    if (stoppedBy || timedOut) return;
    stoppedBy = 'stop';
    log.line('the worker stopped the job: its process group was sent SIGTERM');
    signalGroup(child.pid, 'SIGTERM');
  };
  const onKill = () => {
    if (stoppedBy !== 'kill' && !timedOut) log.line('the worker killed the job: its process group was sent SIGKILL');
    stoppedBy = 'kill';
    signalGroup(child.pid, 'SIGKILL');
  };
  const timer = options.timeoutMs === undefined ? undefined : longTimeout(clock, () => {
    if (stoppedBy) return;
    timedOut = true;
    log.line(`the entry point timed out after ${Math.round(options.timeoutMs! / 1000)} s: its process group was killed`);
    signalGroup(child.pid, 'SIGKILL');
  }, options.timeoutMs);
  for (const [signal, listener] of [[options.stop, onStop], [options.kill, onKill]] as const) {
    if (signal?.aborted) listener();
    else signal?.addEventListener('abort', listener, { once: true });
  }

  const exit = await new Promise<{ returnCode: number; spawnError?: string }>((resolve) => {
    child.once('error', (error) => {
      // 'error' also reports a failed kill of a running process; only a process that never started ends here.
      if (child.pid === undefined) resolve({ returnCode: 127, spawnError: error.message });
    });
    child.once('exit', (code, signal) => resolve({ returnCode: code ?? -signalNumber(signal ?? 'SIGKILL') }));
  });
  timer?.clear();
  options.stop?.removeEventListener('abort', onStop);
  options.kill?.removeEventListener('abort', onKill);
  // Background processes of the command would hold its output open, and outlive the job.
  signalGroup(child.pid, 'SIGKILL');
  await Promise.all([streamClosed(child.stdout), streamClosed(child.stderr)]);
  for (const fd of [outFd, errFd]) if (fd !== undefined) fs.closeSync(fd);

  if (exit.spawnError) log.line(`could not start bash: ${exit.spawnError}`);
  let returnCode = exit.returnCode;
  // A command that caught SIGTERM and exited 0 was still stopped.
  if (stoppedBy && returnCode === 0) returnCode = -signalNumber(stoppedBy === 'stop' ? 'SIGTERM' : 'SIGKILL');
  if (!timedOut && !stoppedBy) log.line(`the entry point ended with return code ${returnCode}`);
  const status = returnCode === 0 && !timedOut && !stoppedBy ? 'finished' : 'failed';
  return { returnCode, status, timedOut, ...(stoppedBy ? { stoppedBy } : {}) };
}
