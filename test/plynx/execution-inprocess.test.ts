// PLynx graphs run end to end by queue workers inside the test process (runQueueWorker with the PLynx node
// job kind) against the real server and engine, with real bash scripts: many nodes shared by two workers, a
// node out of time, master_state while a node runs, PLynx's python client flow, and a failing branch.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@pipeloom/sdk';
import { PROVIDERS } from '../helpers/server.ts';
import {
  bashOperation, bashOperationDoc, ended, isAlive, nodeOf, pause, pollGraph, readGraph, resourceText, startWorker, statuses, strParameter, tempDir, withStrParameter, type InProcessWorker, type WorkerSpec,
} from './inprocess-helpers.ts';
import { graph, instance, startPlynx, type Graph, type Node, type PlynxFixture } from './plynx-fixture.ts';
import { PythonClientSession } from './python-client/client-session.ts';
import { file as scriptFile, operation as scriptOperation, ScriptGraph } from './python-client/graph-script.ts';
import { pyStr, type PyDict } from './python-client/python-json.ts';
import { basicAuth } from './python-client/wire.ts';

describe.each(PROVIDERS)('PLynx graphs run by in-process workers on %s', (provider) => {
  let p: PlynxFixture;
  const tmp = tempDir();
  let workers: InProcessWorker[] = [];
  let approved: string[] = [];
  let fileNode: Node;

  /** A worker of this test, stopped afterwards if still there. */
  function worker(spec: Omit<WorkerSpec, 'cwd'> & { cwd?: string }): InProcessWorker {
    const w = startWorker(p, { cwd: tmp.dir, ...spec });
    workers.push(w);
    return w;
  }

  async function approve(g: Graph): Promise<void> {
    const r = await p.alice.POST('/plynx/api/v0/graphs', { body: { graph: g, actions: ['APPROVE'] } });
    expect(r.data, JSON.stringify(r.error)).toMatchObject({ status: 'SUCCESS', graph: { graph_running_status: 'RUNNING' } });
    approved.push(g._id!);
  }

  /** A path in this suite's directory, named per test so tests never see each other's files. */
  const scratch = (name: string) => path.join(tmp.dir, name);

  beforeAll(async () => {
    p = await startPlynx(provider);
    const form = new FormData();
    form.append('data', new Blob(['alpha\nbeta\ngamma\n']), 'words.txt');
    form.append('title', 'Words');
    const res = await fetch(`${p.t.url}/plynx/api/v0/upload_file`, { method: 'POST', body: form, headers: { authorization: `Bearer ${p.tokens.alice}` } });
    fileNode = ((await res.json()) as { node: Node }).node;
  });
  afterEach(async () => {
    // Nothing of one test may stay on the queue for the next one's workers.
    for (const id of approved) {
      const status = (await readGraph(p, id)).graph_running_status;
      if (status === 'RUNNING' || status === 'FAILED_WAITING') await p.alice.POST('/plynx/api/v0/graphs/{graph_id}/cancel', { params: { path: { graph_id: id } } });
    }
    await Promise.allSettled(workers.map((w) => w.stop()));
    workers = [];
    approved = [];
  });
  afterAll(async () => {
    await p?.close();
    tmp.remove();
  });

  it('When two workers serve one graph of 20 independent nodes, then every node runs exactly once and the graph is SUCCESS', async () => {
    const shared = scratch('twenty.log');
    const op = await bashOperation(p, {
      title: 'Append',
      // A moment of work per node, so both workers hold jobs at once.
      cmd: `sleep 0.1\necho "{{ param['tag'] }}" >> ${shared}\necho done > {{ output['out'] }}`,
      params: [strParameter('tag', '')],
    });
    const nodes = Array.from({ length: 20 }, (_, i) => withStrParameter({ ...instance(op), title: `n${i}` }, 'tag', `n${i}`));
    const g = graph('Twenty', nodes);
    await approve(g);

    const [one, two] = [worker({ hostname: 'inproc-one', maxParallelJobs: 3 }), worker({ hostname: 'inproc-two', maxParallelJobs: 3 })];
    const [a, b] = await Promise.all([one.done, two.done]);

    const read = await readGraph(p, g._id!);
    expect(read.graph_running_status, [...one.log, ...two.log].join('\n')).toBe('SUCCESS');
    expect(new Set(read.nodes!.map((n) => n.node_running_status))).toEqual(new Set(['SUCCESS']));
    const lines = fs.readFileSync(shared, 'utf8').trim().split('\n');
    expect(lines.sort()).toEqual(nodes.map((n) => n.title!).sort());
    // Between them the workers ran 20 jobs, none of them twice.
    const ran = [...a.jobs, ...b.jobs];
    expect(ran).toHaveLength(20);
    expect(new Set(ran.map((j) => j.job_key)).size).toBe(20);
    expect(a.counts.done + b.counts.done).toBe(20);
    expect(a.jobs.length).toBeGreaterThan(0);
    expect(b.jobs.length).toBeGreaterThan(0);
  });

  it('When a node outlives its time limit, then its process is killed, the node and graph are FAILED and its worker log says timeout', async () => {
    const pidFile = scratch('timeout.pid');
    const op = await bashOperation(p, { title: 'Slow', cmd: `echo $$ > ${pidFile}\nsleep 30\necho late > {{ output['out'] }}` });
    const g = graph('Out of time', [{ ...instance(op), title: 'Slow' }]);
    await approve(g);

    // `_timeout` is in minutes; the runner's override makes the limit 300 ms.
    const w = worker({ hostname: 'inproc-timeout', run: { timeoutMs: 300 } });
    const summary = await w.done;
    expect(summary.counts, w.log.join('\n')).toMatchObject({ done: 0, failed: 1 });

    const read = await readGraph(p, g._id!);
    expect(read.graph_running_status).toBe('FAILED');
    const slow = nodeOf(read, 'Slow');
    expect(slow.node_running_status).toBe('FAILED');
    expect(slow.outputs![0]!.resource_id).toBeNull();
    const workerLog = slow.logs!.find((l) => l.name === 'worker')!;
    expect(await resourceText(p, workerLog.resource_id!)).toMatch(/timeout: still running after 300 ms/);
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('When a worker runs a node that blocks, then master_state lists it with its host, graph and RUNNING node, and counts the job once it finished', async () => {
    const go = scratch('watch.go');
    const op = await bashOperation(p, { title: 'Blocked', cmd: `while [ ! -f ${go} ]; do sleep 0.05; done\necho ok > {{ output['out'] }}` });
    const g = graph('Watched', [{ ...instance(op), title: 'Blocked' }]);
    await approve(g);
    const w = worker({ hostname: 'inproc-watch' });
    const blocked = nodeOf(await pollGraph(p, g._id!, 'the node to run', (x) => x.nodes![0]!.node_running_status === 'RUNNING'), 'Blocked');

    const during = (await unwrap(p.alice.GET('/plynx/api/v0/master_state'))).master_state!;
    const listed = during.workers!.find((x) => x.host === 'inproc-watch');
    expect(listed, JSON.stringify(during.workers)).toMatchObject({ graph_id: g._id, node: { _id: blocked._id, title: 'Blocked', node_running_status: 'RUNNING' } });
    expect(listed!.worker_id).toBe(`inproc-watch:${process.pid}`);

    fs.writeFileSync(go, '');
    await w.done;
    expect((await readGraph(p, g._id!)).graph_running_status).toBe('SUCCESS');
    const after = (await unwrap(p.alice.GET('/plynx/api/v0/master_state'))).master_state!;
    expect(after.workers!.find((x) => x.host === 'inproc-watch')).toMatchObject({ graph_id: null, node: null, num_finished_jobs: 1 });
  });

  it('When PLynx\'s python client saves, approves and waits on a graph, then a worker runs it and the waits end on SUCCESS with the outputs', async () => {
    // The operation as the web UI makes it, with HTTP Basic token auth: POST /nodes to SAVE, then APPROVE.
    const login = await fetch(`${p.t.url}/plynx/api/v0/token`, { headers: { authorization: basicAuth('alice', 'alice-pw') } });
    expect(login.status).toBe(200);
    const pair = (await login.json()) as { access_token: string; refresh_token: string };
    const ui = (method: string, route: string, body?: unknown) => fetch(`${p.t.url}/plynx/api/v0${route}`, {
      method,
      headers: { authorization: basicAuth(pair.access_token), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const template = ((await (await ui('GET', '/nodes/bash_jinja2')).json()) as { data: Node }).data;
    const node = bashOperationDoc(template, { title: 'Upper', cmd: "tr a-z A-Z < {{ input['in'] }} > {{ output['out'] }}", inputs: ['in'] });
    for (const action of ['SAVE', 'APPROVE']) {
      const r = await ui('POST', '/nodes', { node, action });
      expect(r.status).toBe(200);
      expect(((await r.json()) as { status: string }).status).toBe('SUCCESS');
    }

    // The client's own requests: its token exchange, GET nodes/<id>, POST graphs in the `{"body": ...}` envelope, GET graphs/<id>.
    const client = new PythonClientSession(`${p.t.url}/plynx/api/v0`, pair.refresh_token);
    const words = scriptFile({ id: fileNode._id!, title: 'Words' });
    const Upper = scriptOperation({ id: node._id!, title: 'Upper', inputs: ['in'], outputs: ['out'] });
    const shout = Upper({ in: words.output('out') });
    const script = new ScriptGraph(client, 'Shout', 'upper-cases the words', [shout]);
    await script.save();
    expect(pyStr(script.graphDict as PyDict, 'graph_running_status')).toBe('CREATED');
    await script.approve();
    expect(pyStr(script.graphDict as PyDict, 'graph_running_status')).toBe('RUNNING');
    const id = pyStr(script.graphDict as PyDict, '_id');
    approved.push(id);

    const w = worker({ hostname: 'inproc-python-client' });
    const lines: string[] = [];
    const deadline = Date.now() + 20_000;
    for (;;) {
      const round = await script.waitOnce();
      lines.push(round.line);
      if (round.finished) break;
      expect(Date.now(), lines.join('\n')).toBeLessThan(deadline);
      await pause(100);
    }
    expect(lines.at(-1)).toMatch(/^SUCCESS\t100%\t/);
    expect(client.exchanges.every((e) => e.response.status === 200)).toBe(true);
    const posts = client.exchanges.filter((e) => e.request.method === 'POST');
    expect(posts.map((e) => new URL(e.request.url).pathname)).toEqual(['/plynx/api/v0/graphs', '/plynx/api/v0/graphs']);
    // python-requests' json.dumps bodies in the client's envelope; the approve names the saved graph's _id last.
    const [saveBody, approveBody] = posts.map((e) => e.request.body ?? '');
    expect(saveBody!.startsWith('{"body": {"graph": {"title": "Shout", ')).toBe(true);
    expect(saveBody!.endsWith('}]}, "actions": ["AUTO_LAYOUT", "SAVE"]}}')).toBe(true);
    expect(approveBody!.endsWith(`}], "_id": "${id}"}, "actions": ["AUTO_LAYOUT", "APPROVE"]}}`)).toBe(true);

    await w.done;
    const read = await readGraph(p, id);
    const ran = read.nodes!.find((n) => n._id === shout._id)!;
    expect(ran.node_running_status).toBe('SUCCESS');
    expect(await resourceText(p, ran.outputs![0]!.resource_id!)).toBe('ALPHA\nBETA\nGAMMA\n');
  });

  it('When one branch fails while another still runs, then the graph is FAILED_WAITING, then FAILED, and the failed node\'s child is CANCELED and never ran', async () => {
    const go = scratch('branch.go');
    const marker = scratch('child.ran');
    const fail = await bashOperation(p, { title: 'Fail', cmd: 'echo failing >&2\nexit 3' });
    const child = await bashOperation(p, { title: 'Child', cmd: `touch ${marker}\necho ok > {{ output['out'] }}`, inputs: ['in'] });
    const wait = await bashOperation(p, { title: 'Wait', cmd: `while [ ! -f ${go} ]; do sleep 0.05; done\necho ok > {{ output['out'] }}` });
    const bad = { ...instance(fail), title: 'Fail' };
    const g = graph('Branches', [bad, { ...instance(child, { in: [[bad, 'out']] }), title: 'Child' }, { ...instance(wait), title: 'Wait' }]);
    await approve(g);

    const w = worker({ hostname: 'inproc-branches' });
    await pollGraph(p, g._id!, 'the failure', (x) => nodeOf(x, 'Fail').node_running_status === 'FAILED');
    expect(await statuses(p, g._id!)).toEqual(['FAILED_WAITING', { Fail: 'FAILED', Child: 'CANCELED', Wait: 'RUNNING' }]);

    fs.writeFileSync(go, '');
    const read = await pollGraph(p, g._id!, 'the end', ended);
    await w.done;
    expect(read.graph_running_status).toBe('FAILED');
    expect(Object.fromEntries(read.nodes!.map((n) => [n.title, n.node_running_status]))).toEqual({ Fail: 'FAILED', Child: 'CANCELED', Wait: 'SUCCESS' });
    expect(fs.existsSync(marker)).toBe(false);
    const stderr = nodeOf(read, 'Fail').logs!.find((l) => l.name === 'stderr')!;
    expect(await resourceText(p, stderr.resource_id!)).toBe('failing\n');
  });

  it('When a running graph gets the CANCEL action, then within 2 s its script process is gone and every node, queued or waiting, is CANCELED', async () => {
    const op = await bashOperation(p, { title: 'Sleep', cmd: `echo $$ > ${scratch('cancel')}-{{ param['tag'] }}.pid\nexec sleep 600`, params: [strParameter('tag', '')] });
    const after = await bashOperation(p, { title: 'After', cmd: `touch ${scratch('cancel-after.ran')}\necho ok > {{ output['out'] }}`, inputs: ['in'] });
    const one = withStrParameter({ ...instance(op), title: 'One' }, 'tag', 'one');
    const two = withStrParameter({ ...instance(op), title: 'Two' }, 'tag', 'two');
    const g = graph('Canceled', [one, two, { ...instance(after, { in: [[one, 'out']] }), title: 'After' }]);
    await approve(g);

    // One job at a time: one sleeper runs, the other waits on the queue.
    const w = worker({ hostname: 'inproc-cancel', maxParallelJobs: 1 });
    const running = await pollGraph(p, g._id!, 'a sleeper to run', (x) => x.nodes!.some((n) => n.node_running_status === 'RUNNING'));
    const tag = running.nodes!.find((n) => n.node_running_status === 'RUNNING')!.title!.toLowerCase();
    const pidFile = `${scratch('cancel')}-${tag}.pid`;
    const deadline = Date.now() + 10_000;
    while (!fs.existsSync(pidFile) || fs.readFileSync(pidFile, 'utf8').trim() === '') {
      expect(Date.now()).toBeLessThan(deadline);
      await pause(20);
    }
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(isAlive(pid)).toBe(true);

    const canceledAt = Date.now();
    const r = await p.alice.POST('/plynx/api/v0/graphs', { body: { graph: running, actions: ['CANCEL'] } });
    expect(r.data, JSON.stringify(r.error)).toMatchObject({ status: 'SUCCESS' });
    expect(await statuses(p, g._id!)).toEqual(['CANCELED', { One: 'CANCELED', Two: 'CANCELED', After: 'CANCELED' }]);
    while (isAlive(pid)) {
      expect(Date.now() - canceledAt, w.log.join('\n')).toBeLessThan(2_000);
      await pause(20);
    }
    const summary = await w.done;
    expect(summary.jobs, w.log.join('\n')).toHaveLength(1);
    expect(fs.existsSync(`${scratch('cancel')}-${tag === 'one' ? 'two' : 'one'}.pid`)).toBe(false);
    expect(fs.existsSync(scratch('cancel-after.ran'))).toBe(false);
  });

  it('When an identical graph follows one whose cacheable node ran, then the node is RESTORED with the same outputs and its script does not run again', async () => {
    const counter = scratch('cache.count');
    const op = await bashOperation(p, { title: 'Counted', cmd: `echo run >> ${counter}\ncat {{ input['in'] }} > {{ output['out'] }}`, inputs: ['in'], cacheable: true });
    const build = (title: string) => {
      const f = { ...instance(fileNode), title: 'F' };
      const node = { ...instance(op, { in: [[f, 'out']] }), title: 'Counted' };
      return { g: graph(title, [f, node]), node };
    };
    const first = build('Cache A');
    await approve(first.g);
    await worker({ hostname: 'inproc-cache' }).done;
    const a = nodeOf(await readGraph(p, first.g._id!), 'Counted');
    expect(a.node_running_status).toBe('SUCCESS');

    const second = build('Cache B');
    await approve(second.g);
    const w = worker({ hostname: 'inproc-cache' });
    const summary = await w.done;
    expect(summary.counts, w.log.join('\n')).toMatchObject({ done: 1, failed: 0 });
    const read = await readGraph(p, second.g._id!);
    expect(read.graph_running_status).toBe('SUCCESS');
    const b = nodeOf(read, 'Counted');
    expect(b.node_running_status).toBe('RESTORED');
    expect(b.outputs!.map((o) => o.resource_id)).toEqual(a.outputs!.map((o) => o.resource_id));
    expect(b.cache_url).toMatch(new RegExp(`/graphs/${first.g._id}\\?nid=${first.node._id}$`));
    expect(await resourceText(p, b.outputs![0]!.resource_id!)).toBe('alpha\nbeta\ngamma\n');
    expect(fs.readFileSync(counter, 'utf8')).toBe('run\n');
  });
});
