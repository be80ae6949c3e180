// GENERATE_CODE's `language` extension through the API: python (upstream's script) by default, the
// TypeScript program for `@pipeloom/sdk/plynx` on request, in the action list and on the per-action endpoint.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTypeScriptCode } from '@pipeloom/sdk/plynx-graph';
import { PROVIDERS } from '../helpers/server.ts';
import { graph as graphOf, instance, operation, startPlynx, type Graph, type Node, type PlynxFixture } from './plynx-fixture.ts';
import { fixtureGraph, fixtureText } from './plynx-graph-builders.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PLYNX_SDK = join(root, 'packages/sdk/src/plynx/index.ts');
type Parameter = NonNullable<Node['parameters']>[number];

const exposed = (name: string, parameter_type: Parameter['parameter_type'], value: unknown): Parameter =>
  ({ name, parameter_type, value, mutable_type: true, removable: true, publicable: true, widget: { alias: name } } as Parameter);

/**
 * What makes two graphs equivalent: title, description, and every node as its library node, its exposed
 * parameter values and, per input, what feeds it (recursively, so node ids do not matter).
 */
function canonical(g: Graph): unknown {
  const byId = new Map((g.nodes ?? []).map((n) => [n._id, n]));
  const value = (p: Parameter): unknown => {
    const v = p.value as { index?: unknown; value?: unknown } | null;
    if (p.parameter_type === 'enum') return String(v?.index);
    if (p.parameter_type === 'code') return v?.value;
    if (p.parameter_type === 'int') return Number(p.value);
    if (p.parameter_type === 'list_int') return (p.value as unknown[]).map(Number);
    return p.value;
  };
  const label = (n: Node | undefined): string => JSON.stringify(n === undefined ? null : {
    library: n.parent_node,
    params: (n.parameters ?? []).filter((p) => p.widget != null).map((p) => [p.name, value(p)]),
    inputs: (n.inputs ?? []).map((i) => [i.name, (i.values ?? []).map((v) => `${label(byId.get(v.node_id))}.${v.output_id}`).sort()]),
  });
  return { title: g.title, description: g.description, nodes: (g.nodes ?? []).map(label).sort() };
}

describe.each(PROVIDERS)('GENERATE_CODE languages on %s', (provider) => {
  let p: PlynxFixture;
  beforeAll(async () => {
    p = await startPlynx(provider);
  });
  afterAll(async () => p?.close());

  it('When POST /graphs asks GENERATE_CODE for typescript, then the code is the TypeScript program; python or no language gives upstream\'s script', async () => {
    const graph = fixtureGraph('graph_grep_sum');
    const typescript = await p.alice.POST('/plynx/api/v0/graphs', { body: { graph, actions: ['GENERATE_CODE'], language: 'typescript' } });
    expect(typescript.data!.status).toBe('SUCCESS');
    expect(typescript.data!.code).toBe(generateTypeScriptCode(graph));
    expect(typescript.data!.code).toContain("from '@pipeloom/sdk/plynx'");
    expect(typescript.data!.code).toContain('await graph.approve().wait();\n');

    for (const language of ['python', undefined] as const) {
      const python = await p.alice.POST('/plynx/api/v0/graphs', { body: { graph, actions: ['GENERATE_CODE'], ...(language ? { language } : {}) } });
      expect(python.data!.code).toBe(fixtureText('graph_grep_sum.code.txt'));
    }
  });

  it('When the graph comes in the wrapped `body` form, then the language is honoured inside it or next to it', async () => {
    const graph = fixtureGraph('graph_docs_hello_world');
    const r = await p.alice.POST('/plynx/api/v0/graphs', { body: { body: { graph, actions: ['GENERATE_CODE'], language: 'typescript' } } });
    expect(r.data!.code).toBe(generateTypeScriptCode(graph));
    const outside = await p.alice.POST('/plynx/api/v0/graphs', { body: { language: 'typescript', body: { graph, actions: ['GENERATE_CODE'] } } });
    expect(outside.data!.code).toBe(generateTypeScriptCode(graph));
  });

  it('When a stored graph\'s generate_code is called with ?language=typescript, then anyone gets the TypeScript program; without it, the Python script', async () => {
    const graph = fixtureGraph('graph_grep_sum');
    await p.alice.POST('/plynx/api/v0/graphs', { body: { graph, actions: ['SAVE'] } });
    const path = { graph_id: graph._id! };
    const typescript = await p.bob.POST('/plynx/api/v0/graphs/{graph_id}/generate_code', { params: { path, query: { language: 'typescript' } } });
    expect(typescript.response.status).toBe(200);
    expect(typescript.data!.code).toBe(generateTypeScriptCode(graph));
    const python = await p.bob.POST('/plynx/api/v0/graphs/{graph_id}/generate_code', { params: { path } });
    expect(python.data!.code).toBe(fixtureText('graph_grep_sum.code.txt'));
  });

  it('When an unknown language is asked for, then the request is refused with a 400 and nothing is generated', async () => {
    const graph = fixtureGraph('graph_grep_sum');
    const body = await p.alice.POST('/plynx/api/v0/graphs', { body: { graph, actions: ['GENERATE_CODE'], language: 'cobol' as 'python' } });
    expect(body.response.status).toBe(400);
    expect(body.data).toBeUndefined();
    await p.alice.POST('/plynx/api/v0/graphs', { body: { graph, actions: ['SAVE'] } });
    const query = await p.alice.POST('/plynx/api/v0/graphs/{graph_id}/generate_code', { params: { path: { graph_id: graph._id! }, query: { language: 'cobol' as 'python' } } });
    expect(query.response.status).toBe(400);
  });

  it.skipIf(!existsSync(PLYNX_SDK))('When the TypeScript program runs with npx tsx, then it approves a graph equivalent to the original', async () => {
    const basic = `Basic ${Buffer.from('alice:alice-pw').toString('base64')}`;
    const { refresh_token } = await (await fetch(`${p.t.url}/plynx/api/v0/token`, { headers: { authorization: basic } })).json() as { refresh_token: string };
    const form = new FormData();
    form.append('data', new Blob(['1\n2\n']), 'numbers.txt');
    form.append('title', 'numbers');
    const upload = await (await fetch(`${p.t.url}/plynx/api/v0/upload_file`, { method: 'POST', headers: { authorization: basic }, body: form })).json() as { node: Node };
    const library = async (node: Node): Promise<Node> => {
      const r = await p.alice.POST('/plynx/api/v0/nodes', { body: { node, action: 'APPROVE' } });
      expect(r.data?.status).toBe('SUCCESS');
      return { ...node, node_status: 'READY' };
    };
    const configure = await library(operation('Configure all', {
      inputs: ['data'], outputs: ['out-file'],
      params: [
        exposed('label', 'str', ''), exposed('max-count', 'int', 1), exposed('verbose', 'bool', false), exposed('notes', 'text', ''),
        exposed('codec', 'enum', { values: ['gzip', 'bzip2', 'xz'], index: '0' }), exposed('hosts', 'list_str', []),
        exposed('sizes', 'list_int', []), exposed('script', 'code', { mode: 'sh', value: '' }),
      ],
    }));
    const merge = await library({ ...operation('Merge', { inputs: ['parts'], outputs: ['out'] }), inputs: [{ name: 'parts', file_types: ['file'], values: [], min_count: 1, max_count: -1 }] });
    const file = instance(upload.node);
    const set = (node: Node, values: Record<string, unknown>): Node =>
      ({ ...node, parameters: (node.parameters ?? []).map((q) => (q.name! in values ? { ...q, value: values[q.name!] } : q)) as Node['parameters'] });
    const a = set(instance(configure, { data: [[file, 'out']] }), {
      label: 'say "hi"', 'max-count': 600, verbose: true, notes: 'l1\nl2', codec: { values: ['gzip', 'bzip2', 'xz'], index: '2' },
      hosts: ['a', "it's"], sizes: [1, 2], script: { mode: 'sh', value: 'echo "${x}"\n' },
    });
    const b = instance(configure, { data: [[file, 'out']] });
    const original = graphOf('Rebuilt by TypeScript', [file, a, b, instance(merge, { parts: [[a, 'out-file'], [b, 'out-file'], [file, 'out']] })]);
    await p.alice.POST('/plynx/api/v0/graphs', { body: { graph: original, actions: ['SAVE'] } });
    // Asked for through @pipeloom/sdk/plynx, as a user of the SDK would.
    const { Client } = await import('@pipeloom/sdk/plynx');
    const client = new Client({ endpoint: `${p.t.url}/plynx/api/v0`, token: refresh_token });
    const { code = '' } = await client.graphs.generateCode(original._id!, { language: 'typescript' });
    expect((await client.graphs.generateCode(original._id!)).code).toMatch(/^numbers = File\(/);

    // Inside the repository, so `@pipeloom/sdk/plynx` resolves through node_modules (to its sources).
    const dir = mkdtempSync(join(root, 'test/plynx/.generated-'));
    writeFileSync(join(dir, 'rebuild.mts'), code);
    const child = spawn(process.execPath, ['--conditions=pipeloom-source', '--import', 'tsx', join(dir, 'rebuild.mts')], {
      cwd: root, env: { ...process.env, PLYNX_ENDPOINT: `${p.t.url}/plynx/api/v0`, PLYNX_TOKEN: refresh_token }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += String(d); });
    child.stderr.on('data', (d: Buffer) => { output += String(d); });
    let exited = false;
    child.on('exit', () => { exited = true; });
    try {
      // No worker runs here, so wait() keeps polling the approved graph: poll for it (a real process), then stop it.
      let rebuilt: Graph | undefined;
      for (let i = 0; i < 300 && rebuilt === undefined && !exited; i++) {
        const found = await p.alice.POST('/plynx/api/v0/search_graphs', { body: { search: 'Rebuilt' } });
        rebuilt = found.data?.items?.find((g) => g._id !== original._id);
        if (rebuilt === undefined) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(rebuilt, output).toBeDefined();
      const stored = await p.alice.GET('/plynx/api/v0/graphs/{graph_id}', { params: { path: { graph_id: rebuilt!._id! } } });
      expect(canonical(stored.data!.data)).toEqual(canonical(original));
    } finally {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('When a graph has no nodes, then typescript is refused like python, with a 400', async () => {
    const r = await p.alice.POST('/plynx/api/v0/graphs', { body: { graph: { ...fixtureGraph('graph_grep_sum'), nodes: [] }, actions: ['GENERATE_CODE'], language: 'typescript' } });
    expect(r.response.status).toBe(400);
  });
});
