// Runs `pipeloom workflow ...` as a real child process, and plays a worker through the API so tests can
// drive jobs to done without running their commands.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unwrap, type PipeloomClient } from '@pipeloom/sdk';

export const root = path.resolve(import.meta.dirname, '../..');
// The `pipeloom` bin, exactly as it ships: it runs the SDK built by test/global-setup.ts.
const bin = path.join(root, 'packages/sdk/bin/pipeloom.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The user the CLI sees as the OS user in these tests. */
export const OS_USER = 'cli-os-user';

/** Runs `pipeloom workflow <args>`; killed after `timeoutMs`. */
export function runCli(args: string[], options: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliResult> & { child: ReturnType<typeof spawn> } {
  const env: Record<string, string | undefined> = { ...process.env, LOGNAME: OS_USER, USER: OS_USER, CI: 'true', ...options.env };
  delete env.PIPELOOM_URL;
  delete env.PIPELOOM_TOKEN;
  const child = spawn(process.execPath, [bin, 'workflow', ...args], {
    cwd: options.cwd ?? root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return Object.assign(done, { child });
}

/** Resolves once everything the child printed on stdout so far matches `pattern`. */
export function waitForOutput(child: ReturnType<typeof spawn>, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => { child.stdout!.off('data', onData); reject(new Error(`no output matching ${pattern} within ${timeoutMs} ms; got: ${seen}`)); }, timeoutMs);
    function onData(d: Buffer | string) {
      seen += String(d);
      if (pattern.test(seen)) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve();
      }
    }
    child.stdout!.on('data', onData);
  });
}

/** A fresh temporary directory; removed by `removeTempDirs`. */
const dirs: string[] = [];
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-cli-'));
  dirs.push(dir);
  return dir;
}
export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes `content` to `dir/relative`, creating folders. */
export function writeFile(dir: string, relative: string, content = 'x'): string {
  const file = path.join(dir, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

/** Moves a file's modification time `seconds` into the future, as an edit would. */
export function touch(file: string, seconds = 120): void {
  const t = Date.now() / 1000 + seconds;
  fs.utimesSync(file, t, t);
}

export async function jobStatuses(client: PipeloomClient, workflow: string): Promise<Record<string, string>> {
  const list = await unwrap(client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow } } }));
  return Object.fromEntries(list.items!.map((j) => [j.name!, j.status!]));
}

export async function runId(client: PipeloomClient, key: string): Promise<number> {
  return (await unwrap(client.GET('/torc-service/workflows/{key}/status', { params: { path: { key } } }))).run_id;
}

/**
 * Plays a worker in `dir`: claims every ready job round after round (claim_jobs), writes each job's output
 * files and records their modification time as Torc's worker does, then completes the batch (complete_jobs)
 * with the return code `returnCodes[name]` (default 0). Returns the names of the jobs it ran.
 */
export async function runJobs(client: PipeloomClient, workflow: string, dir: string, returnCodes: Record<string, number> = {}): Promise<string[]> {
  const run = await runId(client, workflow);
  const node = await unwrap(client.POST('/torc-service/workflows/{workflow}/compute_nodes', {
    params: { path: { workflow } }, body: { hostname: 'test-worker', pid: process.pid, start_time: new Date().toISOString(), resources: { num_cpus: 64, memory_gb: 256 } },
  }));
  const ran: string[] = [];
  for (;;) {
    const { jobs } = await unwrap(client.POST('/torc-service/workflows/{key}/claim_jobs', { params: { path: { key: workflow } }, body: { compute_node_key: node._key!, run_id: run, limit: 1000 } }));
    if (jobs.length === 0) return ran;
    for (const job of jobs) {
      const outputs = await unwrap(client.GET('/torc-service/workflows/{workflow}/files/produced_by_job/{key}', { params: { path: { workflow, key: job._key! } } }));
      for (const file of outputs.items ?? []) {
        const written = writeFile(dir, file.path, `${job.name} run ${run}`);
        const { _oldRev: _, ...body } = file;
        await unwrap(client.PUT('/torc-service/workflows/{workflow}/files/{key}', { params: { path: { workflow, key: file._key! } }, body: { ...body, st_mtime: fs.statSync(written).mtimeMs / 1000 } }));
      }
    }
    await unwrap(client.POST('/torc-service/workflows/{key}/complete_jobs', {
      params: { path: { key: workflow } },
      body: {
        compute_node_key: node._key!,
        run_id: run,
        completions: jobs.map((job) => {
          const rc = returnCodes[job.name!] ?? 0;
          return { job_key: job._key!, rev: job._rev!, status: 'done' as const, result: { job_key: job._key!, run_id: run, return_code: rc, exec_time_minutes: 0.01, completion_time: new Date().toISOString(), status: 'done' } };
        }),
      },
    }));
    ran.push(...jobs.map((j) => j.name!));
  }
}

/**
 * Torc's diamond through files, with paths relative to the run directory: `inputs` (must exist) ->
 * preprocess -> f1, f2 -> work1 / work2 -> f3, f4 -> postprocess -> f5.
 */
export const diamondSpec = {
  name: 'diamond',
  files: [
    { name: 'inputs', path: 'data/inputs.json' },
    ...['f1', 'f2', 'f3', 'f4', 'f5'].map((name) => ({ name, path: `output/${name}.json` })),
  ],
  jobs: [
    { name: 'preprocess', command: 'python pre.py', input_files: ['inputs'], output_files: ['f1', 'f2'] },
    { name: 'work1', command: 'python work.py 1', input_files: ['f1'], output_files: ['f3'] },
    { name: 'work2', command: 'python work.py 2', input_files: ['f2'], output_files: ['f4'] },
    { name: 'postprocess', command: 'python post.py', input_files: ['f3', 'f4'], output_files: ['f5'] },
  ],
};
