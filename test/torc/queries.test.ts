// Torc's query endpoints end to end through the SDK (semantics.md §1, §6): job keys, finds by status and
// by edge, a job's user data, resource requirements, process stats and current result, collection names
// and downstream walks. Data is built through the API, relations as `_id`s, as a client would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap, type components } from '@pipeloom/sdk';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

const MISSING = '987654321';

/** A job as POST /jobs and bulk_jobs take it. */
type JobBody = components['schemas']['job_model'];

describe.each(PROVIDERS)('Torc queries on %s', (provider) => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer(provider); });
  afterAll(async () => { await t?.close(); });

  // ---- building data through the API ----
  const workflow = async () => (await unwrap(t.client.POST('/torc-service/workflows', { body: { user: 'alice', name: `q-${crypto.randomUUID()}` } })))._key!;
  const file = (w: string, name: string) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/files', { params: { path: { workflow: w } }, body: { name, path: `out/${name}` } }));
  const userData = (w: string, name: string) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/user_data', { params: { path: { workflow: w } }, body: { name, data: { v: name } } }));
  const rr = (w: string, name: string, num_cpus: number) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/resource_requirements', { params: { path: { workflow: w } }, body: { name, num_cpus, memory: '2g', runtime: 'P0DT1H' } }));
  const job = (w: string, body: JobBody) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: w } }, body }));
  const bulk = async (w: string, jobs: JobBody[]) =>
    (await unwrap(t.client.POST('/torc-service/workflows/{workflow}/bulk_jobs', { params: { path: { workflow: w } }, body: { jobs } }))).items!;
  const edge = (w: string, name: 'blocks' | 'process_used', from: string, to: string) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: w, name } }, body: { _from: from, _to: to } }));
  const processStats = (w: string, job_key: string, run_id: number) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/job_process_stats', {
      params: { path: { workflow: w } },
      body: { job_key, run_id, avg_cpu_percent: 50, max_cpu_percent: 90, avg_rss: 1e6, max_rss: 2e6, num_samples: 3, timestamp: '2026-11-22T14:12:31.000Z' },
    }));
  const result = (w: string, job_key: string, run_id: number, return_code = 0) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/results', {
      params: { path: { workflow: w } },
      body: { job_key, run_id, return_code, exec_time_minutes: 1.5, completion_time: '2026-11-22T14:12:31.000Z', status: 'done' },
    }));
  const setRunId = async (w: string, runId: number) => {
    const status = await unwrap(t.client.GET('/torc-service/workflows/{key}/status', { params: { path: { key: w } } }));
    await unwrap(t.client.PUT('/torc-service/workflows/{key}/status', { params: { path: { key: w } }, body: { ...status, _oldRev: undefined, run_id: runId } }));
  };
  const expectError = (r: { response: Response; error?: unknown }, status: number, code: string) => {
    expect(r.response.status).toBe(status);
    expect(r.error).toMatchObject({ error: true, code: status, pipeloomCode: code });
  };

  // ---- collection_names ----

  it('When collection names are asked for, then the 24 per-workflow collections come back as <name>__<key> in Torc\'s order', async () => {
    const w = await workflow();
    const { names } = await unwrap(t.client.GET('/torc-service/workflows/{key}/collection_names', { params: { path: { key: w } } }));
    expect(names).toEqual([
      'events', 'scheduled_compute_nodes',
      'aws_schedulers', 'compute_node_stats', 'compute_nodes', 'files', 'job_process_stats', 'jobs',
      'local_schedulers', 'resource_requirements', 'results', 'slurm_schedulers', 'user_data',
      'blocks', 'needs', 'produces', 'consumes', 'stores', 'requires', 'scheduled_bys', 'returned', 'executed', 'node_used', 'process_used',
    ].map((n) => `${n}__${w}`));
  });

  it('When collection names are asked for an unknown workflow, then it answers 404 DOCUMENT_NOT_FOUND', async () => {
    expectError(await t.client.GET('/torc-service/workflows/{key}/collection_names', { params: { path: { key: MISSING } } }), 404, 'DOCUMENT_NOT_FOUND');
  });

  // ---- job_keys ----

  it('When job keys are listed, then every job key of that workflow comes back in creation order and nothing else', async () => {
    const w = await workflow();
    const other = await workflow();
    expect(await unwrap(t.client.GET('/torc-service/workflows/{workflow}/job_keys', { params: { path: { workflow: w } } }))).toEqual({ items: [] });
    const jobs = await bulk(w, Array.from({ length: 5 }, (_, i) => ({ name: `j${i}`, command: `echo ${i}` })));
    await job(other, { command: 'elsewhere' });

    const keys = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/job_keys', { params: { path: { workflow: w } } }));

    expect(keys).toEqual({ items: jobs.map((j) => j._key) });
  });

  it('When job keys are listed for an unknown workflow, then it answers 404', async () => {
    expectError(await t.client.GET('/torc-service/workflows/{workflow}/job_keys', { params: { path: { workflow: MISSING } } }), 404, 'DOCUMENT_NOT_FOUND');
  });

  // ---- find_by_status ----

  it('When jobs are found by status, then only that workflow\'s jobs with that status come back, paged with skip and limit', async () => {
    const w = await workflow();
    const other = await workflow();
    const jobs = await bulk(w, [
      { name: 'r1', command: 'a', status: 'ready' }, { name: 'b1', command: 'b', status: 'blocked' },
      { name: 'r2', command: 'c', status: 'ready' }, { name: 'r3', command: 'd', status: 'ready' },
    ]);
    await job(other, { command: 'x', status: 'ready' });
    const find = (query: { skip?: number; limit?: number }) =>
      unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/find_by_status/{status}', { params: { path: { workflow: w, status: 'ready' }, query } }));

    const all = await find({});
    expect(all).toMatchObject({ skip: 0, max_limit: 100000, count: 3, total_count: 3, has_more: false });
    expect(all.items).toEqual([jobs[0], jobs[2], jobs[3]]);
    const firstPage = await find({ limit: 2 });
    expect(firstPage).toMatchObject({ count: 2, total_count: 3, has_more: true });
    expect(firstPage.items!.map((j) => j.name)).toEqual(['r1', 'r2']);
    const lastPage = await find({ skip: 2, limit: 2 });
    expect(lastPage).toMatchObject({ skip: 2, count: 1, total_count: 3, has_more: false });
    expect(lastPage.items!.map((j) => j.name)).toEqual(['r3']);
    const done = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/find_by_status/{status}', { params: { path: { workflow: w, status: 'done' } } }));
    expect(done).toMatchObject({ items: [], count: 0, total_count: 0, has_more: false });
  });

  it('When find_by_status gets an unknown status or a bad limit, then it answers 400; an unknown workflow is 404', async () => {
    const w = await workflow();
    expectError(await t.client.GET('/torc-service/workflows/{workflow}/jobs/find_by_status/{status}', { params: { path: { workflow: w, status: 'failed' as never } } }), 400, 'VALIDATION_FAILED');
    expectError(await t.client.GET('/torc-service/workflows/{workflow}/jobs/find_by_status/{status}', { params: { path: { workflow: w, status: 'ready' }, query: { limit: 0 } } }), 400, 'VALIDATION_FAILED');
    expectError(await t.client.GET('/torc-service/workflows/{workflow}/jobs/find_by_status/{status}', { params: { path: { workflow: w, status: 'ready' }, query: { skip: -1 } } }), 400, 'VALIDATION_FAILED');
    expectError(await t.client.GET('/torc-service/workflows/{workflow}/jobs/find_by_status/{status}', { params: { path: { workflow: MISSING, status: 'ready' } } }), 404, 'DOCUMENT_NOT_FOUND');
  });

  // ---- find_by_needs_file / produced_by_job ----

  it('When jobs are found by a needed file, then the jobs with a needs edge to it come back, paged', async () => {
    const w = await workflow();
    const [f1, f2, unused] = [await file(w, 'f1'), await file(w, 'f2'), await file(w, 'unused')];
    const jobs = await bulk(w, [
      { name: 'a', command: 'a', input_files: [f1._id!] },
      { name: 'b', command: 'b', input_files: [f2._id!] },
      { name: 'c', command: 'c', input_files: [f1._id!, f2._id!] },
    ]);
    const find = (key: string, query: { skip?: number; limit?: number } = {}) =>
      unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/find_by_needs_file/{key}', { params: { path: { workflow: w, key }, query } }));

    const needers = await find(f1._key!);
    expect(needers).toMatchObject({ skip: 0, count: 2, total_count: 2, has_more: false });
    expect(needers.items).toEqual([jobs[0], jobs[2]]);
    const second = await find(f2._key!, { skip: 1, limit: 1 });
    expect(second).toMatchObject({ skip: 1, count: 1, total_count: 2, has_more: false });
    expect(second.items!.map((j) => j.name)).toEqual(['c']);
    expect(await find(unused._key!)).toMatchObject({ items: [], total_count: 0 });
  });

  it('When find_by_needs_file names an unknown file, a file of another workflow or an unknown workflow, then it answers 404', async () => {
    const w = await workflow();
    const foreign = await file(await workflow(), 'foreign');
    for (const [workflowKey, key] of [[w, MISSING], [w, foreign._key!], [MISSING, foreign._key!], [w, 'not-a-key']]) {
      expectError(await t.client.GET('/torc-service/workflows/{workflow}/jobs/find_by_needs_file/{key}', { params: { path: { workflow: workflowKey!, key: key! } } }), 404, 'DOCUMENT_NOT_FOUND');
    }
    expectError(await t.client.GET('/torc-service/workflows/{workflow}/jobs/find_by_needs_file/{key}', { params: { path: { workflow: w, key: '1' }, query: { limit: 'ten' as never } } }), 400, 'VALIDATION_FAILED');
  });

  it('When files produced by a job are listed, then the files of its produces edges come back, paged; other jobs\' outputs do not', async () => {
    const w = await workflow();
    const [o1, o2, o3] = [await file(w, 'o1'), await file(w, 'o2'), await file(w, 'o3')];
    const [producer, other, idle] = await bulk(w, [
      { name: 'p', command: 'p', output_files: [o2._id!, o1._id!] },
      { name: 'q', command: 'q', output_files: [o3._id!] },
      { name: 'idle', command: 'i', input_files: [o1._id!] },
    ]);
    const produced = (key: string, query: { skip?: number; limit?: number } = {}) =>
      unwrap(t.client.GET('/torc-service/workflows/{workflow}/files/produced_by_job/{key}', { params: { path: { workflow: w, key }, query } }));

    const all = await produced(producer!._key!);
    expect(all).toMatchObject({ skip: 0, count: 2, total_count: 2, has_more: false });
    expect(all.items).toEqual([o1, o2]);
    expect(await produced(producer!._key!, { limit: 1 })).toMatchObject({ items: [o1], count: 1, total_count: 2, has_more: true });
    expect((await produced(other!._key!)).items).toEqual([o3]);
    expect(await produced(idle!._key!)).toMatchObject({ items: [], total_count: 0 });
  });

  it('When produced_by_job names an unknown job or workflow, then it answers 404; a negative skip is 400', async () => {
    const w = await workflow();
    const j = await job(w, { command: 'x' });
    expectError(await t.client.GET('/torc-service/workflows/{workflow}/files/produced_by_job/{key}', { params: { path: { workflow: w, key: MISSING } } }), 404, 'DOCUMENT_NOT_FOUND');
    expectError(await t.client.GET('/torc-service/workflows/{workflow}/files/produced_by_job/{key}', { params: { path: { workflow: MISSING, key: j._key! } } }), 404, 'DOCUMENT_NOT_FOUND');
    expectError(await t.client.GET('/torc-service/workflows/{workflow}/files/produced_by_job/{key}', { params: { path: { workflow: w, key: j._key! }, query: { skip: -1 } } }), 400, 'VALIDATION_FAILED');
  });

  // ---- user data of a job ----

  it('When a job\'s stored and consumed user data are listed, then each comes back whole in one page with skip 0', async () => {
    const w = await workflow();
    const [u1, u2, u3] = [await userData(w, 'u1'), await userData(w, 'u2'), await userData(w, 'u3')];
    const [j] = await bulk(w, [{ command: 'x', output_user_data: [u2._id!, u1._id!], input_user_data: [u3._id!] }]);
    const path = { workflow: w, key: j!._key! };

    const stores = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}/user_data_stores', { params: { path } }));
    expect(stores).toEqual({ items: [u1, u2], skip: 0, max_limit: 100000, count: 2, total_count: 2, has_more: false });
    const consumes = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}/user_data_consumes', { params: { path } }));
    expect(consumes).toEqual({ items: [u3], skip: 0, max_limit: 100000, count: 1, total_count: 1, has_more: false });
  });

  it('When user data lists name an unknown job or workflow, then they answer 404', async () => {
    const w = await workflow();
    for (const path of [{ workflow: w, key: MISSING }, { workflow: MISSING, key: '1' }]) {
      expectError(await t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}/user_data_stores', { params: { path } }), 404, 'DOCUMENT_NOT_FOUND');
      expectError(await t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}/user_data_consumes', { params: { path } }), 404, 'DOCUMENT_NOT_FOUND');
    }
  });

  it('When user data is posted for a job, then it is stored with a stores edge from the job and returned', async () => {
    const w = await workflow();
    const j = await job(w, { command: 'x' });
    const path = { workflow: w, key: j._key! };

    const ud = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/jobs/{key}/user_data', { params: { path }, body: { name: 'out', data: { rows: 1200 } } }));

    expect(ud).toMatchObject({ name: 'out', is_ephemeral: false, data: { rows: 1200 } });
    expect(ud._id).toBe(`user_data__${w}/${ud._key}`);
    expect(await unwrap(t.client.GET('/torc-service/workflows/{workflow}/user_data/{key}', { params: { path: { workflow: w, key: ud._key! } } }))).toEqual(ud);
    expect((await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}/user_data_stores', { params: { path } }))).items).toEqual([ud]);
    const edges = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: w, name: 'stores' } } }));
    expect(edges.items).toEqual([expect.objectContaining({ _from: j._id, _to: ud._id })]);
  });

  it('When user data is posted for an unknown job, with an unknown field or with a _key, then it fails (404, 400, 400) and stores nothing', async () => {
    const w = await workflow();
    const j = await job(w, { command: 'x' });
    const post = (key: string, body: object) =>
      t.client.POST('/torc-service/workflows/{workflow}/jobs/{key}/user_data', { params: { path: { workflow: w, key } }, body: body as never });

    expectError(await post(MISSING, { name: 'lost' }), 404, 'DOCUMENT_NOT_FOUND');
    expectError(await t.client.POST('/torc-service/workflows/{workflow}/jobs/{key}/user_data', { params: { path: { workflow: MISSING, key: j._key! } }, body: {} }), 404, 'DOCUMENT_NOT_FOUND');
    expectError(await post(j._key!, { name: 'x', colour: 'blue' }), 400, 'VALIDATION_FAILED');
    expectError(await post(j._key!, { _key: '5', name: 'x' }), 400, 'INVALID_ARGUMENT');

    expect((await unwrap(t.client.GET('/torc-service/workflows/{workflow}/user_data', { params: { path: { workflow: w } } }))).total_count).toBe(0);
    expect((await unwrap(t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: w, name: 'stores' } } }))).total_count).toBe(0);
  });

  // ---- resource requirements of a job ----

  it('When a job has no requires edge, then its resource requirements are Torc\'s defaults, named default, without _key', async () => {
    const w = await workflow();
    const j = await job(w, { command: 'x' });
    const got = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}/resource_requirements', { params: { path: { workflow: w, key: j._key! } } }));
    expect(got).toEqual({ name: 'default', num_cpus: 1, num_gpus: 0, num_nodes: 1, memory: '1m', runtime: 'P0DT1M' });
  });

  it('When a job requires resource requirements and they are replaced, then GET follows the one new requires edge', async () => {
    const w = await workflow();
    const [small, large] = [await rr(w, 'small', 1), await rr(w, 'large', 16)];
    const j = await job(w, { command: 'x', resource_requirements: small._id! });
    const path = { workflow: w, key: j._key! };
    expect(await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}/resource_requirements', { params: { path } }))).toEqual(small);

    const edge = await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}/resource_requirements/{rr_key}', {
      params: { path: { ...path, rr_key: large._key! } },
      body: {},
    }));

    expect(edge).toMatchObject({ _from: j._id, _to: large._id });
    expect(edge._id).toBe(`requires__${w}/${edge._key}`);
    expect(typeof edge._rev).toBe('string');
    expect(await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}/resource_requirements', { params: { path } }))).toEqual(large);
    const edges = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: w, name: 'requires' } } }));
    expect(edges.items).toEqual([edge]);
    // The job's cached needs are left for the next initialize_jobs, as upstream.
    expect(await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path } }))).toEqual(j);
  });

  it('When resource requirements are set without a body on a job that had none, then the edge is created', async () => {
    const w = await workflow();
    const medium = await rr(w, 'medium', 4);
    const j = await job(w, { command: 'x' });
    const edge = await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}/resource_requirements/{rr_key}', {
      params: { path: { workflow: w, key: j._key!, rr_key: medium._key! } },
    }));
    expect(edge).toMatchObject({ _from: j._id, _to: medium._id });
  });

  it('When job resource requirements name an unknown job, requirements or workflow, or the PUT body has a field, then 404 or 400 and the edge stays', async () => {
    const w = await workflow();
    const [small, other] = [await rr(w, 'small', 1), await rr(w, 'other', 2)];
    const foreign = await rr(await workflow(), 'foreign', 8);
    const j = await job(w, { command: 'x', resource_requirements: small._id! });
    const put = (key: string, rr_key: string, body: object = {}, workflowKey = w) =>
      t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}/resource_requirements/{rr_key}', { params: { path: { workflow: workflowKey, key, rr_key } }, body: body as never });

    expectError(await put(MISSING, other._key!), 404, 'DOCUMENT_NOT_FOUND');
    expectError(await put(j._key!, MISSING), 404, 'DOCUMENT_NOT_FOUND');
    expectError(await put(j._key!, foreign._key!), 404, 'DOCUMENT_NOT_FOUND');
    expectError(await put(j._key!, other._key!, {}, MISSING), 404, 'DOCUMENT_NOT_FOUND');
    expectError(await put(j._key!, other._key!, { num_cpus: 4 }), 400, 'VALIDATION_FAILED');
    expectError(await t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}/resource_requirements', { params: { path: { workflow: w, key: MISSING } } }), 404, 'DOCUMENT_NOT_FOUND');
    expectError(await t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}/resource_requirements', { params: { path: { workflow: MISSING, key: j._key! } } }), 404, 'DOCUMENT_NOT_FOUND');

    expect(await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}/resource_requirements', { params: { path: { workflow: w, key: j._key! } } }))).toEqual(small);
  });

  // ---- process stats ----

  it('When a job\'s process stats are asked for, then its stats (by job_key or process_used edge) come back as a plain array sorted by run_id', async () => {
    const w = await workflow();
    const [j, other] = await bulk(w, [{ command: 'x' }, { command: 'y' }]);
    const run2 = await processStats(w, j!._key!, 2);
    const run1 = await processStats(w, j!._key!, 1);
    await processStats(w, other!._key!, 1);
    // A record filed under another key but linked to the job by a process_used edge counts too.
    const linked = await processStats(w, 'legacy', 3);
    await edge(w, 'process_used', j!._id!, linked._id!);

    const stats = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}/process_stats', { params: { path: { workflow: w, key: j!._key! } } }));

    expect(stats).toEqual([run1, run2, linked]);
    expect(await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}/process_stats', { params: { path: { workflow: w, key: other!._key! } } }))).toHaveLength(1);
  });

  it('When process stats name an unknown job or workflow, then it answers 404', async () => {
    const w = await workflow();
    expectError(await t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}/process_stats', { params: { path: { workflow: w, key: MISSING } } }), 404, 'DOCUMENT_NOT_FOUND');
    expectError(await t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}/process_stats', { params: { path: { workflow: MISSING, key: '1' } } }), 404, 'DOCUMENT_NOT_FOUND');
  });

  // ---- results/find_by_job ----

  it('When a job\'s result is found, then it is the one for the workflow\'s current run_id, and 404 while that run has none', async () => {
    const w = await workflow();
    const [j, other] = await bulk(w, [{ command: 'x' }, { command: 'y' }]);
    const find = (key: string) => t.client.GET('/torc-service/workflows/{workflow}/results/find_by_job/{key}', { params: { path: { workflow: w, key } } });
    expectError(await find(j!._key!), 404, 'DOCUMENT_NOT_FOUND');

    const run0 = await result(w, j!._key!, 0);
    const run1 = await result(w, j!._key!, 1, 3);
    await result(w, other!._key!, 0, 9);

    expect(await unwrap(find(j!._key!))).toEqual(run0);
    await setRunId(w, 1);
    expect(await unwrap(find(j!._key!))).toEqual(run1);
    expectError(await find(other!._key!), 404, 'DOCUMENT_NOT_FOUND');
    await setRunId(w, 2);
    expectError(await find(j!._key!), 404, 'DOCUMENT_NOT_FOUND');
  });

  it('When find_by_job names an unknown job or workflow, then it answers 404', async () => {
    const w = await workflow();
    expectError(await t.client.GET('/torc-service/workflows/{workflow}/results/find_by_job/{key}', { params: { path: { workflow: w, key: MISSING } } }), 404, 'DOCUMENT_NOT_FOUND');
    expectError(await t.client.GET('/torc-service/workflows/{workflow}/results/find_by_job/{key}', { params: { path: { workflow: MISSING, key: '1' } } }), 404, 'DOCUMENT_NOT_FOUND');
  });

  // ---- downstream_jobs ----

  it('When downstream jobs are listed, then every transitive descendant through blocks comes back once, breadth first, paged', async () => {
    const w = await workflow();
    //   root → a → c → e
    //   root → b → c, b → d        (c reached twice, listed once); unrelated stays out
    const [root] = await bulk(w, [{ name: 'root', command: 'r' }]);
    const [a, b] = await bulk(w, [{ name: 'a', command: 'a', blocked_by: [root!._id!] }, { name: 'b', command: 'b', blocked_by: [root!._id!] }]);
    const [c, d] = await bulk(w, [{ name: 'c', command: 'c', blocked_by: [a!._id!, b!._id!] }, { name: 'd', command: 'd', blocked_by: [b!._id!] }]);
    await bulk(w, [{ name: 'e', command: 'e', blocked_by: [c!._id!] }, { name: 'unrelated', command: 'u' }]);
    const downstream = (key: string, query: { skip?: number; limit?: number } = {}) =>
      unwrap(t.client.GET('/torc-service/workflows/{workflow}/downstream_jobs/{key}', { params: { path: { workflow: w, key }, query } }));

    const all = await downstream(root!._key!);
    expect(all).toMatchObject({ skip: 0, max_limit: 100000, count: 5, total_count: 5, has_more: false });
    expect(all.items!.map((j) => j.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(all.items![0]).toEqual(a);
    const page = await downstream(root!._key!, { skip: 2, limit: 2 });
    expect(page).toMatchObject({ skip: 2, count: 2, total_count: 5, has_more: true });
    expect(page.items!.map((j) => j.name)).toEqual(['c', 'd']);
    expect((await downstream(b!._key!)).items!.map((j) => j.name)).toEqual(['c', 'd', 'e']);
    expect(await downstream(d!._key!)).toMatchObject({ items: [], total_count: 0, has_more: false });
  });

  it('When blocks edges form a cycle, then downstream_jobs still ends and never lists the job itself', async () => {
    const w = await workflow();
    const [x] = await bulk(w, [{ name: 'x', command: 'x' }]);
    const [y] = await bulk(w, [{ name: 'y', command: 'y', blocked_by: [x!._id!] }]);
    await edge(w, 'blocks', y!._id!, x!._id!);
    const r = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/downstream_jobs/{key}', { params: { path: { workflow: w, key: x!._key! } } }));
    expect(r.items!.map((j) => j.name)).toEqual(['y']);
  });

  it('When downstream_jobs names an unknown job or workflow, then it answers 404; a bad limit is 400', async () => {
    const w = await workflow();
    const j = await job(w, { command: 'x' });
    expectError(await t.client.GET('/torc-service/workflows/{workflow}/downstream_jobs/{key}', { params: { path: { workflow: w, key: MISSING } } }), 404, 'DOCUMENT_NOT_FOUND');
    expectError(await t.client.GET('/torc-service/workflows/{workflow}/downstream_jobs/{key}', { params: { path: { workflow: MISSING, key: j._key! } } }), 404, 'DOCUMENT_NOT_FOUND');
    expectError(await t.client.GET('/torc-service/workflows/{workflow}/downstream_jobs/{key}', { params: { path: { workflow: w, key: j._key! }, query: { limit: 0 } } }), 400, 'VALIDATION_FAILED');
  });

  it('When a job fans out to 15,000 children and one grandchild, then downstream_jobs returns all 15,001, level by level', async () => {
    const w = await workflow();
    const [root] = await bulk(w, [{ name: 'root', command: 'r' }]);
    const children = [
      ...await bulk(w, Array.from({ length: 7500 }, (_, i) => ({ name: `c${i}`, command: 'c', blocked_by: [root!._id!] }))),
      ...await bulk(w, Array.from({ length: 7500 }, (_, i) => ({ name: `c${7500 + i}`, command: 'c', blocked_by: [root!._id!] }))),
    ];
    const last = children[children.length - 1]!;
    await bulk(w, [{ name: 'grandchild', command: 'g', blocked_by: [last._id!] }]);

    const all = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/downstream_jobs/{key}', { params: { path: { workflow: w, key: root!._key! } } }));

    expect(all).toMatchObject({ count: 15001, total_count: 15001, has_more: false });
    expect(all.items!.slice(0, 2).map((j) => j.name)).toEqual(['c0', 'c1']);
    expect(all.items!.slice(-2).map((j) => j.name)).toEqual(['c14999', 'grandchild']);
    expect(new Set(all.items!.map((j) => j._key)).size).toBe(15001);
    const tail = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/downstream_jobs/{key}', { params: { path: { workflow: w, key: root!._key! }, query: { skip: 15000, limit: 10 } } }));
    expect(tail.items!.map((j) => j.name)).toEqual(['grandchild']);
  }, 120_000);
});
