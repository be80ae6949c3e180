// `pipeloom worker` end to end: real worker processes against the real server, running real commands on
// real files (spec-and-worker.md §C).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@pipeloom/sdk';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createWorkflow, events, executedBy, finished, jobs, node, nodeEval, results, root, startWorker, statuses, tempDir } from './helpers.ts';

/** The diamond's scripts: preprocess splits the input in two, work upper-cases one part, postprocess joins. */
const SCRIPTS: Record<string, string> = {
  'pre.mjs': `import fs from 'node:fs';
const [input, a, b] = process.argv.slice(2);
const lines = fs.readFileSync(input, 'utf8').trim().split('\\n');
await new Promise((r) => setTimeout(r, 200));
fs.writeFileSync(a, lines[0] + '\\n');
fs.writeFileSync(b, lines[1] + '\\n');
console.log('preprocess wrote', a, b);`,
  'work.mjs': `import fs from 'node:fs';
const [input, output] = process.argv.slice(2);
await new Promise((r) => setTimeout(r, 1000));
fs.writeFileSync(output, fs.readFileSync(input, 'utf8').toUpperCase());
console.log('job', process.env.PIPELOOM_JOB_KEY, 'of', process.env.TORC_WORKFLOW_KEY, 'wrote', output);`,
  'post.mjs': `import fs from 'node:fs';
const [output, ...inputs] = process.argv.slice(2);
fs.writeFileSync(output, inputs.map((i) => fs.readFileSync(i, 'utf8')).join(''));
console.error('postprocess done');`,
};

describe('pipeloom worker', () => {
  let t: TestServer;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    t = await startTestServer('sqlite');
    tmp = tempDir();
    for (const [name, text] of Object.entries(SCRIPTS)) fs.writeFileSync(path.join(tmp.dir, name), text);
  });
  afterAll(async () => {
    await t?.close();
    tmp?.remove();
  });

  it('When two workers serve a diamond workflow, then every job runs once, the outputs exist and are recorded, and the events tell the story', async () => {
    const dir = path.join(tmp.dir, 'diamond');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'in.txt'), 'left\nright\n');
    const key = await createWorkflow(t.client, {
      name: 'diamond',
      config: {
        // Exactly one of the two workers runs it, once.
        workflow_completion_script: nodeEval('require("node:fs").appendFileSync("completion.txt", "ran\\n")'),
        compute_node_resource_stats: { process: true, interval: 0.3 },
      },
      files: ['in.txt', 'f1.txt', 'f2.txt', 'f3.txt', 'f4.txt', 'f5.txt'].map((p) => ({ name: p.replace('.txt', ''), path: p })),
      jobs: [
        { name: 'preprocess', command: node('../pre.mjs', 'in.txt', 'f1.txt', 'f2.txt'), input_files: ['in'], output_files: ['f1', 'f2'] },
        { name: 'work1', command: node('../work.mjs', 'f1.txt', 'f3.txt'), input_files: ['f1'], output_files: ['f3'] },
        { name: 'work2', command: node('../work.mjs', 'f2.txt', 'f4.txt'), input_files: ['f2'], output_files: ['f4'] },
        { name: 'postprocess', command: node('../post.mjs', 'f5.txt', 'f3.txt', 'f4.txt'), input_files: ['f3', 'f4'], output_files: ['f5'] },
      ],
    });
    expect(await statuses(t.client, key)).toEqual({ preprocess: 'ready', work1: 'blocked', work2: 'blocked', postprocess: 'blocked' });

    const workers = [startWorker(t.url, key, dir, ['--cpus', '1']), startWorker(t.url, key, dir, ['--cpus', '1'])];
    const exits = await Promise.all(workers.map((w) => finished(w)));

    for (const exit of exits) {
      expect(exit.code, exit.log).toBe(0);
      expect(exit.summary!.reason).toBe('complete');
    }
    expect(exits.flatMap((e) => e.summary!.jobs.map((j) => j.name)).sort()).toEqual(['postprocess', 'preprocess', 'work1', 'work2']);
    expect(fs.readFileSync(path.join(dir, 'f5.txt'), 'utf8')).toBe('LEFT\nRIGHT\n');
    expect(await statuses(t.client, key)).toEqual({ preprocess: 'done', work1: 'done', work2: 'done', postprocess: 'done' });

    const list = await jobs(t.client, key);
    const stored = await results(t.client, key);
    expect(stored.map((r) => r.job_key).sort()).toEqual(list.map((j) => j._key).sort());
    expect(stored.every((r) => r.return_code === 0 && r.status === 'done' && r.run_id === 1)).toBe(true);

    // Outputs are recorded with the mtime the worker read.
    const files = (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/files', { params: { path: { workflow: key } } }))).items!;
    for (const f of files.filter((f) => f.name !== 'in')) {
      expect(f.st_mtime, f.name).toBeCloseTo(fs.statSync(path.join(dir, f.path)).mtimeMs / 1000, 3);
    }
    // Job output goes to <output-dir>/job-stdio/<job_key>_<run_id>.{o,e} (Torc's naming).
    const work1 = list.find((j) => j.name === 'work1')!;
    expect(fs.readFileSync(path.join(dir, 'output/job-stdio', `${work1._key}_1.o`), 'utf8')).toBe(`job ${work1._key} of ${key} wrote f3.txt\n`);
    const post = list.find((j) => j.name === 'postprocess')!;
    expect(fs.readFileSync(path.join(dir, 'output/job-stdio', `${post._key}_1.e`), 'utf8')).toBe('postprocess done\n');

    expect(fs.readFileSync(path.join(dir, 'completion.txt'), 'utf8')).toBe('ran\n');
    // Process statistics of the jobs that lived long enough to be sampled (the transforms take a second).
    const stats = (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/job_process_stats', { params: { path: { workflow: key } } }))).items!;
    for (const name of ['work1', 'work2']) {
      const s = stats.find((x) => x.job_key === list.find((j) => j.name === name)!._key);
      expect(s, name).toMatchObject({ run_id: 1, num_samples: expect.any(Number) });
      expect(s!.num_samples).toBeGreaterThan(0);
      expect(s!.max_rss).toBeGreaterThan(1_000_000);
      expect(s!.max_rss).toBeGreaterThanOrEqual(s!.avg_rss);
    }
    const used = (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: key, name: 'process_used' } } }))).items!;
    expect(used.map((e) => e._to).sort()).toEqual(stats.map((x) => x._id).sort());

    const all = await events(t.client, key);
    const count = (category: string, type: string) => all.filter((e) => e.category === category && e.type === type);
    for (const job of list) {
      expect(count('job', 'start').filter((e) => e.job_key === job._key), job.name).toHaveLength(1);
      expect(count('job', 'complete').filter((e) => e.job_key === job._key), job.name).toHaveLength(1);
    }
    expect(count('worker', 'start')).toHaveLength(2);
    expect(count('worker', 'stop')).toHaveLength(2);

    // The transforms ran side by side, one on each worker; both compute nodes are inactive now.
    const by = await executedBy(t.client, key);
    expect(new Set([...by.work1!, ...by.work2!]).size).toBe(2);
    const nodes = (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/compute_nodes', { params: { path: { workflow: key } } }))).items!;
    expect(nodes).toHaveLength(2);
    expect(nodes.every((n) => n.is_active === false && (n.duration_seconds ?? 0) > 0)).toBe(true);
  });

  it('When a job fails or does not produce its output, then its descendants are canceled, the workflow completes and the workers leave', async () => {
    const dir = path.join(tmp.dir, 'failure');
    fs.mkdirSync(dir);
    const key = await createWorkflow(t.client, {
      name: 'failure',
      files: [{ name: 'ghost', path: 'ghost.txt' }],
      jobs: [
        { name: 'fail', command: nodeEval('process.exit(3)') },
        { name: 'child', command: nodeEval(''), blocked_by: ['fail'] },
        { name: 'grandchild', command: nodeEval(''), blocked_by: ['child'] },
        { name: 'liar', command: nodeEval('console.log("I will not write ghost.txt")'), output_files: ['ghost'] },
        { name: 'needs-ghost', command: nodeEval(''), input_files: ['ghost'] },
        { name: 'fine', command: nodeEval('') },
        { name: 'no-such-program', command: 'pipeloom-no-such-program --flag' },
      ],
    });

    const exits = await Promise.all([startWorker(t.url, key, dir), startWorker(t.url, key, dir)].map((w) => finished(w)));

    for (const exit of exits) {
      expect(exit.code, exit.log).toBe(0);
      expect(exit.summary!.reason).toBe('complete');
    }
    expect(await statuses(t.client, key)).toEqual({ fail: 'done', child: 'canceled', grandchild: 'canceled', liar: 'done', 'needs-ghost': 'canceled', fine: 'done', 'no-such-program': 'done' });
    const list = await jobs(t.client, key);
    const codes = Object.fromEntries((await results(t.client, key)).map((r) => [list.find((j) => j._key === r.job_key)!.name, r.return_code]));
    expect(codes).toEqual({ fail: 3, liar: 1, fine: 0, 'no-such-program': 127 });
    expect(exits.reduce((n, e) => n + e.summary!.counts.failed, 0)).toBe(3);
    const missing = list.find((j) => j.name === 'no-such-program')!;
    expect(fs.readFileSync(path.join(dir, 'output/job-stdio', `${missing._key}_1.e`), 'utf8')).toContain('could not start pipeloom-no-such-program');
    expect((await unwrap(t.client.GET('/torc-service/workflows/{key}/is_complete', { params: { path: { key } } }))).is_complete).toBe(true);
  });

  it('When a workflow has not been started, then the worker refuses to run and says why', async () => {
    const w = await unwrap(t.client.POST('/torc-service/workflow_specifications', { body: { user: 'tester', name: 'unstarted', jobs: [{ name: 'a', command: 'true' }] } }));
    const exit = await finished(startWorker(t.url, w._key!, tmp.dir));
    expect(exit.code).toBe(1);
    expect(exit.log).toContain('has not been started');
  });

  it('When asked for help, then `pipeloom worker --help` documents every option', () => {
    const help = spawnSync(process.execPath, [path.join(root, 'packages/sdk/bin/pipeloom.js'), 'worker', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const option of ['[workflow-key]', '--queue <name>', '--wait-for-new-jobs <seconds>', '--url <server>', '--token <token>', '--cpus <n>', '--memory <GiB>', '--gpus <n>', '--time-limit <duration>', '--max-parallel-jobs <n>', '--output-dir <dir>', '--poll-interval <seconds>']) {
      expect(help.stdout).toContain(option);
    }
    const text = help.stdout.replace(/\s+/g, ' ');
    expect(text).toMatch(/--cpus <n> [^-]*\(default: \d+, os\.availableParallelism\(\)\)/);
    expect(text).toMatch(/--memory <GiB> [^-]*\(default: [\d.]+, the total RAM\)/);
    expect(text).toMatch(/--gpus <n> [^-]*\(default: 0\)/);
    expect(text).toMatch(/--output-dir <dir> .*\(default: \.\/output\)/);
  });
});
