// `pipeloom workflow create|start|status|cancel` as a user runs them: a real CLI process against the real
// server, checked through the API.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import JSON5 from 'json5';
import { stringify as toYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@pipeloom/sdk';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';
import { diamondSpec, jobStatuses, OS_USER, removeTempDirs, root, runCli, runId, runJobs, tempDir, waitForOutput, writeFile } from './helpers.ts';

const fixtures = path.join(root, 'test/fixtures/torc-examples');

/** A port nothing listens on. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('pipeloom workflow --help', () => {
  it('When a user asks for help, then every command is listed and each documents its options and exit statuses', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['create', 'start', 'restart', 'status', 'cancel']) expect(top.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(top.stdout).toContain('Exit status:');
    expect(top.stdout).toContain('PIPELOOM_URL');

    const help = Object.fromEntries(await Promise.all(['create', 'start', 'restart', 'status', 'cancel'].map(async (c) => [c, (await runCli([c, '--help'])).stdout] as const)));
    for (const text of Object.values(help)) expect(text).toMatch(/--url <url>[\s\S]*--token <token>[\s\S]*--json/);
    expect(help.create).toMatch(/--user <user>/);
    expect(help.create).toMatch(/JSON5/);
    expect(help.start).toMatch(/--force[\s\S]*--ignore-missing-data/);
    expect(help.restart).toMatch(/--only-uninitialized/);
    expect(help.status).toMatch(/--watch[\s\S]*--interval <seconds>[\s\S]*--timeout <seconds>/);
    expect(help.status).toMatch(/Exit status: 0 when the workflow is complete/);
  });

  it('When a command is misused, then it exits 2 and says what is wrong', async () => {
    const r = await runCli(['status']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required argument 'key'");
  });
});

describe.each(PROVIDERS)('pipeloom workflow on %s', (provider) => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer(provider); });
  afterAll(async () => {
    await t?.close();
    removeTempDirs();
  });
  const cli = (args: string[], options: { cwd?: string } = {}) => runCli([...args, '--url', t.url], options);
  const getWorkflow = (key: string) => unwrap(t.client.GET('/torc-service/workflows/{key}', { params: { path: { key } } }));
  const events = async (key: string) => (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/events', { params: { path: { workflow: key }, query: { category: 'workflow' } } }))).items!;

  /** Creates a workflow from `spec` (written as JSON into `dir`) through the CLI and returns its key. */
  async function create(dir: string, spec: object): Promise<string> {
    const file = writeFile(dir, 'spec.json', JSON.stringify(spec));
    const r = await cli(['create', file]);
    expect(r.stderr).toBe(`Created workflow ${r.stdout.trim()}${'name' in spec ? ` (${String(spec.name)})` : ''} from ${file}\n`);
    expect(r.code).toBe(0);
    return r.stdout.trim();
  }

  describe('create', () => {
    it('When the specification is a .json file without a user, then the workflow is created for the OS user and only its key is printed', async () => {
      const r = await cli(['create', path.join(fixtures, 'workflow.json')]);
      expect(r.code).toBe(0);
      const key = r.stdout.trim();
      expect(r.stdout).toMatch(/^\d+\n$/);
      expect((await getWorkflow(key)).user).toBe(OS_USER);
      expect(await jobStatuses(t.client, key)).toEqual({ work: 'uninitialized', postprocess: 'uninitialized' });
      const spec = await unwrap(t.client.GET('/torc-service/workflow_specifications/{key}', { params: { path: { key } } }));
      expect(spec.resource_requirements!.map((rr) => rr.name)).toEqual(expect.arrayContaining(['medium', 'small']));
      expect(spec.files!.map((f) => f.name).sort()).toEqual(['f1', 'f2', 'f3', 'postprocess_script', 'work_script']);
    });

    it('When the specification is a .json5 file and --json and --user are given, then the whole workflow document is printed, owned by that user', async () => {
      const r = await cli(['create', path.join(fixtures, 'diamond_workflow.json5'), '--json', '--user', 'alice']);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc).toMatchObject({ name: 'diamond_workflow', user: 'alice', is_archived: false });
      expect(doc).toEqual(await getWorkflow(doc._key));
      expect(Object.keys(await jobStatuses(t.client, doc._key)).sort()).toEqual(['postprocess', 'preprocess', 'work1', 'work2']);
    });

    it('When the specification is a .yaml file naming its user, then that user owns it and the job dependencies are those of the file', async () => {
      const dir = tempDir();
      const spec = { user: 'bob', ...JSON5.parse(fs.readFileSync(path.join(fixtures, 'manual_job_dependencies.json5'), 'utf8')) };
      const file = writeFile(dir, 'manual.yaml', toYaml(spec));
      const r = await cli(['create', file]);
      expect(r.code).toBe(0);
      const key = r.stdout.trim();
      expect((await getWorkflow(key)).user).toBe('bob');
      const back = await unwrap(t.client.GET('/torc-service/workflow_specifications/{key}', { params: { path: { key } } }));
      expect(back.jobs!.find((j) => j.name === 'postprocess')!.blocked_by!.sort()).toEqual(['job1', 'job2', 'job3']);
    });

    it('When a file entry carries a cli_arg, then the path is appended to the command, as Torc\'s CLI does', async () => {
      const dir = tempDir();
      const key = await create(dir, { name: 'args', files: [{ name: 'in', path: 'data/in.csv' }], jobs: [{ name: 'work', command: 'python work.py', input_files: [{ name: 'in', cli_arg: '--input' }] }] });
      const back = await unwrap(t.client.GET('/torc-service/workflow_specifications/{key}', { params: { path: { key } } }));
      expect(back.jobs![0]).toMatchObject({ command: 'python work.py --input=data/in.csv', input_files: ['in'] });
    });

    it('When the file has an unknown ending, broken syntax or a reference the server rejects, then create exits 2 with the reason and no workflow is made', async () => {
      const dir = tempDir();
      const before = (await unwrap(t.client.GET('/torc-service/workflows'))).total_count;
      const txt = await cli(['create', writeFile(dir, 'spec.txt', '{}')]);
      expect(txt.code).toBe(2);
      expect(txt.stderr).toMatch(/cannot tell the format of .*spec\.txt: use a file ending in \.json, \.json5, \.yaml, \.yml/);
      const broken = await cli(['create', writeFile(dir, 'broken.json5', '{ name: "x", jobs: [ }')]);
      expect(broken.code).toBe(2);
      expect(broken.stderr).toMatch(/broken\.json5 is not valid JSON5/);
      const missing = await cli(['create', path.join(dir, 'nope.json')]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/ENOENT/);
      const unknown = await cli(['create', writeFile(dir, 'bad.yaml', toYaml({ jobs: [{ name: 'a', command: 'true', blocked_by: ['ghost'] }] }))]);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/the server answered 400 .*ghost/);
      expect((await unwrap(t.client.GET('/torc-service/workflows'))).total_count).toBe(before);
    });

    it('When the server cannot be reached, then the CLI says so and exits 2', async () => {
      const port = await freePort();
      const r = await runCli(['create', path.join(fixtures, 'workflow.json'), '--url', `http://127.0.0.1:${port}`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`pipeloom workflow create: error: cannot reach the Pipeloom server at http://127.0.0.1:${port}: ECONNREFUSED\n`);
    });
  });

  describe('start', () => {
    it('When a required input file is missing, then start fails naming it and changes nothing; once the file exists, start bumps run_id, initializes the jobs and records the start', async () => {
      const dir = tempDir();
      const key = await create(dir, diamondSpec);
      const files = async () => (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/files', { params: { path: { workflow: key } } }))).items!;
      const filesBefore = await files();

      const refused = await cli(['start', key], { cwd: dir });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`workflow ${key} cannot run: 1 required input file(s) do not exist`);
      expect(refused.stderr).toContain('inputs (data/inputs.json)');
      expect(await runId(t.client, key)).toBe(0);
      expect(new Set(Object.values(await jobStatuses(t.client, key)))).toEqual(new Set(['uninitialized']));
      expect(await events(key)).toEqual([]);
      expect(await files()).toEqual(filesBefore);

      const inputs = writeFile(dir, 'data/inputs.json', '{}');
      const started = await cli(['start', key], { cwd: dir });
      expect(started.stderr).toBe('Recorded the modification time of 1 file(s)\n');
      expect(started.code).toBe(0);
      expect(started.stdout).toBe(`Started workflow ${key}: run 1\n`);
      expect(await runId(t.client, key)).toBe(1);
      expect(await jobStatuses(t.client, key)).toEqual({ preprocess: 'ready', work1: 'blocked', work2: 'blocked', postprocess: 'blocked' });
      expect((await files()).find((f) => f.name === 'inputs')!.st_mtime).toBeCloseTo(fs.statSync(inputs).mtimeMs / 1000, 6);
      expect(await events(key)).toMatchObject([{ category: 'workflow', type: 'start', run_id: 1 }]);

      // A second start begins again from scratch, one run further.
      await runJobs(t.client, key, dir);
      const again = await cli(['start', key, '--json'], { cwd: dir });
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toEqual({ key, run_id: 2, updated_files: [] });
      expect(await jobStatuses(t.client, key)).toEqual({ preprocess: 'ready', work1: 'blocked', work2: 'blocked', postprocess: 'blocked' });
    });

    it('When consumed user data is still empty, then start fails naming it and changes nothing', async () => {
      const dir = tempDir();
      const key = await create(dir, { name: 'needs-data', user_data: [{ name: 'settings', data: {} }], jobs: [{ name: 'a', command: 'true', input_user_data: ['settings'] }] });
      const r = await cli(['start', key], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`workflow ${key} cannot run: jobs consume user data that is still empty: settings \\(key \\d+\\)`));
      expect(await runId(t.client, key)).toBe(0);
      // --ignore-missing-data goes on anyway.
      const forced = await cli(['start', key, '--ignore-missing-data'], { cwd: dir });
      expect(forced.code).toBe(0);
      expect(await jobStatuses(t.client, key)).toEqual({ a: 'ready' });
    });

    it('When the workflow is archived, or has jobs running, then start refuses', async () => {
      const dir = tempDir();
      const key = await create(dir, { name: 'guarded', jobs: [{ name: 'a', command: 'true' }, { name: 'b', command: 'true' }] });
      expect((await cli(['start', key], { cwd: dir })).code).toBe(0);
      const node = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/compute_nodes', { params: { path: { workflow: key } }, body: { hostname: 'h', pid: 1, start_time: 'now', resources: { num_cpus: 1, memory_gb: 1 } } }));
      await unwrap(t.client.POST('/torc-service/workflows/{key}/claim_jobs', { params: { path: { key } }, body: { compute_node_key: node._key!, run_id: 1, limit: 1 } }));
      const running = await cli(['start', key], { cwd: dir });
      expect(running.code).toBe(2);
      expect(running.stderr).toContain(`workflow ${key} has 1 running job(s)`);
      expect(await runId(t.client, key)).toBe(1);

      const w = await getWorkflow(key);
      await unwrap(t.client.PUT('/torc-service/workflows/{key}', { params: { path: { key } }, body: { ...w, is_archived: true } }));
      const archived = await cli(['start', key], { cwd: dir });
      expect(archived.code).toBe(2);
      expect(archived.stderr).toContain(`workflow ${key} is archived`);
    });

    it('When the workflow has a startup script, then start runs it in the working directory before checking files, and a failing script stops the start', async () => {
      const dir = tempDir();
      writeFile(dir, 'setup.mjs', "import fs from 'node:fs'; fs.writeFileSync('ran.txt', process.argv[2]);");
      const key = await create(dir, { name: 'scripted', config: { workflow_startup_script: `${process.execPath} setup.mjs "hello there"` }, jobs: [{ name: 'a', command: 'true' }] });
      expect((await cli(['start', key], { cwd: dir })).code).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'ran.txt'), 'utf8')).toBe('hello there');

      writeFile(dir, 'fail.mjs', 'process.exit(3);');
      const failing = await create(dir, { name: 'failing-script', config: { workflow_startup_script: `${process.execPath} fail.mjs` }, jobs: [{ name: 'a', command: 'true' }] });
      const r = await cli(['start', failing], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('the workflow startup script failed (exit code 3)');
      expect(await runId(t.client, failing)).toBe(0);
    });
  });

  describe('status', () => {
    /** a and b run side by side; c waits for a. */
    const spec = { name: 'three', jobs: [{ name: 'a', command: 'true' }, { name: 'b', command: 'true' }, { name: 'c', command: 'true', blocked_by: ['a'] }] };

    it('When jobs are ready and blocked, then status counts them, --json gives the snapshot, and the exit status 3 says the workflow is not complete', async () => {
      const dir = tempDir();
      const key = await create(dir, spec);
      await cli(['start', key], { cwd: dir });
      const r = await cli(['status', key, '--json']);
      expect(r.code).toBe(3);
      expect(JSON.parse(r.stdout)).toEqual({
        workflow: key, run_id: 1, total: 3, finished: 0,
        jobs: { done: 0, failed: 0, canceled: 0, terminated: 0, running: 0, ready: 2, scheduled: 0, blocked: 1, uninitialized: 0, disabled: 0 },
        by_status: { uninitialized: 0, disabled: 0, blocked: 1, ready: 2, scheduled: 0, submitted_pending: 0, submitted: 0, done: 0, canceled: 0, terminated: 0 },
        failed_jobs: [], is_complete: false, is_canceled: false,
      });
      const text = await cli(['status', key]);
      expect(text.stdout).toMatch(new RegExp(`^workflow ${key} \\(run 1\\): 0/3 jobs finished\n`));
      expect(text.stdout).toMatch(/^ {2}ready +2$/m);
      expect(text.stdout).toMatch(/^ {2}blocked +1$/m);
      expect(text.stdout).toContain('complete: no, canceled: no');
    });

    it('When a job failed in the current run, then it is counted as failed rather than done and the exit status is 1; when all succeed it is 0', async () => {
      const dir = tempDir();
      const key = await create(dir, spec);
      await cli(['start', key], { cwd: dir });
      await runJobs(t.client, key, dir, { b: 1 });
      const r = await cli(['status', key, '--json']);
      expect(r.code).toBe(1);
      const snapshot = JSON.parse(r.stdout);
      expect(snapshot).toMatchObject({ finished: 3, total: 3, is_complete: true, jobs: { done: 2, failed: 1 }, by_status: { done: 3 } });
      const b = (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: key }, query: { name: 'b' } } }))).items![0]!;
      expect(snapshot.failed_jobs).toEqual([b._key]);
      expect((await cli(['status', key])).stdout).toMatch(new RegExp(`failed jobs: ${b._key}$`, 'm'));

      // A new run starts clean: the old failure belongs to run 1.
      await cli(['start', key], { cwd: dir });
      await runJobs(t.client, key, dir);
      const ok = await cli(['status', key, '--json']);
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ run_id: 2, jobs: { done: 3, failed: 0 }, is_complete: true });
    });

    it('When --watch runs without a terminal, then it prints a line per change until the workflow completes and exits 0', async () => {
      const dir = tempDir();
      const key = await create(dir, spec);
      await cli(['start', key], { cwd: dir });
      const watch = cli(['status', key, '--watch', '--interval', '0.2']);
      // Wait until it has printed the first state, then finish the jobs in two steps, each seen by the watch.
      await waitForOutput(watch.child, /ready 2, blocked 1\n/);
      const node = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/compute_nodes', { params: { path: { workflow: key } }, body: { hostname: 'h', pid: 1, start_time: 'now', resources: { num_cpus: 1, memory_gb: 1 } } }));
      const { jobs } = await unwrap(t.client.POST('/torc-service/workflows/{key}/claim_jobs', { params: { path: { key } }, body: { compute_node_key: node._key!, run_id: 1, limit: 1 } }));
      await waitForOutput(watch.child, /running 1, ready 1, blocked 1\n/);
      await unwrap(t.client.POST('/torc-service/workflows/{key}/complete_jobs', {
        params: { path: { key } },
        body: { compute_node_key: node._key!, run_id: 1, completions: [{ job_key: jobs[0]!._key!, rev: jobs[0]!._rev!, status: 'done', result: { job_key: jobs[0]!._key!, run_id: 1, return_code: 0, exec_time_minutes: 0, completion_time: new Date().toISOString(), status: 'done' } }] },
      }));
      await waitForOutput(watch.child, /1\/3 jobs finished/);
      await runJobs(t.client, key, dir);
      const r = await watch;
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const lines = r.stdout.split('\n').filter((l) => l.startsWith('['));
      expect(lines[0]).toMatch(new RegExp(`^\\[\\d\\d:\\d\\d:\\d\\d\\] workflow ${key} \\(run 1\\): 0/3 jobs finished \\| done 0, failed 0, running 0, ready 2, blocked 1$`));
      expect(lines.some((l) => l.includes('running 1'))).toBe(true);
      expect(lines.at(-1)).toMatch(/3\/3 jobs finished \| done 3, failed 0, running 0 \| complete$/);
      expect(new Set(lines).size).toBe(lines.length);
      expect(r.stdout).toContain('complete: yes, canceled: no');
    });

    it('When --watch is given a --timeout and the workflow does not complete, then it stops and exits 3', async () => {
      const dir = tempDir();
      const key = await create(dir, spec);
      await cli(['start', key], { cwd: dir });
      const r = await cli(['status', key, '--watch', '--interval', '0.2', '--timeout', '1', '--json']);
      expect(r.code).toBe(3);
      expect(JSON.parse(r.stdout)).toMatchObject({ is_complete: false, finished: 0 });
      expect(r.stderr).toMatch(/0\/3 jobs finished/);
    });
  });

  describe('cancel', () => {
    it('When a workflow with a running job is canceled, then that job is canceled, the workflow says so, and status exits 1', async () => {
      const dir = tempDir();
      const key = await create(dir, { name: 'to-cancel', jobs: [{ name: 'a', command: 'true' }, { name: 'b', command: 'true', blocked_by: ['a'] }] });
      await cli(['start', key], { cwd: dir });
      const node = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/compute_nodes', { params: { path: { workflow: key } }, body: { hostname: 'h', pid: 1, start_time: 'now', resources: { num_cpus: 1, memory_gb: 1 } } }));
      await unwrap(t.client.POST('/torc-service/workflows/{key}/claim_jobs', { params: { path: { key } }, body: { compute_node_key: node._key!, run_id: 1 } }));

      const r = await cli(['cancel', key]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`Canceled workflow ${key}\n`);
      expect(await jobStatuses(t.client, key)).toEqual({ a: 'canceled', b: 'blocked' });
      expect((await unwrap(t.client.GET('/torc-service/workflows/{key}/status', { params: { path: { key } } }))).is_canceled).toBe(true);
      expect((await events(key)).map((e) => e.type)).toEqual(['start', 'cancel']);

      const status = await cli(['status', key, '--json']);
      expect(status.code).toBe(1);
      expect(JSON.parse(status.stdout)).toMatchObject({ is_canceled: true, jobs: { canceled: 1, blocked: 1 } });
      // Watching a canceled workflow returns at once.
      expect((await cli(['status', key, '--watch'])).code).toBe(1);
    });

    it('When the workflow does not exist, then cancel exits 2 with the server\'s answer', async () => {
      const r = await cli(['cancel', '999999']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/pipeloom workflow cancel: error: the server answered 404/);
    });
  });
});
