// GENERATE_CODE's `language` extension through the API: python (upstream's script) by default, the
// TypeScript program for `@pipeloom/sdk/plynx` on request, in the action list and on the per-action endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTypeScriptCode } from '@pipeloom/sdk/plynx-graph';
import { PROVIDERS } from '../helpers/server.ts';
import { startPlynx, type PlynxFixture } from './plynx-fixture.ts';
import { fixtureGraph, fixtureText } from './plynx-graph-builders.ts';

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

  it('When a graph has no nodes, then typescript is refused like python, with a 400', async () => {
    const r = await p.alice.POST('/plynx/api/v0/graphs', { body: { graph: { ...fixtureGraph('graph_grep_sum'), nodes: [] }, actions: ['GENERATE_CODE'], language: 'typescript' } });
    expect(r.response.status).toBe(400);
  });
});
