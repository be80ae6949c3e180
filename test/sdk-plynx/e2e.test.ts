// @pipeloom/sdk/plynx against the real server: the issue's example saved, approved and run to SUCCESS by an
// in-process queue worker, and every method of client.graphs, client.nodes and client.files once, with a
// refresh token from GET /token as PLynx users have.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeloomClient, plynxNodeJobKind, runQueueWorker } from '@pipeloom/sdk/node';
import { ApiActionError, Client, File, Graph, Operation, ValidationFailedError, type PlynxNode } from '@pipeloom/sdk/plynx';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { openDatabase } from '../../packages/server/src/db/client.ts';
import { createIdentity } from '../../packages/server/src/identity/composition.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';
import { PythonClientSession } from '../plynx/python-client/client-session.ts';
import { file as pyFile, operation as pyOperation, ScriptGraph } from '../plynx/python-client/graph-script.ts';

const ELEVEN_MINUTES = 11 * 60 * 1000;

describe.each(PROVIDERS)('@pipeloom/sdk/plynx against the server on %s', (provider) => {
  let t: TestServer;
  let client: Client;
  let dir: string;
  const clock = new ManualClock();
  const ids = { file: '', resource: '', grep: '', sum: '' };
  /** A Pipeloom API token of the same user, for the worker. */
  let apiToken = '';

  /** An approved bash operation running `cmd`, made from the server's template as a PLynx user makes one in the UI. */
  const createOperation = async (shape: Partial<PlynxNode>, cmd: string, extraParameters: PlynxNode['parameters'] = []): Promise<PlynxNode> => {
    const { data: template } = await client.nodes.get('bash_jinja2');
    const parameters = (template.parameters ?? []).map((p) => (p.name === 'cmd' && p.parameter_type === 'code' ? { ...p, value: { mode: 'sh', value: cmd } } : p));
    const node: PlynxNode = { ...template, ...shape, parameters: [...parameters, ...(extraParameters ?? [])] };
    await client.nodes.save(node);
    await client.nodes.validate(node);
    await client.nodes.approve(node);
    return { ...node, node_status: 'READY' };
  };

  beforeAll(async () => {
    t = await startTestServer(provider, { clock });
    const admin = await openDatabase(t.databaseUrl, { migrate: false });
    const identity = createIdentity(admin.db);
    await identity.addUser('sdkuser', { password: 'sdk-pw' });
    apiToken = await identity.issueToken('sdkuser');
    await admin.close();
    clock.advance(1_000);
    const login = await fetch(`${t.url}/plynx/api/v0/token`, { headers: { authorization: `Basic ${Buffer.from('sdkuser:sdk-pw').toString('base64')}` } });
    const { refresh_token } = (await login.json()) as { refresh_token: string };
    client = new Client({ endpoint: `${t.url}/plynx/api/v0`, token: refresh_token });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdk-plynx-'));
  });
  afterAll(async () => {
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('When a file is uploaded from a path, then it becomes a File node and downloads back byte for byte', async () => {
    const file = path.join(dir, 'seq.txt');
    fs.writeFileSync(file, Array.from({ length: 100 }, (_, i) => `${i + 1}\n`).join(''));
    const uploaded = await client.files.upload(file, { title: 'seq 100', description: 'one to a hundred', fileType: 'file' });
    expect(uploaded.status).toBe('SUCCESS');
    expect(uploaded.node).toMatchObject({ title: 'seq 100', description: 'one to a hundred', base_node_name: 'file', node_status: 'READY' });
    ids.file = uploaded.node._id ?? '';
    ids.resource = uploaded.resource_id;
    const text = await new Response(await client.files.download(uploaded.resource_id)).text();
    expect(text).toBe(fs.readFileSync(file, 'utf8'));

    const fromBlob = await client.files.upload(new Blob(['{"a": 1}']), { title: 'json', fileType: 'json' });
    expect(fromBlob.node.outputs?.[0]).toMatchObject({ name: 'out', file_type: 'json' });
    await expect(client.files.upload(new Blob(['x']), { fileType: 'no-such-type' })).rejects.toThrow(ApiActionError);
  });

  it('When operations are created through client.nodes, then they are READY, searchable and previewable', async () => {
    const grep = await createOperation(
      {
        title: 'Grep', description: 'Keeps matching lines',
        inputs: [{ name: 'input', file_types: ['file'], values: [], min_count: 1, max_count: 1 }],
        outputs: [{ name: 'output', file_type: 'file', resource_id: null }],
      },
      "grep \"{{ param['template'] }}\" {{ input['input'] }} > {{ output['output'] }}\n",
      [{ name: 'template', parameter_type: 'str', value: '', mutable_type: true, removable: true, publicable: true, widget: { alias: 'template' } }],
    );
    expect(await client.nodes.previewCmd(grep)).toContain('grep "" ');
    const sum = await createOperation({
      title: 'Sum', description: 'Adds the lines of all inputs',
      inputs: [{ name: 'input', file_types: ['file'], values: [], min_count: 1, max_count: -1 }],
      outputs: [{ name: 'output', file_type: 'file', resource_id: null }],
    }, "cat {{ input['input'] | join(' ') }} | wc -l | tr -d ' ' > {{ output['output'] }}\n");
    ids.grep = grep._id ?? '';
    ids.sum = sum._id ?? '';
    expect((await client.nodes.get(ids.grep)).data.node_status).toBe('READY');
    const found = await client.nodes.search({ search: 'Grep', status: ['READY'] });
    expect(found.items.map((n) => n._id)).toContain(ids.grep);

    const old = await createOperation({ title: 'Old grep', description: 'superseded' }, 'true\n');
    await client.nodes.deprecate(old, ids.grep);
    expect((await client.nodes.get(old._id ?? '')).data).toMatchObject({ node_status: 'DEPRECATED', successor_node: ids.grep });
    await client.nodes.mandatoryDeprecate({ ...old, node_status: 'DEPRECATED' });
    expect((await client.nodes.get(old._id ?? '')).data.node_status).toBe('MANDATORY_DEPRECATED');

    const invalid = await client.nodes.validate({ ...old, _id: undefined, title: '', node_status: 'CREATED' }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ValidationFailedError);
    expect((invalid as ValidationFailedError).rendering).toContain('PROPERTY title MISSING_PARAMETER');
  });

  let graphId = '';

  it("When the issue's example is saved and approved, then the stored graph holds its nodes, links, values and layout, and runs", async () => {
    const Grep = Operation({ id: ids.grep, title: 'Grep', inputs: ['input'], params: ['template'], outputs: ['output'] });
    const Sum = Operation({ id: ids.sum, title: 'Sum', inputs: ['input'], params: [], outputs: ['output'] });
    const seq = File({ id: ids.file, title: 'seq 100' });
    const a = Grep({ input: seq.outputs.out, template: '^1' });
    const b = Grep({ input: seq.outputs.out, template: '^2' });
    const total = Sum({ input: [a.outputs.output, b.outputs.output] });
    const graph = new Graph(client, { title: 'Grep and sum', description: 'Example', targets: [total] });
    await graph.save();
    expect(graph.document?.graph_running_status).toBe('CREATED');
    const savedId = graph.id;
    await graph.approve();
    expect(graph.id).toBe(savedId);
    graphId = graph.id ?? '';

    const { data: stored } = await client.graphs.get(graphId);
    // Approved graphs start running at once (their nodes become jobs of the plynx queue).
    expect(stored).toMatchObject({ _id: savedId, title: 'Grep and sum', description: 'Example', graph_running_status: 'RUNNING' });
    const nodes = stored.nodes ?? [];
    expect(nodes.map((n) => [n._id, n.parent_node, n.title])).toEqual([
      [total._id, ids.sum, 'Sum'],
      [a._id, ids.grep, 'Grep'],
      [b._id, ids.grep, 'Grep'],
      [seq._id, ids.file, 'seq 100'],
    ]);
    const template = (n: PlynxNode | undefined) => n?.parameters?.find((p) => p.name === 'template')?.value;
    expect([template(nodes[1]), template(nodes[2])]).toEqual(['^1', '^2']);
    expect(nodes[0]?.inputs?.[0]?.values?.map((v) => [v.node_id, v.output_id])).toEqual([[a._id, 'output'], [b._id, 'output']]);
    expect(nodes[1]?.inputs?.[0]?.values?.map((v) => [v.node_id, v.output_id])).toEqual([[seq._id, 'out']]);
    // AUTO_LAYOUT ran: the file on the left, the greps next, the sum last.
    expect(nodes.map((n) => n.x)).toEqual([534, 282, 282, 30]);
    expect(nodes[3]?.node_running_status).toBe('STATIC');
  });

  it("When the SDK and PLynx's python client save the same program, then they post the same document", async () => {
    const posted: string[] = [];
    const recording = new Client({
      endpoint: `${t.url}/plynx/api/v0`,
      token: Reflect.get(client, 'refreshToken'),
      fetch: async (request) => {
        if (request.method === 'POST' && request.url.endsWith('/graphs')) posted.push(await request.clone().text());
        return fetch(request);
      },
    });
    const Grep = Operation({ id: ids.grep, title: 'Grep', inputs: ['input'], params: ['template'], outputs: ['output'] });
    const Sum = Operation({ id: ids.sum, title: 'Sum', inputs: ['input'], params: [], outputs: ['output'] });
    const seq = File({ id: ids.file, title: 'seq 100' });
    const [a, b] = [Grep({ input: seq.outputs.out, template: '^1' }), Grep({ input: seq.outputs.out })];
    const total = Sum({ input: [a.outputs.output, b.outputs.output] });
    await new Graph(recording, { title: 'Grep and sum — ü', description: 'Example', targets: [total] }).save();

    const session = new PythonClientSession(`${t.url}/plynx/api/v0`, Reflect.get(client, 'refreshToken'));
    const PyGrep = pyOperation({ id: ids.grep, title: 'Grep', inputs: ['input'], params: ['template'], outputs: ['output'] });
    const PySum = pyOperation({ id: ids.sum, title: 'Sum', inputs: ['input'], params: [], outputs: ['output'] });
    const pySeq = pyFile({ id: ids.file, title: 'seq 100' });
    const [pa, pb] = [PyGrep({ input: pySeq.output('out'), template: '^1' }), PyGrep({ input: pySeq.output('out') })];
    const pyTotal = PySum({ input: [pa.output('output'), pb.output('output')] });
    await new ScriptGraph(session, 'Grep and sum — ü', 'Example', [pyTotal]).save();
    const pyPosted = session.exchanges.filter((e) => e.request.method === 'POST').map((e) => e.request.body ?? '');

    // Instance ids are random on both sides; number them in node order.
    const numbered = (text: string, nodeIds: string[]) => JSON.stringify(JSON.parse(nodeIds.reduce((s, id, i) => s.replaceAll(id, `node-${i}`), text)));
    expect(posted).toHaveLength(1);
    expect(numbered(posted[0] ?? '', [total._id, a._id, b._id, seq._id])).toBe(numbered(pyPosted[0] ?? '', [pyTotal._id, pa._id, pb._id, pySeq._id]));
  });

  it('When an approved graph is approved again, then ApiActionError; a graph missing an input fails validation with the tree', async () => {
    const error = await client.graphs.approve(graphId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiActionError);
    expect((error as ApiActionError).status).toBe(409);

    const Sum = Operation({ id: ids.sum, title: 'Sum', inputs: ['input'], params: [], outputs: ['output'] });
    const lonely = new Graph(client, { title: 'Nothing to sum', description: 'no inputs', targets: Sum() });
    const invalid = (await lonely.approve().then(() => null, (e: unknown) => e)) as ValidationFailedError;
    expect(invalid).toBeInstanceOf(ValidationFailedError);
    expect(invalid.lines).toEqual(['Missing input: `input`']);
    expect(invalid.validationError?.validation_code).toBe('IN_DEPENDENTS');
    expect(lonely.document).toBeNull();
  });

  it('When every stored-graph method is called once on a clone, then each answers as the contract says', async () => {
    const { new_graph_id } = await client.graphs.clone(graphId);
    const id = new_graph_id ?? '';
    expect((await client.graphs.get(id)).data.graph_running_status).toBe('CREATED');
    expect((await client.graphs.validate(id)).status).toBe('SUCCESS');
    expect((await client.graphs.rearrange(id)).graph?.nodes).toHaveLength(4);
    expect((await client.graphs.upgradeNodes(id)).upgraded_nodes_count).toBe(0);
    expect((await client.graphs.generateCode(id)).code).toContain("Grep = Operation(\n    id='");
    expect((await client.graphs.update(id, { title: 'Grep and sum (copy)' })).graph.title).toBe('Grep and sum (copy)');
    expect((await client.graphs.search({ search: 'copy' })).items.map((g) => g._id)).toEqual([id]);

    const { nodes } = await client.graphs.listNodes(id);
    const seq = nodes.find((n) => n.parent_node === ids.file);
    const grep = nodes.find((n) => n.parent_node === ids.grep);
    const { node: extra } = await client.graphs.insertNode(id, { node_id: ids.sum, x: 700, y: 80 });
    const link = { from: { node_id: seq?._id ?? '', resource: 'out' }, to: { node_id: extra._id ?? '', resource: 'input' } };
    expect((await client.graphs.createLink(id, link)).message).toBe('Completed');
    expect((await client.graphs.changeParameter(id, { node_id: grep?._id ?? '', parameter_name: 'template', parameter_value: '^3' })).message).toBe('Parameter updated');
    expect((await client.graphs.removeLink(id, link)).message).toBe('Completed');
    expect((await client.graphs.removeNode(id, { node_id: extra._id ?? '' })).message).toBe('Node removed');
    const after = (await client.graphs.listNodes(id)).nodes;
    expect(after).toHaveLength(4);
    expect(after.find((n) => n._id === grep?._id)?.parameters?.find((p) => p.name === 'template')?.value).toBe('^3');

    // Only RUNNING or FAILED_WAITING graphs can be canceled; the refusal is an ApiActionError.
    await expect(client.graphs.cancel(id)).rejects.toMatchObject({ name: 'ApiActionError', status: 409 });
    expect((await client.graphs.approve(id)).graph?.graph_running_status).toBe('RUNNING');
    expect((await client.graphs.cancel(id)).status).toBe('SUCCESS');
    expect((await client.graphs.get(id)).data.graph_running_status).toBe('CANCELED');
  });

  it("When the README's example is run as written (ids, endpoint and token filled in), then it approves the graph and the method tour works", async () => {
    const readme = fs.readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### SDK: PLynx API'));
    const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].slice(0, 2).map((m) => m[1] ?? '');
    expect(blocks).toHaveLength(2);
    fs.writeFileSync(path.join(dir, 'seq.txt'), '1\n12\n21\n');
    const program = blocks
      .join('\n')
      .split('\n')
      .filter((l) => !l.startsWith('import '))
      .join('\n')
      // The blocks are TypeScript; non-null assertions are all they have that JavaScript has not.
      .replace(/(\w)!(?=[.),])/g, '$1')
      .replaceAll('5d2d4b1dc36682386f559e01', ids.file)
      .replaceAll('5d2d4b1dc36682386f559e02', ids.grep)
      .replaceAll('5d2d4b1dc36682386f559e03', ids.sum)
      .replace('http://localhost:8080', t.url)
      .replace('process.env.PLYNX_TOKEN', JSON.stringify(Reflect.get(client, 'refreshToken')))
      .replace("'author:alice'", "'author:sdkuser'")
      .replace("'./seq.txt'", JSON.stringify(path.join(dir, 'seq.txt')))
      // The run is waited for in the worker test below.
      .replace('await graph.approve().wait();', 'await graph.approve();');
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<unknown>;
    const run = new AsyncFunction('Client', 'Operation', 'File', 'Graph', `${program}\nreturn { graph, code, text, new_graph_id };`);
    const out = (await run(Client, Operation, File, Graph)) as { graph: Graph; code: string; text: string; new_graph_id: string };
    expect(out.graph.document?.graph_running_status).toBe('RUNNING');
    expect((await client.graphs.get(out.graph.id ?? '')).data.nodes).toHaveLength(4);
    expect(out.code).toContain("template='^3'");
    expect(out.text).toBe('1\n12\n21\n');
  });

  it("When a queue worker serves the plynx queue, then the issue's example runs to SUCCESS through approve().wait()", async () => {
    const Grep = Operation({ id: ids.grep, title: 'Grep', inputs: ['input'], params: ['template'], outputs: ['output'] });
    const Sum = Operation({ id: ids.sum, title: 'Sum', inputs: ['input'], params: [], outputs: ['output'] });
    const seq = File({ id: ids.file, title: 'seq 100' });
    const a = Grep({ input: seq.outputs.out, template: '^1' });
    const b = Grep({ input: seq.outputs.out, template: '^2' });
    const total = Sum({ input: [a.outputs.output, b.outputs.output] });
    const graph = new Graph(client, { title: 'Grep and sum', description: 'Example', targets: [total] });

    const pipeloom = createPipeloomClient({ baseUrl: t.url, token: apiToken });
    const stop = new AbortController();
    const worker = runQueueWorker({
      client: pipeloom,
      queues: ['plynx'],
      jobKinds: [plynxNodeJobKind({ client: pipeloom, workRoot: dir })],
      waitForNewJobsSeconds: Infinity,
      signal: stop.signal,
      cwd: dir,
      resources: { cpus: 2, memoryGb: 1 },
      pollIntervalMs: 200,
      log: () => {},
    });
    const seen: string[] = [];
    try {
      await graph.approve().wait({ intervalMs: 200, signal: AbortSignal.timeout(50_000), onProgress: (p) => seen.push(p.status) });
    } finally {
      stop.abort();
      await worker;
    }
    expect(seen.at(-1)).toBe('SUCCESS');
    // The worker also ran the graphs approved earlier in this suite: identical nodes may come from the cache.
    const statuses = graph.document?.nodes?.map((n) => n.node_running_status) ?? [];
    expect(statuses.at(-1)).toBe('STATIC');
    for (const status of statuses.slice(0, 3)) expect(['SUCCESS', 'RESTORED']).toContain(status);
    const out = graph.document?.nodes?.[0]?.outputs?.[0]?.resource_id ?? '';
    // ^1 matches 1, 10-19 and 100; ^2 matches 2 and 20-29.
    expect((await new Response(await client.files.download(out)).text()).trim()).toBe('23');
  });

  it('When the access token has expired, then the next call renews it with the refresh token and succeeds', async () => {
    const before = await client.getToken();
    clock.advance(ELEVEN_MINUTES);
    expect((await client.masterState()).status).toBe('success');
    expect(await client.getToken()).not.toBe(before);
  });
});
