// The whole loop as a user drives it: `pipeloom workflow create|start|status|restart` and `pipeloom worker`,
// all real processes against the real server, running real commands on real files in a temporary directory.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';
import { removeTempDirs, runCli, tempDir, writeFile } from '../cli/helpers.ts';
import { finished, jobs, node, nodeEval, results, startWorker, statuses, type WorkerProcess } from './helpers.ts';

/** Small job scripts. Each appends its job's name to runs.log, then does its work. */
const SCRIPTS: Record<string, string> = {
  'split.mjs': `import fs from 'node:fs';
const [input, a, b] = process.argv.slice(2);
fs.appendFileSync('runs.log', 'split\\n');
const [first, second] = fs.readFileSync(input, 'utf8').trim().split('\\n');
fs.writeFileSync(a, first + '\\n');
fs.writeFileSync(b, second + '\\n');`,
  'upper.mjs': `import fs from 'node:fs';
const [name, input, output] = process.argv.slice(2);
fs.appendFileSync('runs.log', name + '\\n');
fs.writeFileSync(output, fs.readFileSync(input, 'utf8').toUpperCase());`,
  'join.mjs': `import fs from 'node:fs';
const [output, ...inputs] = process.argv.slice(2);
fs.appendFileSync('runs.log', 'join\\n');
fs.writeFileSync(output, inputs.map((i) => fs.readFileSync(i, 'utf8')).join(''));`,
  'count.mjs': `import fs from 'node:fs';
const [name, input, output] = process.argv.slice(2);
fs.appendFileSync('runs.log', name + '\\n');
fs.writeFileSync(output, String(fs.readFileSync(input, 'utf8').trim().length) + '\\n');`,
};

/**
 * in.txt -> split -> a.txt, b.txt; a.txt -> upper-a -> A.txt; b.txt -> upper-b -> B.txt;
 * A.txt + B.txt -> join -> out.txt; B.txt -> count-b -> count.txt; in.txt -> count-in -> in-count.txt.
 */
const pipelineSpec = {
  name: 'pipeline',
  files: [
    { name: 'in', path: 'in.txt' },
    { name: 'a', path: 'a.txt' },
    { name: 'b', path: 'b.txt' },
    { name: 'A', path: 'A.txt' },
    { name: 'B', path: 'B.txt' },
    { name: 'out', path: 'out.txt' },
    { name: 'count', path: 'count.txt' },
    { name: 'in-count', path: 'in-count.txt' },
  ],
  jobs: [
    { name: 'split', command: node('split.mjs', 'in.txt', 'a.txt', 'b.txt'), input_files: ['in'], output_files: ['a', 'b'] },
    { name: 'upper-a', command: node('upper.mjs', 'upper-a', 'a.txt', 'A.txt'), input_files: ['a'], output_files: ['A'] },
    { name: 'upper-b', command: node('upper.mjs', 'upper-b', 'b.txt', 'B.txt'), input_files: ['b'], output_files: ['B'] },
    { name: 'join', command: node('join.mjs', 'out.txt', 'A.txt', 'B.txt'), input_files: ['A', 'B'], output_files: ['out'] },
    { name: 'count-b', command: node('count.mjs', 'count-b', 'B.txt', 'count.txt'), input_files: ['B'], output_files: ['count'] },
    { name: 'count-in', command: node('count.mjs', 'count-in', 'in.txt', 'in-count.txt'), input_files: ['in'], output_files: ['in-count'] },
  ],
};
const PIPELINE_JOBS = pipelineSpec.jobs.map((j) => j.name).sort();

describe.each(PROVIDERS)('pipeloom workflow and pipeloom worker together on %s', (provider) => {
  let t: TestServer;
  const live = new Set<WorkerProcess>();
  beforeAll(async () => { t = await startTestServer(provider); });
  afterAll(async () => {
    for (const w of live) w.child.kill('SIGKILL');
    await Promise.all([...live].map((w) => w.exited));
    await t?.close();
    removeTempDirs();
  });

  const cli = (args: string[], cwd: string) => runCli([...args, '--url', t.url], { cwd });

  /** `pipeloom workflow create <dir>/spec.json`: the new key. */
  async function create(dir: string, spec: object): Promise<string> {
    const r = await cli(['create', writeFile(dir, 'spec.json', JSON.stringify(spec))], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\d+\n$/);
    return r.stdout.trim();
  }

  /** Runs one `pipeloom worker` in `dir` until it leaves; it must leave with 0 because the workflow is complete. */
  async function work(key: string, dir: string) {
    const worker = startWorker(t.url, key, dir, ['--cpus', '2']);
    live.add(worker);
    try {
      const exit = await finished(worker, 45_000);
      expect(exit.code, exit.log).toBe(0);
      expect(exit.summary!.reason).toBe('complete');
      return exit.summary!;
    } finally {
      live.delete(worker);
    }
  }

  it('When a job fails, then the worker cancels its descendants and leaves, and status reports the failure, the canceled jobs and a complete workflow with exit status 1', async () => {
    const dir = tempDir();
    const key = await create(dir, {
      name: 'failing',
      jobs: [
        { name: 'fail', command: nodeEval('process.exit(3)') },
        { name: 'child', command: nodeEval('require("node:fs").writeFileSync("child-ran", "")'), blocked_by: ['fail'] },
        { name: 'grandchild', command: nodeEval('require("node:fs").writeFileSync("grandchild-ran", "")'), blocked_by: ['child'] },
        { name: 'sibling', command: nodeEval('require("node:fs").writeFileSync("sibling-ran", "")') },
      ],
    });
    const started = await cli(['start', key], dir);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toBe(`Started workflow ${key}: run 1\n`);

    const summary = await work(key, dir);
    expect(summary.jobs.map((j) => [j.name, j.status, j.return_code]).sort()).toEqual([['fail', 'done', 3], ['sibling', 'done', 0]]);
    expect(summary.counts).toMatchObject({ done: 1, failed: 1 });
    expect(fs.existsSync(path.join(dir, 'sibling-ran'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'child-ran'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'grandchild-ran'))).toBe(false);
    expect(await statuses(t.client, key)).toEqual({ fail: 'done', child: 'canceled', grandchild: 'canceled', sibling: 'done' });
    const keyOf = Object.fromEntries((await jobs(t.client, key)).map((j) => [j.name!, j._key!]));

    // --help: "1 when it is complete or canceled and some job failed, was canceled or terminated".
    const json = await cli(['status', key, '--json'], dir);
    expect(json.code, json.stderr).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      workflow: key, run_id: 1, total: 4, finished: 4,
      jobs: { done: 1, failed: 1, canceled: 2, terminated: 0, running: 0, ready: 0, scheduled: 0, blocked: 0, uninitialized: 0, disabled: 0 },
      by_status: { uninitialized: 0, disabled: 0, blocked: 0, ready: 0, scheduled: 0, submitted_pending: 0, submitted: 0, done: 2, canceled: 2, terminated: 0 },
      failed_jobs: [keyOf.fail], is_complete: true, is_canceled: false,
    });

    const text = await cli(['status', key], dir);
    expect(text.code, text.stderr).toBe(1);
    expect(text.stdout).toMatch(new RegExp(`^workflow ${key} \\(run 1\\): 4/4 jobs finished\n`));
    expect(text.stdout).toMatch(/^ {2}done +1$/m);
    expect(text.stdout).toMatch(/^ {2}failed +1$/m);
    expect(text.stdout).toMatch(/^ {2}canceled +2$/m);
    expect(text.stdout).toContain('complete: yes, canceled: no');
    expect(text.stdout).toMatch(new RegExp(`^failed jobs: ${keyOf.fail}$`, 'm'));
  });

  it('When an intermediate file is changed after a complete run, then restart and a new worker rerun exactly the jobs downstream of it and no other', async () => {
    const dir = tempDir();
    for (const [name, text] of Object.entries(SCRIPTS)) writeFile(dir, name, text);
    writeFile(dir, 'in.txt', 'left\nright\n');
    const key = await create(dir, pipelineSpec);
    expect((await cli(['start', key], dir)).code).toBe(0);

    // Run 1: everything, once.
    const first = await work(key, dir);
    expect(first.jobs.map((j) => j.name).sort()).toEqual(PIPELINE_JOBS);
    expect(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8')).toBe('LEFT\nRIGHT\n');
    expect(fs.readFileSync(path.join(dir, 'count.txt'), 'utf8')).toBe('5\n');
    expect(fs.readFileSync(path.join(dir, 'runs.log'), 'utf8').trim().split('\n').sort()).toEqual(PIPELINE_JOBS);
    const done = await cli(['status', key, '--json'], dir);
    expect(done.code, done.stdout).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ run_id: 1, jobs: { done: 6, failed: 0 }, is_complete: true });
    const list = await jobs(t.client, key);
    const nameOf = Object.fromEntries(list.map((j) => [j._key!, j.name!]));
    const keyOf = Object.fromEntries(list.map((j) => [j.name!, j._key!]));

    // Edit b.txt, split's output and upper-b's input: new content and a modification time of its own.
    fs.writeFileSync(path.join(dir, 'runs.log'), '');
    const b = path.join(dir, 'b.txt');
    fs.writeFileSync(b, 'changed\n');
    const later = Date.now() / 1000 + 60;
    fs.utimesSync(b, later, later);

    const restarted = await cli(['restart', key, '--json'], dir);
    expect(restarted.code, restarted.stderr).toBe(0);
    const result = JSON.parse(restarted.stdout);
    expect(result).toMatchObject({ key, run_id: 2, reset_jobs: [keyOf['upper-b']], reinitialized_jobs: [] });
    expect(result.changed_files).toEqual([expect.objectContaining({ name: 'b', path: 'b.txt', st_mtime: fs.statSync(b).mtimeMs / 1000 })]);
    expect(await statuses(t.client, key)).toEqual({ split: 'done', 'upper-a': 'done', 'upper-b': 'ready', join: 'blocked', 'count-b': 'blocked', 'count-in': 'done' });

    // Run 2: only what depends on b.txt.
    const second = await work(key, dir);
    expect(second.runId).toBe(2);
    expect(second.jobs.map((j) => j.name).sort()).toEqual(['count-b', 'join', 'upper-b']);
    expect(fs.readFileSync(path.join(dir, 'runs.log'), 'utf8').trim().split('\n').sort()).toEqual(['count-b', 'join', 'upper-b']);
    expect(fs.readFileSync(path.join(dir, 'b.txt'), 'utf8')).toBe('changed\n');
    expect(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8')).toBe('LEFT\nCHANGED\n');
    expect(fs.readFileSync(path.join(dir, 'count.txt'), 'utf8')).toBe('7\n');

    // The server's record: run 1 ran every job once; run 2 ran exactly the three downstream jobs once.
    const stored = await results(t.client, key);
    const ranIn = (run: number) => stored.filter((r) => r.run_id === run).map((r) => nameOf[r.job_key]).sort();
    expect(ranIn(1)).toEqual(PIPELINE_JOBS);
    expect(ranIn(2)).toEqual(['count-b', 'join', 'upper-b']);
    expect(stored).toHaveLength(9);
    expect(stored.every((r) => r.return_code === 0)).toBe(true);
    // Each run writes its own stdio files: run 2's exist for exactly the rerun jobs.
    const stdio = fs.readdirSync(path.join(dir, 'output/job-stdio')).filter((f) => f.endsWith('_2.o')).map((f) => nameOf[f.split('_')[0]!]).sort();
    expect(stdio).toEqual(['count-b', 'join', 'upper-b']);

    const status = await cli(['status', key, '--json'], dir);
    expect(status.code, status.stdout).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ run_id: 2, total: 6, finished: 6, jobs: { done: 6, failed: 0 }, is_complete: true });

    // The new times were recorded by the worker: another restart finds nothing to rerun.
    const again = await cli(['restart', key, '--json'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ run_id: 3, changed_files: [], reset_jobs: [], reinitialized_jobs: [] });
    expect(await statuses(t.client, key)).toEqual(Object.fromEntries(PIPELINE_JOBS.map((n) => [n, 'done'])));
    const idle = await work(key, dir);
    expect(idle.jobs).toEqual([]);
  });
});
