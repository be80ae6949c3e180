// A PLynx graph run by a real `pipeloom worker --queue plynx` process against the real server and engine:
// File → grep (bash_jinja2) → count (bash_jinja2), then the same graph again, restored from the cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@pipeloom/sdk';
import { PROVIDERS } from '../helpers/server.ts';
import { finished, startQueueWorker, tempDir, waitFor } from '../worker/helpers.ts';
import { graph, instance, oid, startPlynx, type Node, type PlynxFixture } from './plynx-fixture.ts';

describe.each(PROVIDERS)('PLynx graphs run by pipeloom worker on %s', (provider) => {
  let p: PlynxFixture;
  const tmp = tempDir();
  let file: Node;
  let grep: Node;
  let count: Node;
  let fail: Node;
  let sleep: Node;

  /** An operation from the server's bash_jinja2 template with the given script, inputs and outputs. */
  async function bashOperation(title: string, cmd: string, inputs: string[], outputs: string[]): Promise<Node> {
    const template = (await unwrap(p.alice.GET('/plynx/api/v0/nodes/{node_id}', { params: { path: { node_id: 'bash_jinja2' } } }))).data;
    const node: Node = {
      ...template,
      _id: oid(),
      title,
      inputs: inputs.map((name) => ({ name, file_types: ['file'], values: [], min_count: 1, max_count: 1 })),
      outputs: outputs.map((name) => ({ name, file_type: 'file', resource_id: null })),
      parameters: [
        { name: 'cmd', parameter_type: 'code', value: { value: cmd, mode: 'sh' }, mutable_type: false, removable: false, publicable: false, widget: null },
        ...template.parameters!.filter((param) => param.name !== 'cmd'),
      ],
    };
    expect((await p.alice.POST('/plynx/api/v0/nodes', { body: { node, action: 'APPROVE' } })).data).toMatchObject({ status: 'SUCCESS' });
    return node;
  }

  async function text(resourceId: string): Promise<string> {
    return (await fetch(`${p.t.url}/plynx/api/v0/resource/${resourceId}`)).text();
  }

  function pipeline() {
    const f = instance(file);
    const g1 = instance(grep, { lines: [[f, 'out']] });
    const c = instance(count, { lines: [[g1, 'found']] });
    return { g: graph('Count a-words', [f, g1, c]), c };
  }

  /** Approves the graph, runs one worker until the queue is empty, and answers the graph as read after. */
  async function run() {
    const { g, c } = pipeline();
    expect((await p.alice.POST('/plynx/api/v0/graphs', { body: { graph: g, actions: ['APPROVE'] } })).data).toMatchObject({ status: 'SUCCESS' });
    const worker = startQueueWorker(p.t.url, 'plynx', tmp.dir, ['--token', p.tokens.alice, '--cpus', '2', '--memory', '1']);
    const exit = await finished(worker, 60_000);
    expect(exit.code, exit.log).toBe(0);
    const read = (await unwrap(p.alice.GET('/plynx/api/v0/graphs/{graph_id}', { params: { path: { graph_id: g._id! } } }))).data;
    return { read, countNode: read.nodes!.find((n) => n._id === c._id)!, log: exit.log };
  }

  beforeAll(async () => {
    p = await startPlynx(provider);
    const form = new FormData();
    form.append('data', new Blob(['alpha\nbeta\ngamma\nomega\nxyz\n']), 'words.txt');
    form.append('title', 'Words');
    const res = await fetch(`${p.t.url}/plynx/api/v0/upload_file`, { method: 'POST', body: form, headers: { authorization: `Bearer ${p.tokens.alice}` } });
    file = ((await res.json()) as { node: Node }).node;
    grep = await bashOperation('grep', "grep a {{ input['lines'] }} > {{ output['found'] }}", ['lines'], ['found']);
    fail = await bashOperation('fail', "echo failing >&2\nexit 3", ['lines'], ['out']);
    sleep = await bashOperation('sleep', "sleep 600", [], ['out']);
    count = await bashOperation('count', "cat {{ input['lines'] }} | wc -l | tr -d ' ' > {{ output['count'] }}", ['lines'], ['count']);
  });
  afterAll(async () => {
    await p?.close();
    tmp.remove();
  });

  it('When a worker serves the plynx queue, then an approved graph runs to SUCCESS with real outputs and logs', async () => {
    const { read, countNode, log } = await run();
    expect(read.graph_running_status, log).toBe('SUCCESS');
    expect(read.nodes!.map((n) => n.node_running_status)).toEqual(['STATIC', 'SUCCESS', 'SUCCESS']);
    expect((await text(countNode.outputs![0]!.resource_id!)).trim()).toBe('4');
    expect(countNode.logs!.some((l) => l.resource_id)).toBe(true);
  });

  it('When the same graph is approved again, then its cacheable nodes are RESTORED with the same outputs and nothing runs', async () => {
    const first = (await unwrap(p.alice.POST('/plynx/api/v0/search_graphs', { body: { status: 'SUCCESS' } }))).items[0]!;
    const { read, countNode } = await run();
    expect(read.graph_running_status).toBe('SUCCESS');
    expect(read.nodes!.map((n) => n.node_running_status)).toEqual(['STATIC', 'RESTORED', 'RESTORED']);
    expect(countNode.cache_url).toMatch(new RegExp(`/graphs/${first._id}\\?nid=`));
    expect((await text(countNode.outputs![0]!.resource_id!)).trim()).toBe('4');
  });

  const readGraph = async (id: string) => (await unwrap(p.alice.GET('/plynx/api/v0/graphs/{graph_id}', { params: { path: { graph_id: id } } }))).data;

  it('When a node fails, then the graph is FAILED, its descendant CANCELED and never run, and its stderr log is kept', async () => {
    const f = instance(file);
    const bad = instance(fail, { lines: [[f, 'out']] });
    const after = instance(count, { lines: [[bad, 'out']] });
    const g = graph('Failing', [f, bad, after]);
    await unwrap(p.alice.POST('/plynx/api/v0/graphs', { body: { graph: g, actions: ['APPROVE'] } }));
    const exit = await finished(startQueueWorker(p.t.url, 'plynx', tmp.dir, ['--token', p.tokens.alice, '--cpus', '2', '--memory', '1']), 60_000);
    expect(exit.summary).toMatchObject({ counts: { done: 0, failed: 1 } });
    const read = await readGraph(g._id!);
    expect(read.graph_running_status).toBe('FAILED');
    expect(read.nodes!.map((n) => n.node_running_status)).toEqual(['STATIC', 'FAILED', 'CANCELED']);
    const stderr = read.nodes![1]!.logs!.find((l) => l.name === 'stderr')!;
    expect(await text(stderr.resource_id!)).toContain('failing');
  });

  it('When a running graph is canceled, then the worker kills its node within seconds and the graph reads CANCELED', async () => {
    const g = graph('Sleeping', [instance(sleep)]);
    await unwrap(p.alice.POST('/plynx/api/v0/graphs', { body: { graph: g, actions: ['APPROVE'] } }));
    const worker = startQueueWorker(p.t.url, 'plynx', tmp.dir, ['--token', p.tokens.alice, '--cpus', '2', '--memory', '1']);
    await waitFor('the node to run', async () => (await readGraph(g._id!)).nodes![0]!.node_running_status === 'RUNNING', 30_000);
    const canceledAt = Date.now();
    await unwrap(p.alice.POST('/plynx/api/v0/graphs/{graph_id}/cancel', { params: { path: { graph_id: g._id! } } }));
    expect((await readGraph(g._id!)).graph_running_status).toBe('CANCELED');
    const exit = await finished(worker, 30_000);
    // Reported, not asserted tightly: the machine may be loaded; the worker's own suite times the kill.
    expect(Date.now() - canceledAt, exit.log).toBeLessThan(15_000);
    expect(exit.log).toMatch(/canceled/i);
  });
});
