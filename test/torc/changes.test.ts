// Torc's restart support and resource auto-tuning end to end through the SDK (semantics.md §5): Torc's own
// restart and auto-tune expectations (tests-issues-perf.md), re-expressed, plus the QUIRKs Pipeloom fixes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap, type components } from '@pipeloom/sdk';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

type Job = components['schemas']['job_model'];
const GIB = 1024 ** 3;

describe.each(PROVIDERS)('Torc restart support and auto-tune on %s', (provider) => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer(provider); });
  afterAll(async () => { await t?.close(); });

  // ---- helpers: a workflow at run 1 with a compute node, and a worker's calls ----

  async function workflow(options: { processStats?: boolean } = {}) {
    const w = await unwrap(t.client.POST('/torc-service/workflows', { body: { user: 'tester', name: crypto.randomUUID() } }));
    const key = w._key!;
    const status = await unwrap(t.client.GET('/torc-service/workflows/{key}/status', { params: { path: { key } } }));
    await unwrap(t.client.PUT('/torc-service/workflows/{key}/status', { params: { path: { key } }, body: { _key: status._key, _rev: status._rev, run_id: 1, is_canceled: false, auto_tune_status: { enabled: false, job_keys: [] } } }));
    if (options.processStats) {
      const c = await unwrap(t.client.GET('/torc-service/workflows/{key}/config', { params: { path: { key } } }));
      await unwrap(t.client.PUT('/torc-service/workflows/{key}/config', { params: { path: { key } }, body: { _key: c._key, _rev: c._rev, compute_node_resource_stats: { process: true } } }));
    }
    const node = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/compute_nodes', { params: { path: { workflow: key } }, body: { hostname: 'node1', pid: 1, start_time: new Date().toISOString(), resources: { num_cpus: 8, memory_gb: 16 } } }));
    return { key, node: node._key! };
  }
  type W = Awaited<ReturnType<typeof workflow>>;

  const jobs = (workflow: string, list: Job[]) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/bulk_jobs', { params: { path: { workflow } }, body: { jobs: list } })).then((r) => r.items!);
  const file = (workflow: string, name: string) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/files', { params: { path: { workflow } }, body: { name, path: `/data/${name}` } }));
  const userData = (workflow: string, body: components['schemas']['user_data_model']) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/user_data', { params: { path: { workflow } }, body }));
  const rr = (workflow: string, body: components['schemas']['resource_requirements_model']) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/resource_requirements', { params: { path: { workflow } }, body }));
  const initialize = (key: string, onlyUninitialized = false) =>
    unwrap(t.client.POST('/torc-service/workflows/{key}/initialize_jobs', { params: { path: { key }, query: { only_uninitialized: onlyUninitialized } }, body: {} }));
  const allJobs = async (workflow: string) => (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow } } }))).items!;
  const statuses = async (workflow: string) => Object.fromEntries((await allJobs(workflow)).map((j) => [j.name!, j.status!]));
  const getJob = (workflow: string, key: string) => unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow, key } } }));
  const changed = (key: string, dryRun?: boolean) =>
    unwrap(t.client.POST('/torc-service/workflows/{key}/process_changed_job_inputs', { params: { path: { key }, query: dryRun === undefined ? {} : { dry_run: dryRun } }, body: {} }));
  const start = (workflow: string, job: Job, node: string) =>
    unwrap(t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}/start_job/{rev}/{run_id}/{compute_node_key}', { params: { path: { workflow, key: job._key!, rev: job._rev!, run_id: 1, compute_node_key: node } }, body: {} }));
  const complete = (workflow: string, job: Job, node: string, execMinutes = 0.5) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/jobs/{key}/complete_job/{status}/{rev}/{run_id}/{compute_node_key}', {
      params: { path: { workflow, key: job._key!, status: 'done', rev: job._rev!, run_id: 1, compute_node_key: node } },
      body: { job_key: job._key!, run_id: 1, return_code: 0, exec_time_minutes: execMinutes, completion_time: new Date().toISOString(), status: 'done' },
    }));

  /**
   * Runs every ready job, round after round, until none is left, as a worker would: claim, start, do the
   * work (`during`: what the job writes while it runs), complete.
   */
  async function runAll(w: W, during: (job: Job) => Promise<void> = async () => {}, execMinutes = 0.5) {
    const ran: string[] = [];
    for (;;) {
      const claimed = (await unwrap(t.client.POST('/torc-service/workflows/{key}/prepare_next_jobs_for_submission', { params: { path: { key: w.key }, query: { limit: 1000 } }, body: {} }))).jobs;
      if (claimed.length === 0) return ran;
      for (const job of claimed) {
        const started = await start(w.key, job, w.node);
        await during(started);
        await complete(w.key, await getJob(w.key, started._key!), w.node, execMinutes);
        ran.push(job.name!);
      }
    }
  }

  /** Torc's diamond through files: inputs -> preprocess -> f1/f2 -> work1/work2 -> f3/f4 -> postprocess -> f5. */
  async function diamond() {
    const w = await workflow();
    const [inputs, f1, f2, f3, f4, f5] = await Promise.all(['inputs', 'f1', 'f2', 'f3', 'f4', 'f5'].map((n) => file(w.key, n)));
    await jobs(w.key, [
      { name: 'preprocess', command: 'pre', input_files: [inputs!._id!], output_files: [f1!._id!, f2!._id!] },
      { name: 'work1', command: 'w1', input_files: [f1!._id!], output_files: [f3!._id!] },
      { name: 'work2', command: 'w2', input_files: [f2!._id!], output_files: [f4!._id!] },
      { name: 'postprocess', command: 'post', input_files: [f3!._id!, f4!._id!], output_files: [f5!._id!] },
    ]);
    await initialize(w.key);
    await runAll(w);
    const byName = Object.fromEntries((await allJobs(w.key)).map((j) => [j.name!, j]));
    return { ...w, jobs: byName, files: { inputs: inputs!, f1: f1!, f2: f2!, f3: f3!, f4: f4!, f5: f5! } };
  }
  const keysOf = (d: Awaited<ReturnType<typeof diamond>>, ...names: string[]) => names.map((n) => d.jobs[n]!._key!).sort((a, b) => Number(a) - Number(b));
  const allDone = { preprocess: 'done', work1: 'done', work2: 'done', postprocess: 'done' };

  describe('process_changed_job_inputs', () => {
    it('When nothing changed after a complete run, then restarting resets nothing', async () => {
      const d = await diamond();
      expect(await statuses(d.key)).toEqual(allDone);
      expect(await changed(d.key)).toEqual({ reinitialized_jobs: [] });
      expect(await statuses(d.key)).toEqual(allDone);
    });

    it('When a job\'s command changes, then exactly it and its descendants are reset, a dry run lists the same keys first and writes nothing, and a rerun settles it', async () => {
      const d = await diamond();
      const work1 = d.jobs.work1!;
      await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow: d.key, key: work1._key! } }, body: { ...work1, command: 'w1 --again' } }));
      const before = await allJobs(d.key);

      const dry = await changed(d.key, true);
      expect(dry).toEqual({ reinitialized_jobs: keysOf(d, 'work1', 'postprocess') });
      expect(await allJobs(d.key)).toEqual(before);

      expect(await changed(d.key)).toEqual(dry);
      expect(await statuses(d.key)).toEqual({ preprocess: 'done', work1: 'uninitialized', work2: 'done', postprocess: 'uninitialized' });

      await initialize(d.key, true);
      expect(await statuses(d.key)).toEqual({ preprocess: 'done', work1: 'ready', work2: 'done', postprocess: 'blocked' });
      expect((await runAll(d)).sort()).toEqual(['postprocess', 'work1']);
      expect(await changed(d.key)).toEqual({ reinitialized_jobs: [] });
      const results = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/results', { params: { path: { workflow: d.key } } }));
      expect(results.total_count).toBe(6);
    });

    it('When a job\'s invocation script changes, then it and its descendants are reset', async () => {
      const d = await diamond();
      const pre = d.jobs.preprocess!;
      await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow: d.key, key: pre._key! } }, body: { ...pre, invocation_script: 'bash' } }));
      expect(await changed(d.key)).toEqual({ reinitialized_jobs: keysOf(d, 'preprocess', 'work1', 'work2', 'postprocess') });
    });

    it('When a needed file is touched (PUT with a new st_mtime), then its consumers and their descendants are reset, and the producer is not', async () => {
      const d = await diamond();
      const f2 = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/files/{key}', { params: { path: { workflow: d.key, key: d.files.f2._key! } } }));
      await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/files/{key}', { params: { path: { workflow: d.key, key: f2._key! } }, body: { ...f2, st_mtime: 1_700_000_000.5 } }));
      expect(await changed(d.key, true)).toEqual({ reinitialized_jobs: keysOf(d, 'work2', 'postprocess') });
      expect(await changed(d.key)).toEqual({ reinitialized_jobs: keysOf(d, 'work2', 'postprocess') });
      expect(await statuses(d.key)).toEqual({ preprocess: 'done', work1: 'done', work2: 'uninitialized', postprocess: 'uninitialized' });
    });

    it('When the workflow\'s input file is touched, then every job is reset', async () => {
      const d = await diamond();
      const inputs = d.files.inputs;
      await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/files/{key}', { params: { path: { workflow: d.key, key: inputs._key! } }, body: { ...inputs, st_mtime: 42 } }));
      expect(await changed(d.key)).toEqual({ reinitialized_jobs: keysOf(d, 'preprocess', 'work1', 'work2', 'postprocess') });
    });

    it.each([
      ['name', { name: 'renamed' }],
      ['supports_termination', { supports_termination: true }],
      ['cancel_on_blocking_job_failure', { cancel_on_blocking_job_failure: false }],
    ] as const)('When only a non-critical field (%s) changes, then nothing is reset', async (_field, patch) => {
      const d = await diamond();
      const work2 = d.jobs.work2!;
      await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow: d.key, key: work2._key! } }, body: { ...work2, ...patch } }));
      expect(await changed(d.key, true)).toEqual({ reinitialized_jobs: [] });
      expect(await changed(d.key)).toEqual({ reinitialized_jobs: [] });
      expect(Object.values(await statuses(d.key))).toEqual(['done', 'done', 'done', 'done']);
    });

    it('When a descendant is disabled or was never run, then it is left as it is and not listed', async () => {
      const w = await workflow();
      const [a] = await jobs(w.key, [{ name: 'a', command: 'a' }]);
      const [b] = await jobs(w.key, [{ name: 'b', command: 'b', blocked_by: [a!._id!] }]);
      const [, d] = await jobs(w.key, [{ name: 'c', command: 'c', blocked_by: [b!._id!] }, { name: 'd', command: 'd', blocked_by: [a!._id!] }]);
      await initialize(w.key);
      const blocked = await getJob(w.key, d!._key!);
      await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow: w.key, key: d!._key! } }, body: { ...blocked, status: 'disabled' } }));
      const claimed = (await unwrap(t.client.POST('/torc-service/workflows/{key}/prepare_next_jobs_for_submission', { params: { path: { key: w.key } }, body: {} }))).jobs;
      await complete(w.key, await start(w.key, claimed[0]!, w.node), w.node);
      expect(await statuses(w.key)).toEqual({ a: 'done', b: 'ready', c: 'blocked', d: 'disabled' });
      const done = await getJob(w.key, a!._key!);
      await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow: w.key, key: done._key! } }, body: { ...done, command: 'a2' } }));
      expect(await changed(w.key)).toEqual({ reinitialized_jobs: [a!._key!, b!._key!, (await allJobs(w.key)).find((j) => j.name === 'c')!._key!] });
      expect(await statuses(w.key)).toEqual({ a: 'uninitialized', b: 'uninitialized', c: 'uninitialized', d: 'disabled' });
    });

    it('When user data is ephemeral, then a restart empties it and reruns its producer and consumer, a dry run lists them without emptying it, and other user data is kept', async () => {
      const w = await workflow();
      const eph = await userData(w.key, { name: 'eph', is_ephemeral: true });
      const kept = await userData(w.key, { name: 'kept', data: { v: 1 } });
      const [producer, consumer] = await jobs(w.key, [
        { name: 'producer', command: 'p', output_user_data: [eph._id!] },
        { name: 'consumer', command: 'c', input_user_data: [eph._id!] },
        { name: 'reader', command: 'r', input_user_data: [kept._id!] },
      ]);
      await initialize(w.key);
      // The producer stores its value while it runs, before it completes.
      await runAll(w, async (job) => {
        if (job.name !== 'producer') return;
        const current = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/user_data/{key}', { params: { path: { workflow: w.key, key: eph._key! } } }));
        await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/user_data/{key}', { params: { path: { workflow: w.key, key: eph._key! } }, body: { ...current, data: { value: 42 } } }));
      });
      expect(await statuses(w.key)).toEqual({ producer: 'done', consumer: 'done', reader: 'done' });
      const stored = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/user_data/{key}', { params: { path: { workflow: w.key, key: eph._key! } } }));
      expect(stored.data).toEqual({ value: 42 });

      expect(await changed(w.key, true)).toEqual({ reinitialized_jobs: [producer!._key!, consumer!._key!] });
      expect(await unwrap(t.client.GET('/torc-service/workflows/{workflow}/user_data/{key}', { params: { path: { workflow: w.key, key: eph._key! } } }))).toEqual(stored);
      expect(await statuses(w.key)).toEqual({ producer: 'done', consumer: 'done', reader: 'done' });

      expect(await changed(w.key)).toEqual({ reinitialized_jobs: [producer!._key!, consumer!._key!] });
      const cleared = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/user_data/{key}', { params: { path: { workflow: w.key, key: eph._key! } } }));
      expect(cleared.data).toEqual({});
      expect(cleared._rev).not.toBe(stored._rev);
      expect(await unwrap(t.client.GET('/torc-service/workflows/{workflow}/user_data/{key}', { params: { path: { workflow: w.key, key: kept._key! } } }))).toEqual(kept);
      expect(await statuses(w.key)).toEqual({ producer: 'uninitialized', consumer: 'uninitialized', reader: 'done' });
    });

    it('When the workflow is archived, then it is a 400 and nothing changes; an unknown workflow is a 404; a dry_run that is not a boolean is a 400', async () => {
      const d = await diamond();
      const work1 = d.jobs.work1!;
      await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow: d.key, key: work1._key! } }, body: { ...work1, command: 'changed' } }));
      const wf = await unwrap(t.client.GET('/torc-service/workflows/{key}', { params: { path: { key: d.key } } }));
      await unwrap(t.client.PUT('/torc-service/workflows/{key}', { params: { path: { key: d.key } }, body: { ...wf, is_archived: true } }));
      const archived = await t.client.POST('/torc-service/workflows/{key}/process_changed_job_inputs', { params: { path: { key: d.key } }, body: {} });
      expect(archived.response.status).toBe(400);
      expect(await statuses(d.key)).toEqual(allDone);

      const unknown = await t.client.POST('/torc-service/workflows/{key}/process_changed_job_inputs', { params: { path: { key: '999999' } }, body: {} });
      expect(unknown.response.status).toBe(404);
      const bad = await fetch(`${t.url}/torc-service/workflows/${d.key}/process_changed_job_inputs?dry_run=perhaps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(bad.status).toBe(400);
    });
  });

  describe('missing_user_data and required_existing_files', () => {
    it('When consumed user data should exist but is empty, null or absent, then it is listed once; data still to be produced, filled data and unconsumed data are not', async () => {
      const w = await workflow();
      // Created one after the other, so keys follow this order.
      const emptyObj = await userData(w.key, { name: 'empty', data: {} });
      const absent = await userData(w.key, { name: 'absent' });
      const filled = await userData(w.key, { name: 'filled', data: { a: 1 } });
      const pending = await userData(w.key, { name: 'pending', data: {} });
      const producedEmpty = await userData(w.key, { name: 'produced-empty', data: {} });
      const unconsumed = await userData(w.key, { name: 'unconsumed', data: {} });
      await jobs(w.key, [
        { name: 'maker', command: 'm', output_user_data: [producedEmpty!._id!] },
        { name: 'later', command: 'l', output_user_data: [pending!._id!] },
      ]);
      await jobs(w.key, [
        { name: 'c1', command: 'c1', input_user_data: [emptyObj!._id!, absent!._id!, filled!._id!, pending!._id!, producedEmpty!._id!] },
        { name: 'c2', command: 'c2', input_user_data: [emptyObj!._id!, producedEmpty!._id!] },
      ]);
      expect(unconsumed._key).toBeDefined();
      const missing = () => unwrap(t.client.GET('/torc-service/workflows/{key}/missing_user_data', { params: { path: { key: w.key } } }));
      expect(await missing()).toEqual({ user_data: [emptyObj!._key!, absent!._key!] });

      // Once its producer is done, empty data is missing too.
      await initialize(w.key);
      const claimed = (await unwrap(t.client.POST('/torc-service/workflows/{key}/prepare_next_jobs_for_submission', { params: { path: { key: w.key } }, body: {} }))).jobs;
      expect(claimed.map((j) => j.name)).toEqual(['maker']);
      await complete(w.key, await start(w.key, claimed[0]!, w.node), w.node);
      expect(await missing()).toEqual({ user_data: [emptyObj!._key!, absent!._key!, producedEmpty!._key!] });
    });

    it('When files are needed, then only those no job produces are required, each once', async () => {
      const d = await diamond();
      const w2 = await workflow();
      const [input, mid, out, unused] = await Promise.all(['input', 'mid', 'out', 'unused'].map((n) => file(w2.key, n)));
      await jobs(w2.key, [
        { name: 'a', command: 'a', input_files: [input!._id!], output_files: [mid!._id!] },
        { name: 'b', command: 'b', input_files: [input!._id!, mid!._id!], output_files: [out!._id!] },
      ]);
      expect(unused!._key).toBeDefined();
      const required = (key: string) => unwrap(t.client.GET('/torc-service/workflows/{key}/required_existing_files', { params: { path: { key } } }));
      expect(await required(w2.key)).toEqual({ files: [input!._id!] });
      // After a complete run, outputs of done jobs are still not required: a restart regenerates missing ones.
      expect(await required(d.key)).toEqual({ files: [d.files.inputs._id!] });
    });

    it('When the workflow is unknown, then both answer 404', async () => {
      expect((await t.client.GET('/torc-service/workflows/{key}/missing_user_data', { params: { path: { key: '999999' } } })).response.status).toBe(404);
      expect((await t.client.GET('/torc-service/workflows/{key}/required_existing_files', { params: { path: { key: '999999' } } })).response.status).toBe(404);
    });
  });

  describe('auto-tune', () => {
    /** Three groups: small (3 jobs), large (2 jobs) and the default (2 jobs), plus a blocked small job. */
    async function tunable() {
      const w = await workflow({ processStats: true });
      const small = await rr(w.key, { name: 'small', num_cpus: 1, memory: '1g', runtime: 'P0DT10M' });
      const large = await rr(w.key, { name: 'large', num_cpus: 8, memory: '8g', runtime: 'P0DT1H' });
      const created = await jobs(w.key, [
        { name: 's1', command: 's1', resource_requirements: small._id },
        { name: 'd1', command: 'd1' },
        { name: 'l1', command: 'l1', resource_requirements: large._id },
        { name: 's2', command: 's2', resource_requirements: small._id },
        { name: 'l2', command: 'l2', resource_requirements: large._id },
        { name: 's3', command: 's3', resource_requirements: small._id },
        { name: 'd2', command: 'd2' },
      ]);
      const byName = Object.fromEntries(created.map((j) => [j.name!, j]));
      await jobs(w.key, [{ name: 'sb', command: 'sb', resource_requirements: small._id, blocked_by: [byName.s2!._id!] }]);
      await initialize(w.key);
      return { ...w, jobs: byName, small, large };
    }
    const tune = (key: string) => t.client.POST('/torc-service/workflows/{key}/auto_tune_resource_requirements', { params: { path: { key } }, body: {} });
    const processResults = (key: string) => t.client.POST('/torc-service/workflows/{key}/process_auto_tune_resource_requirements_results', { params: { path: { key } }, body: {} });
    const status = (key: string) => unwrap(t.client.GET('/torc-service/workflows/{key}/status', { params: { path: { key } } }));
    const getRr = (workflow: string, key: string) => unwrap(t.client.GET('/torc-service/workflows/{workflow}/resource_requirements/{key}', { params: { path: { workflow, key } } }));

    it('When auto-tuning, then the first runnable job of each group is sampled, the other runnable jobs are disabled and blocked jobs are left alone', async () => {
      const w = await tunable();
      const reply = await unwrap(tune(w.key));
      expect(reply.message).toMatch(/^Enabled auto-tune for 3 resource requirements/);
      expect((await status(w.key)).auto_tune_status).toEqual({ enabled: true, job_keys: [w.jobs.s1!._key!, w.jobs.d1!._key!, w.jobs.l1!._key!] });
      expect(await statuses(w.key)).toEqual({ s1: 'ready', d1: 'ready', l1: 'ready', s2: 'disabled', l2: 'disabled', s3: 'disabled', d2: 'disabled', sb: 'blocked' });
    });

    it('When the sampled jobs ran with process statistics, then processing sets their resource requirements from the last statistics and result, posts an update event each, returns disabled jobs to uninitialized and ends auto-tuning', async () => {
      const w = await tunable();
      await unwrap(tune(w.key));
      const usage: Record<string, { cpu: number; rss: number }> = { s1: { cpu: 250, rss: 3.5 * GIB }, l1: { cpu: 0, rss: 12 * GIB + 1 }, d1: { cpu: 90, rss: GIB } };
      const ran = await runAll(w, async (job) => {
        const u = usage[job.name!]!;
        // An earlier sample of the same run, and one of another run: only the last of this run counts.
        for (const [run_id, cpu] of [[1, 999], [0, 777], [1, u.cpu]] as const) {
          await unwrap(t.client.POST('/torc-service/workflows/{workflow}/job_process_stats', { params: { path: { workflow: w.key } }, body: {
            job_key: job._key!, run_id, avg_cpu_percent: cpu / 2, max_cpu_percent: cpu, avg_rss: u.rss / 2, max_rss: u.rss, num_samples: 3, timestamp: new Date().toISOString(),
          } }));
        }
      }, 12.3);
      expect(ran.sort()).toEqual(['d1', 'l1', 's1']);

      const reply = await unwrap(processResults(w.key));
      expect(reply.message).toMatch(/^Updated 2 resource requirements/);
      expect(await getRr(w.key, w.small._key!)).toMatchObject({ name: 'small', num_cpus: 3, memory: '4g', runtime: 'P0DT0H13M' });
      expect(await getRr(w.key, w.large._key!)).toMatchObject({ name: 'large', num_cpus: 1, memory: '13g', runtime: 'P0DT0H13M' });
      expect(await statuses(w.key)).toEqual({ s1: 'done', d1: 'done', l1: 'done', s2: 'uninitialized', l2: 'uninitialized', s3: 'uninitialized', d2: 'uninitialized', sb: 'blocked' });
      expect((await status(w.key)).auto_tune_status).toMatchObject({ enabled: false });

      const events = (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/events', { params: { path: { workflow: w.key }, query: { category: 'resource_requirements' } } }))).items!;
      expect(events.map((e) => ({ type: e.type, name: e.name, old: e.old, new: e.new }))).toEqual([
        { type: 'update', name: 'small', old: { num_cpus: 1, memory: '1g', runtime: 'P0DT10M' }, new: { num_cpus: 3, memory: '4g', runtime: 'P0DT0H13M' } },
        { type: 'update', name: 'large', old: { num_cpus: 8, memory: '8g', runtime: 'P0DT1H' }, new: { num_cpus: 1, memory: '13g', runtime: 'P0DT0H13M' } },
      ]);

      // The restart that follows runs the rest with the new sizes.
      await initialize(w.key, true);
      expect((await getJob(w.key, w.jobs.s2!._key!)).internal).toMatchObject({ num_cpus: 3, memory_bytes: 4 * GIB, runtime_seconds: 13 * 60 });
      expect((await processResults(w.key)).response.status).toBe(400);
    });

    it('When a sampled job has no statistics for the current run, then processing is a 400 and writes nothing', async () => {
      const w = await tunable();
      await unwrap(tune(w.key));
      const before = { jobs: await allJobs(w.key), status: await status(w.key), small: await getRr(w.key, w.small._key!) };
      const reply = await processResults(w.key);
      expect(reply.response.status).toBe(400);
      expect(reply.error).toMatchObject({ pipeloomCode: 'INVALID_ARGUMENT' });
      expect({ jobs: await allJobs(w.key), status: await status(w.key), small: await getRr(w.key, w.small._key!) }).toEqual(before);
    });

    it('When process statistics are off, or auto-tuning was never enabled, then it is a 400; an unknown workflow is a 404', async () => {
      const w = await workflow();
      await jobs(w.key, [{ name: 'a', command: 'a' }]);
      await initialize(w.key);
      const off = await tune(w.key);
      expect(off.response.status).toBe(400);
      expect(await statuses(w.key)).toEqual({ a: 'ready' });
      expect((await status(w.key)).auto_tune_status).toEqual({ enabled: false, job_keys: [] });
      expect((await processResults(w.key)).response.status).toBe(400);
      expect((await tune('999999')).response.status).toBe(404);
      expect((await processResults('999999')).response.status).toBe(404);
    });
  });
});
