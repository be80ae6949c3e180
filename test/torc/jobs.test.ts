// Torc's jobs end to end through the SDK (semantics.md §1, §3, §6): relation fields given as `_id`s become
// edges in the same transaction as the job and are never returned with it; a bad reference writes nothing;
// PUT replaces the relations it sends; deletes take the edges with them; bulk_jobs stores up to 10,000 jobs
// at once, in order, or none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap, type components } from '@pipeloom/sdk';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

type Job = components['schemas']['job_model'];
type EdgeName = 'blocks' | 'needs' | 'produces' | 'consumes' | 'stores' | 'requires' | 'scheduled_bys' | 'returned' | 'executed' | 'node_used' | 'process_used';

const UNKNOWN = '987654321';
const RELATION_FIELDS = ['blocked_by', 'input_files', 'output_files', 'input_user_data', 'output_user_data', 'resource_requirements', 'scheduler'];

describe.each(PROVIDERS)('Torc jobs on %s', (provider) => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer(provider); });
  afterAll(async () => { await t?.close(); });

  // ---- helpers: each test builds its own workflow ----
  const newWorkflow = async () => (await unwrap(t.client.POST('/torc-service/workflows', { body: { user: 'tester' } })))._key!;
  const addJob = (workflow: string, body: Job) => t.client.POST('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow } }, body });
  const createJob = async (workflow: string, body: Job) => unwrap(addJob(workflow, body));
  const getJob = (workflow: string, key: string) => t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow, key } } });
  const putJob = (workflow: string, key: string, body: Job) => t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow, key } }, body });
  const listJobs = async (workflow: string, query: Record<string, unknown> = {}) =>
    unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow }, query } }));
  const bulk = (workflow: string, jobs: Job[]) => t.client.POST('/torc-service/workflows/{workflow}/bulk_jobs', { params: { path: { workflow } }, body: { jobs } });
  /** The edges of one name as `_from -> _to` strings, in storage order. */
  const edges = async (workflow: string, name: EdgeName) =>
    (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow, name } } }))).items!.map((e) => `${e._from} -> ${e._to}`);
  const allEdges = async (workflow: string) => {
    const out: Record<string, string[]> = {};
    for (const name of ['blocks', 'needs', 'produces', 'consumes', 'stores', 'requires', 'scheduled_bys'] as const) out[name] = await edges(workflow, name);
    return out;
  };
  const noEdges = { blocks: [], needs: [], produces: [], consumes: [], stores: [], requires: [], scheduled_bys: [] };
  const idOf = (doc: { _id?: string }) => doc._id!;

  /** One document of every kind a job can refer to. */
  async function vertices(workflow: string) {
    const path = { workflow };
    const post = <T>(p: Promise<{ data?: T }>) => unwrap(p as never) as Promise<T & { _id?: string; _key?: string }>;
    return {
      inFile: await post(t.client.POST('/torc-service/workflows/{workflow}/files', { params: { path }, body: { name: 'in', path: 'in.json' } })),
      outFile: await post(t.client.POST('/torc-service/workflows/{workflow}/files', { params: { path }, body: { name: 'out', path: 'out.json' } })),
      inData: await post(t.client.POST('/torc-service/workflows/{workflow}/user_data', { params: { path }, body: { name: 'settings' } })),
      outData: await post(t.client.POST('/torc-service/workflows/{workflow}/user_data', { params: { path }, body: { name: 'report' } })),
      rr: await post(t.client.POST('/torc-service/workflows/{workflow}/resource_requirements', { params: { path }, body: { name: 'big', num_cpus: 8 } })),
      rr2: await post(t.client.POST('/torc-service/workflows/{workflow}/resource_requirements', { params: { path }, body: { name: 'small' } })),
      slurm: await post(t.client.POST('/torc-service/workflows/{workflow}/slurm_schedulers', { params: { path }, body: { account: 'a', nodes: 1 } })),
      local: await post(t.client.POST('/torc-service/workflows/{workflow}/local_schedulers', { params: { path }, body: {} })),
      aws: await post(t.client.POST('/torc-service/workflows/{workflow}/aws_schedulers', { params: { path }, body: { name: 'cloud' } })),
      result: await post(t.client.POST('/torc-service/workflows/{workflow}/results', {
        params: { path }, body: { job_key: '1', run_id: 1, return_code: 0, exec_time_minutes: 1, completion_time: '2026-11-22T14:00:00Z', status: 'done' },
      })),
    };
  }

  // ---- create and read ----

  it('When a job is created with only a command, then it is uninitialized with the documented defaults and a jobs__<workflow>/<key> _id', async () => {
    const w = await newWorkflow();

    const job = await createJob(w, { command: 'echo hi' });

    expect(job._key).toMatch(/^\d+$/);
    expect(job._id).toBe(`jobs__${w}/${job._key}`);
    expect(job._rev).toMatch(/^\S+$/);
    expect(job).toMatchObject({
      command: 'echo hi', status: 'uninitialized', cancel_on_blocking_job_failure: true, supports_termination: false,
      internal: { memory_bytes: 1048576, num_cpus: 1, num_gpus: 0, num_nodes: 1, runtime_seconds: 60, scheduler_config_id: '', hash: 0 },
    });
    expect(await unwrap(getJob(w, job._key!))).toEqual(job);
  });

  it('When a job is created with every field, then each comes back, schedule_compute_nodes included (or null)', async () => {
    const w = await newWorkflow();
    const body: Job = {
      name: 'work', command: 'python work.py', invocation_script: 'bash', status: 'disabled', cancel_on_blocking_job_failure: false,
      supports_termination: true, schedule_compute_nodes: { scheduler_id: `slurm_schedulers__${w}/1`, num_jobs: 2, max_parallel_jobs: 4, start_one_worker_per_node: true },
      internal: { memory_bytes: 1073741824, num_cpus: 4, num_gpus: 1, num_nodes: 2, runtime_seconds: 300.5, scheduler_config_id: 'x', hash: 7 },
    };

    const job = await createJob(w, body);
    const nulled = await createJob(w, { command: 'x', schedule_compute_nodes: null });

    expect(job).toMatchObject(body);
    expect(await unwrap(getJob(w, job._key!))).toEqual(job);
    expect(nulled.schedule_compute_nodes ?? null).toBeNull();
    expect((await unwrap(getJob(w, nulled._key!))).schedule_compute_nodes ?? null).toBeNull();
  });

  it('When a job is created with relation _ids, then each becomes an edge of its kind and none is returned on the job', async () => {
    const w = await newWorkflow();
    const v = await vertices(w);
    const blocker = await createJob(w, { command: 'first' });

    const job = await createJob(w, {
      command: 'second', blocked_by: [idOf(blocker)], input_files: [idOf(v.inFile)], output_files: [idOf(v.outFile)],
      input_user_data: [idOf(v.inData)], output_user_data: [idOf(v.outData)], resource_requirements: idOf(v.rr), scheduler: idOf(v.slurm),
    });

    expect(await allEdges(w)).toEqual({
      blocks: [`${idOf(blocker)} -> ${idOf(job)}`],
      needs: [`${idOf(job)} -> ${idOf(v.inFile)}`],
      produces: [`${idOf(job)} -> ${idOf(v.outFile)}`],
      consumes: [`${idOf(job)} -> ${idOf(v.inData)}`],
      stores: [`${idOf(job)} -> ${idOf(v.outData)}`],
      requires: [`${idOf(job)} -> ${idOf(v.rr)}`],
      scheduled_bys: [`${idOf(job)} -> ${idOf(v.slurm)}`],
    });
    const stored = await unwrap(getJob(w, job._key!));
    for (const field of RELATION_FIELDS) {
      expect(job).not.toHaveProperty(field);
      expect(stored).not.toHaveProperty(field);
    }
    const listed = (await listJobs(w, { _key: job._key })).items![0]!;
    for (const field of RELATION_FIELDS) expect(listed).not.toHaveProperty(field);
  });

  it('When a job names a local or an AWS scheduler, then the scheduled_bys edge points at it', async () => {
    const w = await newWorkflow();
    const v = await vertices(w);

    const onLocal = await createJob(w, { command: 'a', scheduler: idOf(v.local) });
    const onAws = await createJob(w, { command: 'b', scheduler: idOf(v.aws) });

    expect(await edges(w, 'scheduled_bys')).toEqual([`${idOf(onLocal)} -> ${idOf(v.local)}`, `${idOf(onAws)} -> ${idOf(v.aws)}`]);
  });

  it('When a relation _id is malformed, of the wrong collection, of another workflow or does not exist, then it answers 400 and writes nothing', async () => {
    const w = await newWorkflow();
    const other = await newWorkflow();
    const v = await vertices(w);
    const foreign = await vertices(other);
    const blocker = await createJob(w, { command: 'first' });
    const before = { jobs: (await listJobs(w)).total_count, edges: await allEdges(w) };

    const bad: [string, Job][] = [
      ['malformed', { command: 'x', input_files: ['in.json'] }],
      ['a bare key', { command: 'x', blocked_by: [blocker._key!] }],
      ['without the workflow', { command: 'x', input_files: [`files/${v.inFile._key}`] }],
      ['user data as a file', { command: 'x', input_files: [idOf(v.inData)] }],
      ['a file as user data', { command: 'x', output_user_data: [idOf(v.outFile)] }],
      ['a file as a blocker', { command: 'x', blocked_by: [idOf(v.inFile)] }],
      ['a result as a scheduler', { command: 'x', scheduler: idOf(v.result) }],
      ['a scheduler as resource requirements', { command: 'x', resource_requirements: idOf(v.slurm) }],
      ['another workflow\'s file', { command: 'x', input_files: [idOf(foreign.inFile)] }],
      ['another workflow\'s resource requirements', { command: 'x', resource_requirements: idOf(foreign.rr) }],
      ['a file that does not exist', { command: 'x', input_files: [idOf(v.inFile), `files__${w}/${UNKNOWN}`] }],
      ['a job that does not exist', { command: 'x', blocked_by: [`jobs__${w}/${UNKNOWN}`] }],
      ['a key beyond any that exists', { command: 'x', output_files: [`files__${w}/99999999999`] }],
      ['a scheduler that does not exist', { command: 'x', scheduler: `slurm_schedulers__${w}/${UNKNOWN}` }],
      ['a good reference and a bad one', { command: 'x', input_files: [idOf(v.inFile)], output_files: [idOf(v.inData)] }],
    ];
    for (const [label, body] of bad) {
      const r = await addJob(w, body);
      expect(r.response.status, label).toBe(400);
      expect(r.error, label).toMatchObject({ error: true, code: 400, errorNum: 400, pipeloomCode: 'INVALID_ARGUMENT' });
    }

    expect((await listJobs(w)).total_count).toBe(before.jobs);
    expect(await allEdges(w)).toEqual(before.edges);
  });

  it('When a job body breaks the contract, then it answers 400 VALIDATION_FAILED and writes nothing', async () => {
    const w = await newWorkflow();
    const v = await vertices(w);

    const bad: [string, unknown][] = [
      ['unknown field', { command: 'x', colour: 'blue', input_files: [idOf(v.inFile)] }],
      ['missing command', { name: 'x', input_files: [idOf(v.inFile)] }],
      ['wrong type', { command: 42 }],
      ['unknown status', { command: 'x', status: 'failed' }],
      ['relation list as a string', { command: 'x', input_files: idOf(v.inFile) }],
      ['one-to-one relation as a list', { command: 'x', resource_requirements: [idOf(v.rr)] }],
      ['unknown internal field', { command: 'x', internal: { colour: 1 } }],
      ['schedule_compute_nodes without num_jobs', { command: 'x', schedule_compute_nodes: { scheduler_id: idOf(v.slurm) } }],
    ];
    for (const [label, body] of bad) {
      const r = await addJob(w, body as Job);
      expect(r.response.status, label).toBe(400);
      expect(r.error, label).toMatchObject({ pipeloomCode: 'VALIDATION_FAILED' });
    }

    expect((await listJobs(w)).total_count).toBe(0);
    expect(await allEdges(w)).toEqual(noEdges);
  });

  it('When a job is posted with _key, _id or _rev, or an integer too large for its column, then it answers 400 and writes nothing', async () => {
    const w = await newWorkflow();

    const replies = [
      await addJob(w, { command: 'x', _key: '5' }),
      await addJob(w, { command: 'x', _id: `jobs__${w}/5` }),
      await addJob(w, { command: 'x', _rev: '1' }),
      await addJob(w, { command: 'x', internal: { num_cpus: 2 ** 40 } }),
    ];

    for (const r of replies) {
      expect(r.response.status).toBe(400);
      expect(r.error).toMatchObject({ pipeloomCode: 'INVALID_ARGUMENT' });
    }
    expect((await listJobs(w)).total_count).toBe(0);
  });

  // ---- list ----

  it('When jobs are listed, then skip/limit page in storage order, filters match exactly and sort_by orders the whole collection', async () => {
    const w = await newWorkflow();
    const specs: Job[] = [
      { name: 'c', command: 'run c', status: 'ready' },
      { name: 'a', command: 'run a', cancel_on_blocking_job_failure: false },
      { name: 'd', command: 'run d', supports_termination: true },
      { name: 'b', command: 'run b', status: 'disabled' },
    ];
    const jobs = [];
    for (const s of specs) jobs.push(await createJob(w, s));
    const keys = (page: { items?: Job[] }) => page.items!.map((j) => j.name);

    expect(await listJobs(w, { limit: 3 })).toMatchObject({ skip: 0, max_limit: 100000, count: 3, total_count: 4, has_more: true });
    expect(keys(await listJobs(w, { skip: 3, limit: 200_000 }))).toEqual(['b']);
    expect(keys(await listJobs(w, { _key: jobs[2]!._key }))).toEqual(['d']);
    expect(keys(await listJobs(w, { name: 'a' }))).toEqual(['a']);
    expect(keys(await listJobs(w, { command: 'run b' }))).toEqual(['b']);
    expect(keys(await listJobs(w, { status: 'uninitialized' }))).toEqual(['a', 'd']);
    expect(keys(await listJobs(w, { cancel_on_blocking_job_failure: false }))).toEqual(['a']);
    expect(keys(await listJobs(w, { supports_termination: true, status: 'uninitialized' }))).toEqual(['d']);
    expect(keys(await listJobs(w, { supports_termination: true, status: 'ready' }))).toEqual([]);
    expect(keys(await listJobs(w, { sort_by: 'name', limit: 2 }))).toEqual(['a', 'b']);
    expect(keys(await listJobs(w, { sort_by: 'name', reverse_sort: true, skip: 1 }))).toEqual(['c', 'b', 'a']);
    expect(keys(await listJobs(w, { sort_by: '_key', reverse_sort: true }))).toEqual(['b', 'd', 'a', 'c']);
  });

  it('When a jobs list query is malformed, then it answers 400', async () => {
    const w = await newWorkflow();

    for (const query of [{ status: 'failed' }, { sort_by: 'colour' }, { supports_termination: 'maybe' }, { limit: 0 }, { colour: 'x' }]) {
      const r = await t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: w }, query: query as never } });
      expect(r.response.status, JSON.stringify(query)).toBe(400);
    }
  });

  // ---- update ----

  it('When a job is updated with its current _rev, then the fields change, _rev moves on, _oldRev is returned and its edges stay', async () => {
    const w = await newWorkflow();
    const v = await vertices(w);
    const job = await createJob(w, { name: 'j', command: 'x', input_files: [idOf(v.inFile)], resource_requirements: idOf(v.rr) });
    const edgesBefore = await allEdges(w);

    const updated = await unwrap(putJob(w, job._key!, { ...job, status: 'disabled', command: 'y' }));

    expect(updated).toMatchObject({ status: 'disabled', command: 'y', name: 'j', _oldRev: job._rev });
    expect(updated._rev).not.toBe(job._rev);
    const { _oldRev, ...stored } = updated;
    expect(await unwrap(getJob(w, job._key!))).toEqual(stored);
    expect(await allEdges(w)).toEqual(edgesBefore);
  });

  it('When a PUT sends a relation field, then that relation is replaced and the others are kept', async () => {
    const w = await newWorkflow();
    const v = await vertices(w);
    const [a, b, c] = [await createJob(w, { command: 'a' }), await createJob(w, { command: 'b' }), await createJob(w, { command: 'c' })];
    const job = await createJob(w, {
      command: 'x', blocked_by: [idOf(a), idOf(b)], input_files: [idOf(v.inFile)], output_files: [idOf(v.outFile)],
      resource_requirements: idOf(v.rr), scheduler: idOf(v.slurm),
    });
    // The job also blocks c; that edge leaves the job and is not part of its blocked_by.
    const downstream = await createJob(w, { command: 'd', blocked_by: [idOf(job)] });

    await unwrap(putJob(w, job._key!, {
      _key: job._key, _rev: job._rev, command: 'x',
      blocked_by: [idOf(c)], input_files: [], resource_requirements: idOf(v.rr2), scheduler: idOf(v.local),
    }));

    expect(await allEdges(w)).toEqual({
      blocks: [`${idOf(job)} -> ${idOf(downstream)}`, `${idOf(c)} -> ${idOf(job)}`],
      needs: [],
      produces: [`${idOf(job)} -> ${idOf(v.outFile)}`],
      consumes: [],
      stores: [],
      requires: [`${idOf(job)} -> ${idOf(v.rr2)}`],
      scheduled_bys: [`${idOf(job)} -> ${idOf(v.local)}`],
    });
    const stored = await unwrap(getJob(w, job._key!));
    for (const field of RELATION_FIELDS) expect(stored).not.toHaveProperty(field);
  });

  it('When a PUT has a bad relation, a stale _rev, no _rev or no _key, then it answers 4xx and neither the job nor its edges change', async () => {
    const w = await newWorkflow();
    const v = await vertices(w);
    const job = await createJob(w, { command: 'x', input_files: [idOf(v.inFile)] });
    const current = await unwrap(putJob(w, job._key!, { ...job, name: 'renamed' }));
    const { _oldRev, ...stored } = current;
    const edgesBefore = await allEdges(w);

    const badRef = await putJob(w, job._key!, { ...stored, command: 'y', input_files: [idOf(v.inData)] });
    const missingRef = await putJob(w, job._key!, { ...stored, command: 'y', input_files: [`files__${w}/${UNKNOWN}`] });
    const stale = await putJob(w, job._key!, { ...job, command: 'y', input_files: [idOf(v.outFile)] });
    const { _rev, ...withoutRev } = stored;
    const noRev = await putJob(w, job._key!, { ...withoutRev, input_files: [] });
    const { _key, ...withoutKey } = stored;
    const noKey = await putJob(w, job._key!, { ...withoutKey, input_files: [] });

    expect(badRef.response.status).toBe(400);
    expect(missingRef.response.status).toBe(400);
    expect(stale.response.status).toBe(409);
    expect(stale.error).toMatchObject({ pipeloomCode: 'REVISION_CONFLICT' });
    expect(noRev.response.status).toBe(400);
    expect(noRev.error).toMatchObject({ pipeloomCode: 'REVISION_REQUIRED' });
    expect(noKey.response.status).toBe(400);
    expect(await unwrap(getJob(w, job._key!))).toEqual(stored);
    expect(await allEdges(w)).toEqual(edgesBefore);
  });

  it('When a job or the workflow does not exist, then GET, PUT and DELETE answer 404', async () => {
    const w = await newWorkflow();
    const job = await createJob(w, { command: 'x' });
    const other = await newWorkflow();

    const replies = [
      await getJob(w, UNKNOWN), await putJob(w, UNKNOWN, { _key: UNKNOWN, _rev: '1', command: 'x' }),
      await t.client.DELETE('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow: w, key: UNKNOWN } } }),
      await getJob(other, job._key!), await getJob(UNKNOWN, job._key!), await getJob(w, '99999999999'),
      await t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: UNKNOWN } } }),
      await addJob(UNKNOWN, { command: 'x' }), await bulk(UNKNOWN, [{ command: 'x' }]),
      await t.client.DELETE('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: UNKNOWN } } }),
    ];

    for (const r of replies) {
      expect(r.response.status).toBe(404);
      expect(r.error).toMatchObject({ pipeloomCode: 'DOCUMENT_NOT_FOUND' });
    }
  });

  // ---- delete ----

  it('When a job is deleted, then it is returned as it was and every edge touching it is gone; the documents it linked stay', async () => {
    const w = await newWorkflow();
    const v = await vertices(w);
    const up = await createJob(w, { command: 'up' });
    const job = await createJob(w, { command: 'x', blocked_by: [idOf(up)], input_files: [idOf(v.inFile)], resource_requirements: idOf(v.rr), scheduler: idOf(v.slurm) });
    const down = await createJob(w, { command: 'down', blocked_by: [idOf(job), idOf(up)], input_files: [idOf(v.inFile)] });

    const deleted = await unwrap(t.client.DELETE('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow: w, key: job._key! } } }));

    expect(deleted).toEqual(job);
    expect((await getJob(w, job._key!)).response.status).toBe(404);
    expect(await allEdges(w)).toEqual({
      ...noEdges,
      blocks: [`${idOf(up)} -> ${idOf(down)}`],
      needs: [`${idOf(down)} -> ${idOf(v.inFile)}`],
    });
    expect((await listJobs(w)).items!.map((j) => j._key)).toEqual([up._key, down._key]);
    const file = await t.client.GET('/torc-service/workflows/{workflow}/files/{key}', { params: { path: { workflow: w, key: v.inFile._key! } } });
    expect(file.response.status).toBe(200);
  });

  it('When a file is deleted, then the needs and produces edges into it are gone and the jobs stay', async () => {
    const w = await newWorkflow();
    const v = await vertices(w);
    const job = await createJob(w, { command: 'x', input_files: [idOf(v.inFile), idOf(v.outFile)], output_files: [idOf(v.inFile)] });

    await unwrap(t.client.DELETE('/torc-service/workflows/{workflow}/files/{key}', { params: { path: { workflow: w, key: v.inFile._key! } } }));

    expect(await edges(w, 'needs')).toEqual([`${idOf(job)} -> ${idOf(v.outFile)}`]);
    expect(await edges(w, 'produces')).toEqual([]);
    expect((await getJob(w, job._key!)).response.status).toBe(200);
  });

  it('When all jobs, or all files, are deleted, then only the edges touching them go, in this workflow only', async () => {
    const w = await newWorkflow();
    const other = await newWorkflow();
    const v = await vertices(w);
    const ov = await vertices(other);
    const first = await createJob(w, { command: 'a', input_files: [idOf(v.inFile)] });
    await createJob(w, { command: 'b', blocked_by: [idOf(first)], output_user_data: [idOf(v.outData)] });
    const kept = await createJob(other, { command: 'c', input_files: [idOf(ov.inFile)] });
    // An edge between two other collections, which deleting the jobs must leave alone.
    const node = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/compute_nodes', {
      params: { path: { workflow: w } }, body: { hostname: 'h', pid: 1, start_time: 'now', resources: { num_cpus: 1, memory_gb: 1 } },
    }));
    const stats = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/compute_node_stats', { params: { path: { workflow: w } }, body: { hostname: 'h', timestamp: 'now' } }));
    await unwrap(t.client.POST('/torc-service/workflows/{workflow}/edges/{name}', {
      params: { path: { workflow: w, name: 'node_used' } }, body: { _from: idOf(node), _to: idOf(stats) },
    }));

    const reply = await unwrap(t.client.DELETE('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: w } } }));

    expect(reply).toEqual({ message: expect.any(String) });
    expect((await listJobs(w)).total_count).toBe(0);
    expect(await allEdges(w)).toEqual(noEdges);
    expect(await edges(w, 'node_used')).toEqual([`${idOf(node)} -> ${idOf(stats)}`]);
    expect((await listJobs(other)).items).toEqual([kept]);
    expect(await edges(other, 'needs')).toEqual([`${idOf(kept)} -> ${idOf(ov.inFile)}`]);

    await unwrap(t.client.DELETE('/torc-service/workflows/{workflow}/files', { params: { path: { workflow: other } } }));
    expect(await edges(other, 'needs')).toEqual([]);
    expect((await listJobs(other)).items).toEqual([kept]);
  });

  it('When a workflow is deleted, then its jobs, documents and edges go with it and other workflows keep theirs', async () => {
    const w = await newWorkflow();
    const other = await newWorkflow();
    const v = await vertices(w);
    await createJob(w, { command: 'x', input_files: [idOf(v.inFile)] });
    const kept = await createJob(other, { command: 'y' });

    await unwrap(t.client.DELETE('/torc-service/workflows/{key}', { params: { path: { key: w } } }));

    const jobs = await t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: w } } });
    expect(jobs.response.status).toBe(404);
    expect(jobs.error).toMatchObject({ pipeloomCode: 'DOCUMENT_NOT_FOUND' });
    const needs = await t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: w, name: 'needs' } } });
    expect(needs.response.status).toBe(404);
    expect((await listJobs(other)).items).toEqual([kept]);
  });

  // ---- bulk_jobs ----

  it('When 10,000 jobs with relations are posted to bulk_jobs, then all are stored in request order with their edges', async () => {
    const w = await newWorkflow();
    const v = await vertices(w);
    const root = await createJob(w, { command: 'root' });
    const jobs: Job[] = Array.from({ length: 10_000 }, (_, i) => ({
      name: `work_${i}`, command: `python work.py ${i}`, blocked_by: [idOf(root)], input_files: [idOf(v.inFile)],
      ...(i % 2 === 0 ? { resource_requirements: idOf(v.rr) } : { scheduler: idOf(v.slurm), output_user_data: [idOf(v.outData)] }),
    }));

    const reply = await unwrap(bulk(w, jobs));

    const items = reply.items!;
    expect(items).toHaveLength(10_000);
    expect(items.map((j) => j.name)).toEqual(jobs.map((j) => j.name));
    const keys = items.map((j) => Number(j._key));
    expect(keys.every((k, i) => i === 0 || k > keys[i - 1]!)).toBe(true);
    for (const field of RELATION_FIELDS) expect(items[0]).not.toHaveProperty(field);
    expect(items[9_999]).toMatchObject({ _id: `jobs__${w}/${items[9_999]!._key}`, status: 'uninitialized' });
    expect((await listJobs(w)).total_count).toBe(10_001);
    const count = async (name: EdgeName) => (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: w, name }, query: { limit: 1 } } }))).total_count;
    expect(await count('blocks')).toBe(10_000);
    expect(await count('needs')).toBe(10_000);
    expect(await count('requires')).toBe(5_000);
    expect(await count('scheduled_bys')).toBe(5_000);
    expect(await count('stores')).toBe(5_000);
    const last = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: w, name: 'scheduled_bys' }, query: { skip: 4_999 } } }));
    expect(last.items!.map((e) => `${e._from} -> ${e._to}`)).toEqual([`${idOf(items[9_999]!)} -> ${idOf(v.slurm)}`]);
  });

  it('When one job among many in bulk_jobs has a bad reference, then it answers 400 and no job or edge is written', async () => {
    const w = await newWorkflow();
    const v = await vertices(w);
    const jobs: Job[] = Array.from({ length: 500 }, (_, i) => ({ command: `run ${i}`, input_files: [idOf(v.inFile)] }));
    jobs[317] = { command: 'bad', input_files: [idOf(v.inFile)], output_files: [`files__${w}/${UNKNOWN}`] };

    const r = await bulk(w, jobs);

    expect(r.response.status).toBe(400);
    expect(r.error).toMatchObject({ pipeloomCode: 'INVALID_ARGUMENT' });
    expect((r.error as { errorMessage: string }).errorMessage).toContain(UNKNOWN);
    expect((await listJobs(w)).total_count).toBe(0);
    expect(await allEdges(w)).toEqual(noEdges);
  });

  it('When bulk_jobs breaks the contract (more than 10,000 jobs, one invalid job, a _key), then it answers 400 and writes nothing', async () => {
    const w = await newWorkflow();
    const tooMany = Array.from({ length: 10_001 }, (_, i) => ({ command: `run ${i}` }));
    const oneInvalid: Job[] = [{ command: 'ok' }, { name: 'no command' } as Job];
    const withKey: Job[] = [{ command: 'ok' }, { command: 'keyed', _key: '77' }];

    const replies = [await bulk(w, tooMany), await bulk(w, oneInvalid), await bulk(w, withKey)];

    for (const r of replies) expect(r.response.status).toBe(400);
    expect(replies[0]!.error).toMatchObject({ pipeloomCode: 'VALIDATION_FAILED' });
    expect((await listJobs(w)).total_count).toBe(0);
  });

  it('When bulk_jobs refers to jobs stored earlier, then blocks edges run from them; an empty batch stores nothing', async () => {
    const w = await newWorkflow();
    const first = await unwrap(bulk(w, [{ name: 'a', command: 'a' }, { name: 'b', command: 'b' }]));
    const [a, b] = first.items!;

    const second = await unwrap(bulk(w, [{ name: 'c', command: 'c', blocked_by: [idOf(a!), idOf(b!)] }]));
    const empty = await unwrap(bulk(w, []));

    const c = second.items![0]!;
    expect(await edges(w, 'blocks')).toEqual([`${idOf(a!)} -> ${idOf(c)}`, `${idOf(b!)} -> ${idOf(c)}`]);
    expect(empty.items).toEqual([]);
    expect((await listJobs(w)).items!.map((j) => j.name)).toEqual(['a', 'b', 'c']);
  });
});
