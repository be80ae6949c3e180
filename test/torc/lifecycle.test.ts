// Torc's job lifecycle end to end through the SDK: Torc's own test expectations (semantics.md §3-§5,
// tests-issues-perf.md), re-expressed, plus the QUIRKs Pipeloom fixes on purpose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap, type components } from '@pipeloom/sdk';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

type Job = components['schemas']['job_model'];

describe.each(PROVIDERS)('Torc lifecycle on %s', (provider) => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer(provider); });
  afterAll(async () => { await t?.close(); });

  /** A workflow at run 1 with a compute node, ready for jobs. */
  async function workflow(config: { workflow_completion_script?: string } = {}) {
    const w = await unwrap(t.client.POST('/torc-service/workflows', { body: { user: 'tester', name: crypto.randomUUID() } }));
    const key = w._key!;
    const status = await unwrap(t.client.GET('/torc-service/workflows/{key}/status', { params: { path: { key } } }));
    await unwrap(t.client.PUT('/torc-service/workflows/{key}/status', { params: { path: { key } }, body: { _key: status._key, _rev: status._rev, run_id: 1, is_canceled: false, auto_tune_status: { enabled: false, job_keys: [] } } }));
    if (config.workflow_completion_script) {
      const c = await unwrap(t.client.GET('/torc-service/workflows/{key}/config', { params: { path: { key } } }));
      await unwrap(t.client.PUT('/torc-service/workflows/{key}/config', { params: { path: { key } }, body: { _key: c._key, _rev: c._rev, workflow_completion_script: config.workflow_completion_script } }));
    }
    const node = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/compute_nodes', { params: { path: { workflow: key } }, body: { hostname: 'node1', pid: 1, start_time: new Date().toISOString(), resources: { num_cpus: 8, memory_gb: 16 } } }));
    return { key, node: node._key! };
  }
  const rr = (workflow: string, body: components['schemas']['resource_requirements_model']) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/resource_requirements', { params: { path: { workflow } }, body }));
  const jobs = (workflow: string, list: components['schemas']['job_model'][]) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/bulk_jobs', { params: { path: { workflow } }, body: { jobs: list } })).then((r) => r.items!);
  const initialize = (key: string) => unwrap(t.client.POST('/torc-service/workflows/{key}/initialize_jobs', { params: { path: { key } }, body: {} }));
  const statuses = async (workflow: string) => {
    const list = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow } } }));
    return Object.fromEntries(list.items!.map((j) => [j.name!, j.status!]));
  };
  const claim = (key: string, body: components['schemas']['compute_nodes_resources'], query: { sort_method?: 'gpus_runtime_memory' | 'gpus_memory_runtime' | 'none'; limit?: number } = {}) =>
    unwrap(t.client.POST('/torc-service/workflows/{key}/prepare_jobs_for_submission', { params: { path: { key }, query }, body }));
  const start = (workflow: string, job: Job, node: string) =>
    unwrap(t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}/start_job/{rev}/{run_id}/{compute_node_key}', { params: { path: { workflow, key: job._key!, rev: job._rev!, run_id: 1, compute_node_key: node } }, body: {} }));
  const complete = (workflow: string, job: Job, node: string, returnCode = 0, status: 'done' | 'canceled' | 'terminated' = 'done') =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/jobs/{key}/complete_job/{status}/{rev}/{run_id}/{compute_node_key}', {
      params: { path: { workflow, key: job._key!, status, rev: job._rev!, run_id: 1, compute_node_key: node } },
      body: { job_key: job._key!, run_id: 1, return_code: returnCode, exec_time_minutes: 0.5, completion_time: new Date().toISOString(), status },
    }));
  /** Claims, starts and completes the named ready job. */
  async function run(w: { key: string; node: string }, name: string, returnCode = 0) {
    const claimed = await claim(w.key, { num_cpus: 64, memory_gb: 512 });
    const job = claimed.jobs.find((j) => j.name === name);
    expect(job, `${name} was handed out`).toBeDefined();
    const started = await start(w.key, job!, w.node);
    const done = await complete(w.key, started, w.node, returnCode);
    // Give back what this call claimed but did not run.
    for (const other of claimed.jobs.filter((j) => j.name !== name)) {
      await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}/manage_status_change/{status}/{rev}/{run_id}', { params: { path: { workflow: w.key, key: other._key!, status: 'ready', rev: other._rev!, run_id: 1 } }, body: {} }));
    }
    return done;
  }

  describe('prepare_jobs_for_submission (Torc\'s numbers)', () => {
    it('When 30 jobs need 4 CPUs, 4 GiB and 30 minutes, then a 36-CPU/92 GB worker gets 9 and a 200-CPU/82 GB worker gets 20', async () => {
      const w = await workflow();
      const small = await rr(w.key, { name: 'small', num_cpus: 4, memory: '4g', runtime: 'P0DT30M' });
      await jobs(w.key, Array.from({ length: 30 }, (_, i) => ({ name: `j${i}`, command: 'true', resource_requirements: small._id })));
      await initialize(w.key);

      expect((await claim(w.key, { num_cpus: 36, memory_gb: 92 })).jobs).toHaveLength(9);
      expect((await claim(w.key, { num_cpus: 200, memory_gb: 82 })).jobs).toHaveLength(20);
      const rest = await claim(w.key, { num_cpus: 200, memory_gb: 82 });
      expect(rest.jobs).toHaveLength(1);
    });

    it('When the worker has 45 minutes left, then only the 40-minute job is handed out; the default sort puts the 50-minute job first and `none` keeps insertion order', async () => {
      const w = await workflow();
      const forty = await rr(w.key, { name: 'forty', runtime: 'P0DT40M' });
      const fifty = await rr(w.key, { name: 'fifty', runtime: 'P0DT50M' });
      await jobs(w.key, [{ name: 'short', command: 'true', resource_requirements: forty._id }, { name: 'long', command: 'true', resource_requirements: fifty._id }]);
      await initialize(w.key);

      const limited = await claim(w.key, { num_cpus: 4, memory_gb: 8, time_limit: 'P0DT45M' }, { sort_method: 'none' });
      expect(limited.jobs.map((j) => j.name)).toEqual(['short']);
      await unwrap(t.client.POST('/torc-service/workflows/{key}/reset_job_status', { params: { path: { key: w.key } }, body: {} }));
      await initialize(w.key);
      expect((await claim(w.key, { num_cpus: 1, memory_gb: 8 })).jobs.map((j) => j.name)).toEqual(['long']);
      await unwrap(t.client.POST('/torc-service/workflows/{key}/reset_job_status', { params: { path: { key: w.key } }, body: {} }));
      await initialize(w.key);
      expect((await claim(w.key, { num_cpus: 1, memory_gb: 8 }, { sort_method: 'none' })).jobs.map((j) => j.name)).toEqual(['short']);
    });

    it('When several jobs fit, then they come back in the order of the sort method, not by key', async () => {
      const w = await workflow();
      const short = await rr(w.key, { name: 'short', runtime: 'P0DT5M' });
      const long = await rr(w.key, { name: 'long', runtime: 'P0DT50M' });
      const mid = await rr(w.key, { name: 'mid', runtime: 'P0DT20M' });
      await jobs(w.key, [
        { name: 'short', command: 'true', resource_requirements: short._id },
        { name: 'long', command: 'true', resource_requirements: long._id },
        { name: 'mid', command: 'true', resource_requirements: mid._id },
      ]);
      await initialize(w.key);

      expect((await claim(w.key, { num_cpus: 8, memory_gb: 8 })).jobs.map((j) => j.name)).toEqual(['long', 'mid', 'short']);
      await unwrap(t.client.POST('/torc-service/workflows/{key}/reset_job_status', { params: { path: { key: w.key } }, body: {} }));
      await initialize(w.key);
      expect((await claim(w.key, { num_cpus: 8, memory_gb: 8 }, { sort_method: 'none' })).jobs.map((j) => j.name)).toEqual(['short', 'long', 'mid']);
    });

    it('When sorting by gpus_runtime_memory or gpus_memory_runtime, then GPUs come first, then the longer or the bigger job', async () => {
      const w = await workflow();
      const long = await rr(w.key, { name: 'long', memory: '1g', runtime: 'P0DT60M' });
      const big = await rr(w.key, { name: 'big', memory: '8g', runtime: 'P0DT10M' });
      const gpu = await rr(w.key, { name: 'gpu', num_gpus: 1, memory: '1g', runtime: 'P0DT1M' });
      await jobs(w.key, [
        { name: 'big', command: 'true', resource_requirements: big._id },
        { name: 'long', command: 'true', resource_requirements: long._id },
        { name: 'gpu', command: 'true', resource_requirements: gpu._id },
      ]);
      await initialize(w.key);
      const order = async (sort_method: 'gpus_runtime_memory' | 'gpus_memory_runtime') => {
        const names = (await claim(w.key, { num_cpus: 1, memory_gb: 64, num_gpus: 1 }, { sort_method })).jobs.map((j) => j.name);
        await unwrap(t.client.POST('/torc-service/workflows/{key}/reset_job_status', { params: { path: { key: w.key } }, body: {} }));
        await initialize(w.key);
        return names;
      };
      // One CPU: the first job in the sort order is the only one that fits.
      expect(await order('gpus_runtime_memory')).toEqual(['gpu']);
      // Without the GPU job (reset_job_status re-enables disabled jobs, so disable it before each claim).
      const disableGpu = async () => {
        const [job] = (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: w.key }, query: { name: 'gpu' } } }))).items!;
        await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow: w.key, key: job!._key! } }, body: { ...job!, status: 'disabled' } }));
      };
      await disableGpu();
      expect(await order('gpus_runtime_memory')).toEqual(['long']);
      await disableGpu();
      expect(await order('gpus_memory_runtime')).toEqual(['big']);
    });

    it('When a job is disabled, then it is never handed out, initialize leaves it alone, and the workflow completes without it', async () => {
      const w = await workflow();
      const [a] = await jobs(w.key, [{ name: 'a', command: 'true' }, { name: 'off', command: 'true', status: 'disabled' }]);
      await jobs(w.key, [{ name: 'after-off', command: 'true', blocked_by: [a!._id!], status: 'disabled' }]);
      await initialize(w.key);
      expect(await statuses(w.key)).toEqual({ a: 'ready', off: 'disabled', 'after-off': 'disabled' });
      expect((await claim(w.key, { num_cpus: 8, memory_gb: 8 })).jobs.map((j) => j.name)).toEqual(['a']);
      await unwrap(t.client.POST('/torc-service/workflows/{key}/reset_job_status', { params: { path: { key: w.key }, query: { failed_only: true } }, body: {} }));
      await initialize(w.key);
      await run(w, 'a');
      expect(await statuses(w.key)).toEqual({ a: 'done', off: 'disabled', 'after-off': 'disabled' });
      expect((await unwrap(t.client.GET('/torc-service/workflows/{key}/is_complete', { params: { path: { key: w.key } } }))).is_complete).toBe(true);
    });

    it('When a worker has 1 CPU and 1 GPU, then it gets only the GPU job', async () => {
      const w = await workflow();
      const gpu = await rr(w.key, { name: 'gpu', num_gpus: 1 });
      await jobs(w.key, [{ name: 'cpu-a', command: 'true' }, { name: 'gpu', command: 'true', resource_requirements: gpu._id }, { name: 'cpu-b', command: 'true' }]);
      await initialize(w.key);
      expect((await claim(w.key, { num_cpus: 1, memory_gb: 4, num_gpus: 1 })).jobs.map((j) => j.name)).toEqual(['gpu']);
    });

    it('When jobs are pinned to a scheduler, then only a worker of that scheduler takes them, and it takes unpinned jobs too', async () => {
      const w = await workflow();
      const bigmem = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/slurm_schedulers', { params: { path: { workflow: w.key } }, body: { name: 'bigmem', account: 'acct', nodes: 1 } }));
      const large = await rr(w.key, { name: 'large', num_cpus: 18 });
      await jobs(w.key, [
        { name: 'large-1', command: 'true', resource_requirements: large._id, scheduler: bigmem._id },
        { name: 'large-2', command: 'true', resource_requirements: large._id, scheduler: bigmem._id },
      ]);
      await initialize(w.key);
      expect((await claim(w.key, { num_cpus: 36, memory_gb: 100 })).jobs).toHaveLength(0);
      const pinned = await claim(w.key, { num_cpus: 36, memory_gb: 100, scheduler_config_id: bigmem._id! });
      expect(pinned.jobs.map((j) => j.name).sort()).toEqual(['large-1', 'large-2']);
      expect(pinned.jobs[0]!.internal!.scheduler_config_id).toBe(bigmem._id);
    });

    it('When the workflow is canceled, then nothing is handed out and the reason says so', async () => {
      const w = await workflow();
      await jobs(w.key, [{ name: 'a', command: 'true' }]);
      await initialize(w.key);
      await unwrap(t.client.PUT('/torc-service/workflows/{key}/cancel', { params: { path: { key: w.key } }, body: {} }));
      expect(await claim(w.key, { num_cpus: 4, memory_gb: 4 })).toEqual({ jobs: [], reason: 'The workflow was canceled.' });
    });
  });

  describe('the diamond workflow', () => {
    async function diamond(through: 'files' | 'user_data') {
      const w = await workflow();
      const path = { workflow: w.key };
      const make = (name: string) => through === 'files'
        ? unwrap(t.client.POST('/torc-service/workflows/{workflow}/files', { params: { path }, body: { name, path: `/data/${name}` } }))
        : unwrap(t.client.POST('/torc-service/workflows/{workflow}/user_data', { params: { path }, body: { name, data: {} } }));
      const [f1, f2, f3, f4, f5] = await Promise.all(['f1', 'f2', 'f3', 'f4', 'f5'].map(make));
      const [inputs, outputs] = through === 'files' ? ['input_files', 'output_files'] as const : ['input_user_data', 'output_user_data'] as const;
      await jobs(w.key, [
        { name: 'postprocess', command: 'post', [inputs]: [f4!._id!, f5!._id!] },
        { name: 'preprocess', command: 'pre', [outputs]: [f1!._id!, f2!._id!] },
        { name: 'work1', command: 'w1', [inputs]: [f1!._id!], [outputs]: [f4!._id!] },
        { name: 'work2', command: 'w2', [inputs]: [f2!._id!], [outputs]: [f5!._id!] },
      ]);
      return w;
    }

    it.each(['files', 'user_data'] as const)('When producers and consumers meet through %s, then initialize blocks consumers and completing each job releases the next at once', async (through) => {
      const w = await diamond(through);
      await initialize(w.key);
      expect(await statuses(w.key)).toEqual({ preprocess: 'ready', work1: 'blocked', work2: 'blocked', postprocess: 'blocked' });

      await run(w, 'preprocess');
      expect(await statuses(w.key)).toMatchObject({ preprocess: 'done', work1: 'ready', work2: 'ready', postprocess: 'blocked' });
      await run(w, 'work1');
      expect((await statuses(w.key)).postprocess).toBe('blocked');
      await run(w, 'work2');
      expect((await statuses(w.key)).postprocess).toBe('ready');
      await run(w, 'postprocess');

      const complete = await unwrap(t.client.GET('/torc-service/workflows/{key}/is_complete', { params: { path: { key: w.key } } }));
      expect(complete).toEqual({ is_canceled: false, is_complete: true, needs_to_run_completion_script: false });
      const blocks = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: w.key, name: 'blocks' } } }));
      expect(blocks.total_count).toBe(4);
      const events = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/events', { params: { path: { workflow: w.key } } }));
      const kinds = events.items!.map((e) => `${e.category}/${e.type}`);
      expect(kinds.filter((k) => k === 'job/start')).toHaveLength(4);
      expect(kinds.filter((k) => k === 'job/complete')).toHaveLength(4);
    });

    it('When preprocess fails, then every descendant with cancel_on_blocking_job_failure is canceled, transitively, and the workflow completes', async () => {
      const w = await diamond('files');
      await initialize(w.key);
      await run(w, 'preprocess', 1);
      expect(await statuses(w.key)).toEqual({ preprocess: 'done', work1: 'canceled', work2: 'canceled', postprocess: 'canceled' });
      expect((await unwrap(t.client.GET('/torc-service/workflows/{key}/is_complete', { params: { path: { key: w.key } } }))).is_complete).toBe(true);
    });

    it('When a failed job cancels its child, then the child\'s other blockers that are still ready are canceled too, and running ones are left alone', async () => {
      const w = await workflow();
      const [failing, idle, busy] = await jobs(w.key, [{ name: 'failing', command: 'false' }, { name: 'idle', command: 'true' }, { name: 'busy', command: 'true' }]);
      await jobs(w.key, [{ name: 'child', command: 'true', blocked_by: [failing!._id!, idle!._id!, busy!._id!] }]);
      await initialize(w.key);
      const next = (limit: number) => unwrap(t.client.POST('/torc-service/workflows/{key}/prepare_next_jobs_for_submission', { params: { path: { key: w.key }, query: { limit } }, body: {} })).then((r) => r.jobs);
      const [first] = await next(1);
      expect(first!.name).toBe('failing');
      // Claim the other two, start 'busy', and hand 'idle' back so it is ready again.
      const [idleClaimed, busyClaimed] = await next(2);
      await start(w.key, busyClaimed!, w.node);
      await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}/manage_status_change/{status}/{rev}/{run_id}', { params: { path: { workflow: w.key, key: idleClaimed!._key!, status: 'ready', rev: idleClaimed!._rev!, run_id: 1 } }, body: {} }));

      await complete(w.key, await start(w.key, first!, w.node), w.node, 3);

      expect(await statuses(w.key)).toEqual({ failing: 'done', idle: 'canceled', busy: 'submitted', child: 'canceled' });
    });

    it('When a failing job\'s child has cancel_on_blocking_job_failure false, then it becomes ready instead', async () => {
      const w = await workflow();
      const [parent] = await jobs(w.key, [{ name: 'parent', command: 'false' }]);
      await jobs(w.key, [{ name: 'tolerant', command: 'true', blocked_by: [parent!._id!], cancel_on_blocking_job_failure: false }, { name: 'strict', command: 'true', blocked_by: [parent!._id!] }]);
      await initialize(w.key);
      await run(w, 'parent', 2);
      expect(await statuses(w.key)).toEqual({ parent: 'done', tolerant: 'ready', strict: 'canceled' });
    });

    it('When failed jobs are reset with failed_only, then exactly they and their descendants go back to uninitialized', async () => {
      const w = await workflow();
      const [ok, bad] = await jobs(w.key, [{ name: 'ok', command: 'true' }, { name: 'bad', command: 'false' }]);
      await jobs(w.key, [{ name: 'after-bad', command: 'true', blocked_by: [bad!._id!] }, { name: 'after-ok', command: 'true', blocked_by: [ok!._id!] }]);
      await initialize(w.key);
      await run(w, 'ok');
      await run(w, 'bad', 1);
      expect(await statuses(w.key)).toEqual({ ok: 'done', bad: 'done', 'after-bad': 'canceled', 'after-ok': 'ready' });

      await unwrap(t.client.POST('/torc-service/workflows/{key}/reset_job_status', { params: { path: { key: w.key }, query: { failed_only: true } }, body: {} }));
      expect(await statuses(w.key)).toEqual({ ok: 'done', bad: 'uninitialized', 'after-bad': 'uninitialized', 'after-ok': 'ready' });
      await unwrap(t.client.POST('/torc-service/workflows/{key}/initialize_jobs', { params: { path: { key: w.key }, query: { only_uninitialized: true } }, body: {} }));
      expect(await statuses(w.key)).toEqual({ ok: 'done', bad: 'ready', 'after-bad': 'blocked', 'after-ok': 'ready' });
    });
  });

  describe('start_job, complete_job and manage_status_change checks', () => {
    it('When a check fails, then the call answers 400 or 409 and writes nothing', async () => {
      const w = await workflow();
      const [job] = await jobs(w.key, [{ name: 'a', command: 'true' }]);
      await initialize(w.key);
      const ready = (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow: w.key, key: job!._key! } } })));
      const notPending = await t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}/start_job/{rev}/{run_id}/{compute_node_key}', { params: { path: { workflow: w.key, key: ready._key!, rev: ready._rev!, run_id: 1, compute_node_key: w.node } }, body: {} });
      expect(notPending.response.status).toBe(400);

      const [claimed] = (await claim(w.key, { num_cpus: 1, memory_gb: 1 })).jobs;
      const stale = await t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}/start_job/{rev}/{run_id}/{compute_node_key}', { params: { path: { workflow: w.key, key: claimed!._key!, rev: ready._rev!, run_id: 1, compute_node_key: w.node } }, body: {} });
      expect(stale.response.status).toBe(409);
      const wrongRun = await t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}/start_job/{rev}/{run_id}/{compute_node_key}', { params: { path: { workflow: w.key, key: claimed!._key!, rev: claimed!._rev!, run_id: 7, compute_node_key: w.node } }, body: {} });
      expect(wrongRun.response.status).toBe(400);
      const after = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow: w.key, key: claimed!._key! } } }));
      expect(after).toEqual(claimed);
      const events = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/events', { params: { path: { workflow: w.key } } }));
      expect(events.total_count).toBe(0);

      const started = await start(w.key, claimed!, w.node);
      const staleComplete = await t.client.POST('/torc-service/workflows/{workflow}/jobs/{key}/complete_job/{status}/{rev}/{run_id}/{compute_node_key}', {
        params: { path: { workflow: w.key, key: started._key!, status: 'done', rev: claimed!._rev!, run_id: 1, compute_node_key: w.node } },
        body: { job_key: started._key!, run_id: 1, return_code: 0, exec_time_minutes: 1, completion_time: new Date().toISOString(), status: 'done' },
      });
      expect(staleComplete.response.status).toBe(409);
      const results = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/results', { params: { path: { workflow: w.key } } }));
      expect(results.total_count).toBe(0);
    });

    it('When a completed job is set back to uninitialized, then its descendants follow', async () => {
      const w = await workflow();
      const [a] = await jobs(w.key, [{ name: 'a', command: 'true' }]);
      const [b] = await jobs(w.key, [{ name: 'b', command: 'true', blocked_by: [a!._id!] }]);
      await jobs(w.key, [{ name: 'c', command: 'true', blocked_by: [b!._id!] }]);
      await initialize(w.key);
      const done = await run(w, 'a');
      await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}/manage_status_change/{status}/{rev}/{run_id}', { params: { path: { workflow: w.key, key: done._key!, status: 'uninitialized', rev: done._rev!, run_id: 1 } }, body: {} }));
      expect(await statuses(w.key)).toEqual({ a: 'uninitialized', b: 'uninitialized', c: 'uninitialized' });
    });
  });

  it('When the workflow completes with a completion script, then exactly one is_complete call says to run it', async () => {
    const w = await workflow({ workflow_completion_script: 'echo finished' });
    await jobs(w.key, [{ name: 'only', command: 'true' }]);
    await initialize(w.key);
    await run(w, 'only');
    const answers = await Promise.all(Array.from({ length: 5 }, () => unwrap(t.client.GET('/torc-service/workflows/{key}/is_complete', { params: { path: { key: w.key } } }))));
    expect(answers.filter((a) => a.needs_to_run_completion_script)).toHaveLength(1);
    expect(answers.every((a) => a.is_complete)).toBe(true);
  });

  it('When the workflow is canceled, then running and pending jobs are canceled and ready ones are left alone', async () => {
    const w = await workflow();
    await jobs(w.key, [{ name: 'a', command: 'true' }, { name: 'b', command: 'true' }, { name: 'c', command: 'true' }]);
    await initialize(w.key);
    const claimed = (await unwrap(t.client.POST('/torc-service/workflows/{key}/prepare_next_jobs_for_submission', { params: { path: { key: w.key }, query: { limit: 2 } }, body: {} }))).jobs;
    await start(w.key, claimed[0]!, w.node);
    await unwrap(t.client.PUT('/torc-service/workflows/{key}/cancel', { params: { path: { key: w.key } }, body: {} }));
    expect(await statuses(w.key)).toEqual({ a: 'canceled', b: 'canceled', c: 'ready' });
    const status = await unwrap(t.client.GET('/torc-service/workflows/{key}/status', { params: { path: { key: w.key } } }));
    expect(status.is_canceled).toBe(true);
    await unwrap(t.client.POST('/torc-service/workflows/{key}/reset_status', { params: { path: { key: w.key } }, body: {} }));
    expect((await unwrap(t.client.GET('/torc-service/workflows/{key}/status', { params: { path: { key: w.key } } }))).is_canceled).toBe(false);
  });

  it('When many callers claim at once, then no job is handed out twice', async () => {
    const w = await workflow();
    await jobs(w.key, Array.from({ length: 200 }, (_, i) => ({ name: `j${i}`, command: 'true' })));
    await initialize(w.key);
    const claims = await Promise.all(Array.from({ length: 16 }, (_, i) => i % 2
      ? claim(w.key, { num_cpus: 8, memory_gb: 64 }).then((r) => r.jobs)
      : unwrap(t.client.POST('/torc-service/workflows/{key}/prepare_next_jobs_for_submission', { params: { path: { key: w.key }, query: { limit: 8 } }, body: {} })).then((r) => r.jobs)));
    const keys = claims.flat().map((j) => j._key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBeGreaterThan(0);
  });
});
