// `pipeloom workflow restart` reruns exactly what changed: a real CLI process against the real server, on
// Torc's diamond with its files in a temporary run directory. Jobs are driven to done through the API by a
// stand-in worker that writes each job's outputs and records their modification times.
import fs from 'node:fs';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@pipeloom/sdk';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';
import { diamondSpec, jobStatuses, removeTempDirs, runCli, runId, runJobs, tempDir, touch, writeFile } from './helpers.ts';

const ALL_DONE = { preprocess: 'done', work1: 'done', work2: 'done', postprocess: 'done' };

describe.each(PROVIDERS)('pipeloom workflow restart on %s', (provider) => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer(provider); });
  afterAll(async () => {
    await t?.close();
    removeTempDirs();
  });
  const cli = (args: string[], cwd: string) => runCli([...args, '--url', t.url], { cwd });

  /** The diamond (from a YAML file), started and run to the end in its own directory. */
  async function finishedDiamond() {
    const dir = tempDir();
    writeFile(dir, 'data/inputs.json', '{"n": 1}');
    const created = await cli(['create', writeFile(dir, 'diamond.yaml', toYaml(diamondSpec))], dir);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect((await cli(['start', key], dir)).code).toBe(0);
    expect((await runJobs(t.client, key, dir)).sort()).toEqual(['postprocess', 'preprocess', 'work1', 'work2']);
    expect(await jobStatuses(t.client, key)).toEqual(ALL_DONE);
    const jobs = (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: key } } }))).items!;
    const keyOf = Object.fromEntries(jobs.map((j) => [j.name!, j._key!]));
    return { dir, key, keyOf, jobs };
  }
  const restart = async (key: string, dir: string, ...args: string[]) => {
    const r = await cli(['restart', key, '--json', ...args], dir);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { run_id: number; changed_files: { name: string; st_mtime: number | null }[]; reset_jobs: string[]; reinitialized_jobs: string[] };
  };
  const restartEvents = async (key: string) =>
    (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/events', { params: { path: { workflow: key }, query: { category: 'workflow' } } }))).items!.filter((e) => e.type === 'restart');

  it('When nothing changed since the run, then restart bumps run_id and reruns nothing', async () => {
    const d = await finishedDiamond();
    const result = await restart(d.key, d.dir);
    expect(result).toEqual({ key: d.key, run_id: 2, changed_files: [], reset_jobs: [], reinitialized_jobs: [] });
    expect(await runId(t.client, d.key)).toBe(2);
    expect(await jobStatuses(t.client, d.key)).toEqual(ALL_DONE);
    expect(await runJobs(t.client, d.key, d.dir)).toEqual([]);
    expect(await restartEvents(d.key)).toMatchObject([{ category: 'workflow', type: 'restart', run_id: 2 }]);
  });

  it('When an intermediate file is touched on disk, then exactly the jobs that need it and their descendants rerun', async () => {
    const d = await finishedDiamond();
    const f2 = path.join(d.dir, 'output/f2.json');
    touch(f2);

    const result = await restart(d.key, d.dir);
    expect(result.changed_files).toEqual([expect.objectContaining({ name: 'f2', st_mtime: fs.statSync(f2).mtimeMs / 1000 })]);
    expect(result.reset_jobs).toEqual([d.keyOf.work2]);
    expect(await jobStatuses(t.client, d.key)).toEqual({ preprocess: 'done', work1: 'done', work2: 'ready', postprocess: 'blocked' });
    expect(await runJobs(t.client, d.key, d.dir)).toEqual(['work2', 'postprocess']);
    expect(await jobStatuses(t.client, d.key)).toEqual(ALL_DONE);

    // The new time is recorded: a second restart finds nothing to do.
    expect(await restart(d.key, d.dir)).toMatchObject({ run_id: 3, changed_files: [], reset_jobs: [], reinitialized_jobs: [] });
  });

  it('When the workflow\'s input file is touched, then every job reruns', async () => {
    const d = await finishedDiamond();
    touch(path.join(d.dir, 'data/inputs.json'));
    const r = await cli(['restart', d.key], d.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Restarted workflow ${d.key}: run 2; 1 changed file(s) (inputs); 1 job(s) reset directly (their descendants with them)\n`);
    expect(await jobStatuses(t.client, d.key)).toEqual({ preprocess: 'ready', work1: 'blocked', work2: 'blocked', postprocess: 'blocked' });
    expect((await runJobs(t.client, d.key, d.dir)).sort()).toEqual(['postprocess', 'preprocess', 'work1', 'work2']);
  });

  it('When a done job\'s output file was deleted, then exactly that job reruns', async () => {
    const d = await finishedDiamond();
    fs.rmSync(path.join(d.dir, 'output/f5.json'));
    const result = await restart(d.key, d.dir);
    expect(result.changed_files).toEqual([expect.objectContaining({ name: 'f5', st_mtime: null })]);
    expect(result.reset_jobs).toEqual([d.keyOf.postprocess]);
    expect(await jobStatuses(t.client, d.key)).toEqual({ preprocess: 'done', work1: 'done', work2: 'done', postprocess: 'ready' });
    expect(await runJobs(t.client, d.key, d.dir)).toEqual(['postprocess']);
    expect(fs.existsSync(path.join(d.dir, 'output/f5.json'))).toBe(true);
  });

  it('When a job\'s command changed, then exactly it and its descendants rerun', async () => {
    const d = await finishedDiamond();
    const work1 = d.jobs.find((j) => j.name === 'work1')!;
    await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow: d.key, key: work1._key! } }, body: { ...work1, command: 'python work.py 1 --again' } }));

    const result = await restart(d.key, d.dir);
    expect(result.reset_jobs).toEqual([]);
    expect(result.reinitialized_jobs.sort()).toEqual([d.keyOf.work1, d.keyOf.postprocess].sort());
    expect(await jobStatuses(t.client, d.key)).toEqual({ preprocess: 'done', work1: 'ready', work2: 'done', postprocess: 'blocked' });
    expect(await runJobs(t.client, d.key, d.dir)).toEqual(['work1', 'postprocess']);
  });

  it('When restarting with --only-uninitialized, then the reset jobs are initialized and the done ones are not touched', async () => {
    const d = await finishedDiamond();
    const pre = (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow: d.key, key: d.keyOf.work1! } } })));
    touch(path.join(d.dir, 'output/f2.json'));
    const result = await restart(d.key, d.dir, '--only-uninitialized');
    expect(result.reset_jobs).toEqual([d.keyOf.work2]);
    expect(await jobStatuses(t.client, d.key)).toEqual({ preprocess: 'done', work1: 'done', work2: 'ready', postprocess: 'blocked' });
    expect((await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow: d.key, key: d.keyOf.work1! } } })))._rev).toBe(pre._rev);
  });

  it('When a required input file vanished, then restart refuses before changing anything', async () => {
    const d = await finishedDiamond();
    fs.rmSync(path.join(d.dir, 'data/inputs.json'));
    const r = await cli(['restart', d.key], d.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('inputs (data/inputs.json)');
    expect(await runId(t.client, d.key)).toBe(1);
    expect(await jobStatuses(t.client, d.key)).toEqual(ALL_DONE);
    expect(await restartEvents(d.key)).toEqual([]);
  });
});
