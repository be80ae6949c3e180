/**
 * Starting, watching and stopping one job's process: no shell, its own process group, stdout and stderr
 * in files, optional CPU and memory sampling.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import pidusage from 'pidusage';

/** How a process ended. */
export interface ProcessExit {
  /** Exit code, or the negative signal number (Python's convention, which Torc reports) when killed. */
  returnCode: number;
  signal: NodeJS.Signals | null;
  /** The process could not be started at all (program not found ...): the reason. */
  spawnError?: string;
}

export interface ProcessStats {
  avgCpuPercent: number;
  maxCpuPercent: number;
  avgRss: number;
  maxRss: number;
  numSamples: number;
}

export interface StartOptions {
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  stdoutPath: string;
  stderrPath: string;
  /** Sample CPU and memory this often (ms); no sampling when undefined. */
  statsIntervalMs?: number;
}

/** A running job process. */
export class JobProcess {
  readonly exited: Promise<ProcessExit>;
  private readonly child: ChildProcess;
  private readonly samples: { cpu: number; rss: number }[] = [];
  private sampler?: NodeJS.Timeout;
  private done = false;

  constructor(options: StartOptions) {
    const [program, ...args] = options.args;
    const out = fs.openSync(options.stdoutPath, 'w');
    let err: number | undefined;
    try {
      err = fs.openSync(options.stderrPath, 'w');
      // detached: the job leads its own process group, so a kill reaches whatever it started, and a Ctrl-C
      // meant for the worker does not reach the job before the worker decides what to do with it.
      this.child = spawn(program!, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', out, err], detached: true });
    } finally {
      fs.closeSync(out);
      if (err !== undefined) fs.closeSync(err);
    }
    this.exited = new Promise<ProcessExit>((resolve) => {
      this.child.on('error', (e) => {
        // 'error' also reports a failed kill of a running process; only a process that never started ends here.
        if (this.child.pid !== undefined) return;
        this.finish();
        fs.appendFileSync(options.stderrPath, `pipeloom: could not start ${program}: ${e.message}\n`);
        resolve({ returnCode: 127, signal: null, spawnError: e.message });
      });
      this.child.once('exit', (code, signal) => {
        this.finish();
        resolve({ returnCode: code ?? -(os.constants.signals[signal!] ?? 9), signal });
      });
    });
    if (options.statsIntervalMs && this.child.pid) {
      const pid = this.child.pid;
      const first = Math.min(options.statsIntervalMs, 1_000);
      const sample = () => {
        pidusage(pid).then((s) => {
          if (!this.done) this.samples.push({ cpu: s.cpu, rss: s.memory });
        }, () => {});
      };
      this.sampler = setTimeout(() => {
        if (this.done) return;
        sample();
        this.sampler = setInterval(sample, options.statsIntervalMs);
      }, first);
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private finish() {
    this.done = true;
    clearTimeout(this.sampler);
    clearInterval(this.sampler);
  }

  /** Sends a signal to the job's whole process group (falling back to the process alone). */
  kill(signal: NodeJS.Signals): void {
    if (this.done || !this.child.pid) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      try {
        this.child.kill(signal);
      } catch {
        // already gone
      }
    }
  }

  /** CPU and memory statistics gathered so far. */
  stats(): ProcessStats {
    const n = this.samples.length;
    const sum = (f: (s: { cpu: number; rss: number }) => number) => this.samples.reduce((a, s) => a + f(s), 0);
    return {
      avgCpuPercent: n ? sum((s) => s.cpu) / n : 0,
      maxCpuPercent: n ? Math.max(...this.samples.map((s) => s.cpu)) : 0,
      avgRss: n ? sum((s) => s.rss) / n : 0,
      maxRss: n ? Math.max(...this.samples.map((s) => s.rss)) : 0,
      numSamples: n,
    };
  }
}
