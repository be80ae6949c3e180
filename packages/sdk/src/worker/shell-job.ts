/**
 * The default job kind: a job's `command` (after its `invocation_script`) split by the shared
 * command-line rule and run as a process without a shell.
 * @module
 */
import { splitCommand } from './command-line.js';
import type { JobKind } from './job-kind.js';
import { JobProcess } from './process-runner.js';

/**
 * Runs a job's command as a process in its own process group, its output in the job's stdout/stderr
 * files. On `stop` it sends SIGTERM to a job that supports termination and SIGKILL to any other; on
 * `kill`, SIGKILL.
 */
export const shellCommandJobKind: JobKind = {
  name: 'shell-command',
  matches: () => true,
  async run(job, ctx) {
    const args = splitCommand(job.command, job.invocation_script || undefined, (op) =>
      ctx.log('warn', `job ${job._key}: commands run without a shell, so "${op}" is passed to the program as an argument`));
    const proc = new JobProcess({ args, cwd: ctx.cwd, env: ctx.env, stdoutPath: ctx.stdoutPath, stderrPath: ctx.stderrPath, statsIntervalMs: ctx.statsIntervalMs });
    const onStop = () => proc.kill(job.supports_termination ? 'SIGTERM' : 'SIGKILL');
    const onKill = () => proc.kill('SIGKILL');
    ctx.stop.addEventListener('abort', onStop, { once: true });
    ctx.kill.addEventListener('abort', onKill, { once: true });
    if (ctx.kill.aborted) onKill();
    else if (ctx.stop.aborted) onStop();
    try {
      const exit = await proc.exited;
      return { returnCode: exit.returnCode, stats: ctx.statsIntervalMs ? proc.stats() : undefined };
    } finally {
      ctx.stop.removeEventListener('abort', onStop);
      ctx.kill.removeEventListener('abort', onKill);
    }
  },
};
