// GENERATE_CODE's `language` extension through the API: python (upstream's script) by default, the
// TypeScript program for `@pipeloom/sdk/plynx` on request, in the action list and on the per-action endpoint;
// that program, run with tsx while an in-process worker serves the queue, rebuilds and runs an equivalent graph.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client as PlynxClient } from '@pipeloom/sdk/plynx';
import { generateTypeScriptCode } from '@pipeloom/sdk/plynx-graph';
import { PROVIDERS } from '../helpers/server.ts';
import { bashOperation, nodeOf, readGraph, resourceText, startWorker, tempDir, type InProcessWorker } from './inprocess-helpers.ts';
import { graph as graphOf, instance, startPlynx, type Graph, type Node, type PlynxFixture } from './plynx-fixture.ts';
import { fixtureGraph, fixtureText } from './plynx-graph-builders.ts';
import { bashListOperation, canonical, exposed, runProgram, withValues } from './rebuild-helpers.ts';

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

  describe('the TypeScript program run with npx tsx', () => {
    const tmp = tempDir('plynx-rebuild-');
    let worker: InProcessWorker;
    let client: PlynxClient;
    let token: string;
    let file: Node;
    let ops: Record<'configure' | 'copy' | 'merge' | 'pair', Node>;

    beforeAll(async () => {
      const basic = `Basic ${Buffer.from('alice:alice-pw').toString('base64')}`;
      token = ((await (await fetch(`${p.t.url}/plynx/api/v0/token`, { headers: { authorization: basic } })).json()) as { refresh_token: string }).refresh_token;
      const form = new FormData();
      form.append('data', new Blob(['1\n2\n']), 'numbers.txt');
      form.append('title', 'numbers');
      file = instance(((await (await fetch(`${p.t.url}/plynx/api/v0/upload_file`, { method: 'POST', headers: { authorization: basic }, body: form })).json()) as { node: Node }).node);
      const configure = await bashOperation(p, {
        title: 'Configure all', inputs: ['data'], outputs: ['out-file'],
        cmd: `echo '{{ param['label'] }}/{{ param['max-count'] }}' > {{ output['out-file'] }}\ncat {{ input['data'] }} >> {{ output['out-file'] }}`,
        params: [
          exposed('label', 'str', ''), exposed('max-count', 'int', 1), exposed('verbose', 'bool', false), exposed('notes', 'text', ''),
          exposed('codec', 'enum', { values: ['gzip', 'bzip2', 'xz'], index: '0' }), exposed('hosts', 'list_str', []),
          exposed('sizes', 'list_int', []), exposed('script', 'code', { mode: 'sh', value: '' }),
        ],
      });
      const copy = await bashOperation(p, {
        title: 'Copy', inputs: ['data'], outputs: ['out'], params: [exposed('tag', 'str', '')],
        cmd: `cat {{ input['data'] }} > {{ output['out'] }}\necho "{{ param['tag'] }}" >> {{ output['out'] }}`,
      });
      const merge = await bashListOperation(p, { title: 'Merge', inputs: ['parts'], lists: ['parts'], outputs: ['out'], cmd: `cat {{ input['parts'] | join(' ') }} > {{ output['out'] }}` });
      const pair = await bashOperation(p, { title: 'Pair', inputs: ['left', 'right'], outputs: ['out'], cmd: `cat {{ input['left'] }} {{ input['right'] }} > {{ output['out'] }}` });
      ops = { configure, copy, merge, pair };
      const { Client } = await import('@pipeloom/sdk/plynx');
      client = new Client({ endpoint: `${p.t.url}/plynx/api/v0`, token });
      // Serves the plynx queue for every program of this block, so their `wait()` can reach SUCCESS.
      worker = startWorker(p, { hostname: 'rebuild-worker', cwd: tmp.dir, waitForNewJobsSeconds: 600 });
    });
    afterAll(async () => {
      await worker?.stop();
      tmp.remove();
    });

    /** Saves `original`, asks for its TypeScript through the SDK, runs it, and returns the graph it approved. */
    async function rebuild(original: Graph): Promise<Graph> {
      await p.alice.POST('/plynx/api/v0/graphs', { body: { graph: original, actions: ['SAVE'] } });
      const { code = '' } = await client.graphs.generateCode(original._id!, { language: 'typescript' });
      const run = await runProgram(code, { PLYNX_ENDPOINT: `${p.t.url}/plynx/api/v0`, PLYNX_TOKEN: token });
      expect(run.exitCode, `${run.output}\n${worker.log.join('\n')}`).toBe(0);
      const found = await p.alice.POST('/plynx/api/v0/search_graphs', { body: { search: original.title! } });
      const rebuilt = found.data!.items!.filter((g) => g._id !== original._id && g.title === original.title);
      expect(rebuilt).toHaveLength(1);
      const stored = await readGraph(p, rebuilt[0]!._id!);
      expect(canonical(stored)).toEqual(canonical(original));
      expect(stored.graph_running_status).toBe('SUCCESS');
      expect(new Set(stored.nodes!.map((n) => n.node_running_status))).toEqual(new Set(['STATIC', 'SUCCESS']));
      return stored;
    }
    const last = async (g: Graph, title: string): Promise<string> => resourceText(p, nodeOf(g, title).outputs![0]!.resource_id!);

    it('When the program of a graph with every parameter type runs, then it exits 0 after running an equivalent graph to SUCCESS', async () => {
      const a = withValues(instance(ops.configure, { data: [[file, 'out']] }), {
        label: 'say "hi"', 'max-count': 600, verbose: true, notes: 'l1\nl2', codec: { values: ['gzip', 'bzip2', 'xz'], index: '2' },
        hosts: ['a', "it's"], sizes: [1, 2], script: { mode: 'sh', value: 'echo "${x}"\n' },
      });
      const original = graphOf('Rebuilt all parameters', [file, a]);
      const rebuilt = await rebuild(original);
      expect((await client.graphs.generateCode(original._id!)).code).toMatch(/^numbers = File\(/);
      expect(await last(rebuilt, 'Configure all')).toBe('say "hi"/600\n1\n2\n');
    }, 60_000);

    it('When the program of a graph with a multi-input list runs, then the rebuilt node takes every linked output', async () => {
      const a = withValues(instance(ops.copy, { data: [[file, 'out']] }), { tag: 'a' });
      const b = withValues(instance(ops.copy, { data: [[file, 'out']] }), { tag: 'b' });
      const original = graphOf('Rebuilt multi input', [file, a, b, instance(ops.merge, { parts: [[a, 'out'], [b, 'out'], [file, 'out']] })]);
      const rebuilt = await rebuild(original);
      expect((await last(rebuilt, 'Merge')).split('\n').sort()).toEqual(['', '1', '1', '1', '2', '2', '2', 'a', 'b'].sort());
    }, 60_000);

    it('When the program of a graph of several levels runs, then the rebuilt chain runs level by level to SUCCESS', async () => {
      const one = withValues(instance(ops.copy, { data: [[file, 'out']] }), { tag: 'one' });
      const two = withValues(instance(ops.copy, { data: [[one, 'out']] }), { tag: 'two' });
      const three = withValues(instance(ops.copy, { data: [[two, 'out']] }), { tag: 'three' });
      const original = graphOf('Rebuilt levels', [file, one, two, three, instance(ops.pair, { left: [[three, 'out']], right: [[one, 'out']] })]);
      const rebuilt = await rebuild(original);
      expect(await last(rebuilt, 'Pair')).toBe('1\n2\none\ntwo\nthree\n1\n2\none\n');
    }, 60_000);
  });

  it('When a graph has no nodes, then typescript is refused like python, with a 400', async () => {
    const r = await p.alice.POST('/plynx/api/v0/graphs', { body: { graph: { ...fixtureGraph('graph_grep_sum'), nodes: [] }, actions: ['GENERATE_CODE'], language: 'typescript' } });
    expect(r.response.status).toBe(400);
  });
});
