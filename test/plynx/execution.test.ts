// PLynx graphs running on the job lifecycle engine, end to end through the real server: the test is the
// worker, claiming node jobs from the `plynx` queue through the Torc queue extension, completing them through
// the Torc API, and calling PLynx's execution extensions (start, progress, finish) in between.
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { unwrap, type components } from '@pipeloom/sdk';
import { PROVIDERS } from '../helpers/server.ts';
import { graph, instance, operation, startPlynx, type Graph, type Node, type PlynxFixture } from './plynx-fixture.ts';

type QueueJob = components['schemas']['queue_job'];
type Status = components['schemas']['PlynxNodeRunningStatus'];

const cacheable = { name: 'cacheable', parameter_type: 'bool' as const, value: true, mutable_type: false, removable: false, publicable: false, widget: null };

describe.each(PROVIDERS)('PLynx graph runs on %s', (provider) => {
  let p: PlynxFixture;
  let fileNode: Node;
  let fileResource: string;
  let step: Node;
  let join: Node;
  let cached: Node;
  /** Graphs approved by the running test; canceled afterwards if still running, so no job is left on the queue. */
  let approved: string[] = [];
  /** Each worker's compute node per workflow, as a real worker keeps them. */
  const computeNodes = new Map<string, Record<string, string>>();

  const api = '/plynx/api/v0';

  async function library(node: Node): Promise<Node> {
    expect((await p.alice.POST('/plynx/api/v0/nodes', { body: { node, action: 'APPROVE' } })).data).toMatchObject({ status: 'SUCCESS' });
    return (await p.alice.GET('/plynx/api/v0/nodes/{node_id}', { params: { path: { node_id: node._id! } } })).data!.data;
  }

  /** Stores `text` as a resource the way a worker hands in an output. */
  async function resource(text: string): Promise<string> {
    const form = new FormData();
    form.append('data', new Blob([text]), 'out.txt');
    const res = await fetch(`${p.t.url}${api}/resource`, { method: 'POST', body: form, headers: { authorization: `Bearer ${p.tokens.alice}` } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { resource_id: string }).resource_id;
  }

  async function approve(g: Graph): Promise<Graph> {
    const r = await p.alice.POST('/plynx/api/v0/graphs', { body: { graph: g, actions: ['APPROVE'] } });
    expect(r.data, JSON.stringify(r.error)).toMatchObject({ status: 'SUCCESS', graph: { graph_running_status: 'RUNNING' } });
    approved.push(g._id!);
    return r.data!.graph!;
  }

  const read = async (id: string) => (await unwrap(p.alice.GET('/plynx/api/v0/graphs/{graph_id}', { params: { path: { graph_id: id } } }))).data;

  /** Graph status, then each node's running status by title. */
  async function statuses(id: string): Promise<[string, Record<string, Status>]> {
    const g = await read(id);
    return [g.graph_running_status!, Object.fromEntries(g.nodes!.map((n) => [n.title!, n.node_running_status!]))];
  }

  async function claim(host = 'worker-1', limit = 50): Promise<QueueJob[]> {
    const nodes = computeNodes.get(host) ?? {};
    const reply = await unwrap(p.alice.POST('/torc-service/queues/{queue}/claim_jobs', {
      params: { path: { queue: 'plynx' } },
      body: { worker: { hostname: host, pid: 4242, start_time: '2026-12-03T00:00:00Z', resources: { num_cpus: 64, memory_gb: 64 } }, resources: { num_cpus: 64, memory_gb: 64 }, compute_nodes: nodes, limit },
    }));
    for (const j of reply.jobs) nodes[j.workflow_key] = j.compute_node_key;
    computeNodes.set(host, nodes);
    return reply.jobs;
  }

  /** The claimed job of `node`, which must be among `jobs`. */
  const jobOf = (jobs: QueueJob[], node: Node): QueueJob => {
    const job = jobs.find((j) => j.job.name === node._id);
    expect(job, `job of ${node.title}`).toBeDefined();
    return job!;
  };

  async function complete(job: QueueJob, returnCode: number): Promise<void> {
    // Torc records a failed job as done with its non-zero return code.
    const status = 'done' as const;
    await unwrap(p.alice.POST('/torc-service/workflows/{key}/complete_jobs', {
      params: { path: { key: job.workflow_key } },
      body: {
        compute_node_key: job.compute_node_key, run_id: job.run_id,
        completions: [{ job_key: job.job._key!, rev: job.job._rev!, status, result: { job_key: job.job._key!, run_id: job.run_id, return_code: returnCode, exec_time_minutes: 0, completion_time: new Date().toISOString(), status } }],
      },
    }));
  }

  const start = (g: Graph, n: Node) => p.alice.POST('/plynx/api/v0/runs/{graph_id}/nodes/{node_id}/start', { params: { path: { graph_id: g._id!, node_id: n._id! } } });
  const progress = (g: Graph, n: Node, logs: Record<string, string>) =>
    p.alice.POST('/plynx/api/v0/runs/{graph_id}/nodes/{node_id}/progress', { params: { path: { graph_id: g._id!, node_id: n._id! } }, body: { logs } });
  const finish = (g: Graph, n: Node, body: components['schemas']['PlynxNodeFinishRequest']) =>
    p.alice.POST('/plynx/api/v0/runs/{graph_id}/nodes/{node_id}/finish', { params: { path: { graph_id: g._id!, node_id: n._id! } }, body });

  /** Runs a claimed node to success as a worker does: start, output stored, finish, job completed. */
  async function succeed(g: Graph, n: Node, job: QueueJob, text = `${n.title} output`): Promise<string> {
    expect((await start(g, n)).data).toMatchObject({ restored: false });
    const out = await resource(text);
    const stdout = await resource(`${n.title} said hello`);
    expect((await finish(g, n, { status: 'SUCCESS', outputs: { out }, logs: { stdout } })).response.status).toBe(200);
    await complete(job, 0);
    return out;
  }

  beforeAll(async () => {
    p = await startPlynx(provider);
    const form = new FormData();
    form.append('data', new Blob(['alpha\nbeta\n']), 'words.txt');
    form.append('title', 'Words');
    const res = await fetch(`${p.t.url}${api}/upload_file`, { method: 'POST', body: form, headers: { authorization: `Bearer ${p.tokens.alice}` } });
    const uploaded = (await res.json()) as { resource_id: string; node: Node };
    fileNode = uploaded.node;
    fileResource = uploaded.resource_id;
    step = await library(operation('Step', { inputs: ['in'], outputs: ['out'] }));
    join = await library(operation('Source', { outputs: ['out'] }));
    cached = await library(operation('Cached', { inputs: ['in'], outputs: ['out'], params: [cacheable] }));
  });
  afterAll(async () => p?.close());
  afterEach(async () => {
    for (const id of approved) {
      const status = (await read(id)).graph_running_status;
      if (status === 'RUNNING' || status === 'FAILED_WAITING') await p.alice.POST('/plynx/api/v0/graphs/{graph_id}/cancel', { params: { path: { graph_id: id } } });
    }
    approved = [];
  });

  /** File → A → B, and C on its own: titled so statuses read by name. */
  function chain(title: string) {
    const file = { ...instance(fileNode), title: 'F' };
    const a = { ...instance(step, { in: [[file, 'out']] }), title: 'A' };
    const b = { ...instance(step, { in: [[a, 'out']] }), title: 'B' };
    const c = { ...instance(join), title: 'C' };
    return { g: graph(title, [file, a, b, c]), file, a, b, c };
  }

  it('When a graph is approved, then it runs on the plynx queue: one job per operation, ordered by its links', async () => {
    const { g, a, b, c } = chain('Jobs');
    await approve(g);
    expect(await statuses(g._id!)).toEqual(['RUNNING', { F: 'STATIC', A: 'IN_QUEUE', B: 'CREATED', C: 'IN_QUEUE' }]);
    const jobs = await claim();
    expect(jobs.map((j) => j.job.name).sort()).toEqual([a._id, c._id].sort());
    const key = jobs[0]!.workflow_key;
    const all = await unwrap(p.alice.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: key } } }));
    expect(Object.fromEntries(all.items!.map((j) => [j.name, j.command]))).toEqual({
      [a._id!]: `plynx-node ${g._id} ${a._id}`, [b._id!]: `plynx-node ${g._id} ${b._id}`, [c._id!]: `plynx-node ${g._id} ${c._id}`,
    });
    expect(await statuses(g._id!)).toEqual(['RUNNING', { F: 'STATIC', A: 'RUNNING', B: 'CREATED', C: 'RUNNING' }]);
    // Posting the graph again as CREATED does not overwrite the running graph.
    const again = await p.alice.POST('/plynx/api/v0/graphs', { body: { graph: g, actions: ['SAVE'] } });
    expect(again.response.status).toBe(409);
    expect(again.error).toMatchObject({ message: 'Cannot save graph with status `RUNNING`' });
  });

  it('When every node succeeds, then statuses move IN_QUEUE → RUNNING → SUCCESS and outputs flow into downstream inputs', async () => {
    const { g, a, b, c } = chain('Happy');
    await approve(g);
    const first = await claim();
    const started = (await start(g, a)).data!;
    expect(started.restored).toBe(false);
    expect(started.node.inputs![0]!.values![0]!.resource_id).toBe(fileResource);
    const outA = await resource('A output');
    expect((await progress(g, a, { stdout: await resource('half way') })).data).toEqual({ status: 'success', canceled: false });
    await finish(g, a, { status: 'SUCCESS', outputs: { out: outA }, logs: { stderr: await resource('') } });
    await complete(jobOf(first, a), 0);
    expect(await statuses(g._id!)).toEqual(['RUNNING', { F: 'STATIC', A: 'SUCCESS', B: 'IN_QUEUE', C: 'RUNNING' }]);

    const second = await claim();
    expect((await start(g, b)).data!.node.inputs![0]!.values![0]!.resource_id).toBe(outA);
    await finish(g, b, { status: 'SUCCESS', outputs: { out: await resource('B output') } });
    await complete(jobOf(second, b), 0);
    await succeed(g, c, jobOf(first, c));

    const done = await read(g._id!);
    expect(done.graph_running_status).toBe('SUCCESS');
    const nodeA = done.nodes!.find((n) => n._id === a._id)!;
    expect(nodeA.outputs![0]!.resource_id).toBe(outA);
    expect(nodeA.logs!.find((l) => l.name === 'stdout')!.resource_id).toBeTruthy();
    expect(done.nodes!.find((n) => n._id === b._id)!.inputs![0]!.values![0]!.resource_id).toBe(outA);
    const found = await unwrap(p.alice.POST('/plynx/api/v0/search_graphs', { body: { status: 'SUCCESS' } }));
    expect(found.items.map((x) => x._id)).toContain(g._id);
  });

  it('When a node fails, then the graph is FAILED_WAITING while another branch runs, then FAILED, and its descendants are CANCELED and never handed out', async () => {
    const { g, a, b, c } = chain('Failing');
    await approve(g);
    const jobs = await claim();
    await start(g, a);
    await finish(g, a, { status: 'FAILED', reason: 'exit 1', logs: { stderr: await resource('boom') } });
    await complete(jobOf(jobs, a), 1);
    expect(await statuses(g._id!)).toEqual(['FAILED_WAITING', { F: 'STATIC', A: 'FAILED', B: 'CANCELED', C: 'RUNNING' }]);
    expect(await claim()).toEqual([]);
    expect((await start(g, b)).response.status).toBe(409);

    await succeed(g, c, jobOf(jobs, c));
    expect(await statuses(g._id!)).toEqual(['FAILED', { F: 'STATIC', A: 'FAILED', B: 'CANCELED', C: 'SUCCESS' }]);
    const found = await unwrap(p.alice.POST('/plynx/api/v0/search_graphs', { body: { status: 'FAILED' } }));
    expect(found.items.map((x) => x._id)).toContain(g._id);
  });

  it('When a running graph is canceled, then it reads CANCELED, the worker\'s progress answers canceled and a late finish is a 409', async () => {
    const { g, a, c } = chain('Canceled');
    await approve(g);
    const jobs = await claim();
    await start(g, a);
    const r = await p.alice.POST('/plynx/api/v0/graphs/{graph_id}/cancel', { params: { path: { graph_id: g._id! } } });
    expect(r.data).toMatchObject({ status: 'SUCCESS' });
    expect(await statuses(g._id!)).toEqual(['CANCELED', { F: 'STATIC', A: 'CANCELED', B: 'CANCELED', C: 'CANCELED' }]);
    expect((await progress(g, a, { stdout: await resource('still going') })).data).toEqual({ status: 'success', canceled: true });
    const late = await finish(g, a, { status: 'SUCCESS', outputs: { out: await resource('too late') } });
    expect(late.response.status).toBe(409);
    expect(late.error).toMatchObject({ code: 'CONFLICT' });
    expect((await start(g, c)).response.status).toBe(409);
    expect(jobs).toHaveLength(2);
    const again = await p.alice.POST('/plynx/api/v0/graphs/{graph_id}/cancel', { params: { path: { graph_id: g._id! } } });
    expect(again.response.status).toBe(409);
  });

  it('When a cacheable node ran before with the same inputs and parameters, then an identical graph restores it with the same outputs and a cache_url', async () => {
    const build = () => {
      const file = { ...instance(fileNode), title: 'F' };
      const node = { ...instance(cached, { in: [[file, 'out']] }), title: 'K' };
      return { g: graph('Cache', [file, node]), node };
    };
    const one = build();
    await approve(one.g);
    const out = await succeed(one.g, one.node, jobOf(await claim(), one.node));
    expect((await statuses(one.g._id!))[0]).toBe('SUCCESS');

    const two = build();
    await approve(two.g);
    const job = jobOf(await claim(), two.node);
    const started = (await start(two.g, two.node)).data!;
    expect(started).toMatchObject({ restored: true, node: { node_running_status: 'RESTORED', outputs: [{ name: 'out', resource_id: out }] } });
    expect(started.node.cache_url).toMatch(new RegExp(`/graphs/${one.g._id}\\?nid=${one.node._id}$`));
    await complete(job, 0);
    const read2 = await read(two.g._id!);
    expect(read2.graph_running_status).toBe('SUCCESS');
    expect(read2.nodes!.find((n) => n._id === two.node._id)).toMatchObject({ node_running_status: 'RESTORED', outputs: [{ resource_id: out }], cache_url: started.node.cache_url });
  });

  it('When a worker reports SUCCESS without a stored resource for every output, then the answer is 400 and nothing is recorded', async () => {
    const { g, a } = chain('Missing output');
    await approve(g);
    await claim();
    await start(g, a);
    const missing = await finish(g, a, { status: 'SUCCESS', outputs: {} });
    expect(missing.response.status).toBe(400);
    expect(missing.error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const unknown = await finish(g, a, { status: 'SUCCESS', outputs: { out: '9a1d77c4-d9b4-11ee-9c1a-0242ac120002' } });
    expect(unknown.response.status).toBe(400);
    const node = (await read(g._id!)).nodes!.find((n) => n._id === a._id)!;
    expect(node).toMatchObject({ node_running_status: 'RUNNING', outputs: [{ name: 'out', resource_id: null }] });
  });

  it('When a running graph is edited through the graph-node sub-API, then the answer is a 409 and its run is untouched', async () => {
    const { g, c } = chain('Locked');
    await approve(g);
    const r = await p.alice.POST('/plynx/api/v0/graphs/{graph_id}/nodes/remove_node', { params: { path: { graph_id: g._id! } }, body: { node_id: c._id! } });
    expect(r.response.status).toBe(409);
    expect((await read(g._id!)).nodes!.map((n) => n._id)).toContain(c._id);
  });

  it('When the execution endpoints name an unknown graph or a node outside a run, then the answer is 404', async () => {
    const { g, file } = chain('Not started');
    expect((await start(g, file)).response.status).toBe(404);
    await approve(g);
    expect((await start(g, file)).response.status).toBe(404);
    expect((await start({ ...g, _id: '65f2c0de9a1b4c0012ab7777' }, file)).response.status).toBe(404);
  });

  it('When APPROVE fails validation, then no run is started and nothing reaches the queue', async () => {
    const lonely = { ...instance(step), title: 'Unlinked' };
    const g = graph('Invalid', [lonely]);
    const r = await p.alice.POST('/plynx/api/v0/graphs', { body: { graph: g, actions: ['APPROVE'] } });
    expect(r.data).toMatchObject({ status: 'VALIDATION_FAILED' });
    expect(await claim()).toEqual([]);
    expect((await p.alice.GET('/plynx/api/v0/graphs/{graph_id}', { params: { path: { graph_id: g._id! } } })).response.status).toBe(404);
  });

  it('When a worker holds a node\'s job, then master_state lists it with the graph and the running node', async () => {
    const { g } = chain('Watched');
    await approve(g);
    const [job] = await claim('watched-host', 1);
    const state = (await unwrap(p.alice.GET('/plynx/api/v0/master_state'))).master_state!;
    const worker = state.workers!.find((w) => w.host === 'watched-host');
    expect(worker).toMatchObject({ graph_id: g._id, node: { _id: job!.job.name, node_running_status: 'RUNNING' } });
    expect(worker!._id).toBe(worker!.worker_id);
  });
});
