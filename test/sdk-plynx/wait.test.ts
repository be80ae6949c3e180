// Graph.wait(): polls until SUCCESS, fails on any other end, stops on abort. Sleeps are fakes that record.
import { describe, expect, it } from 'vitest';
import { Client, File, Graph, GraphFailed, InvalidUsageError, Operation, type PlynxGraph } from '@pipeloom/sdk/plynx';
import { ENDPOINT, fakePlynx, json, tokenRoute, type Recorded } from './fake-plynx.ts';
import { IDS, LIBRARY } from './library.ts';

const GRAPH_ID = '65f2c0de9a1b4c0012ab1001';

/** The graph as GET /graphs/{id} answers on each poll: a status and the running statuses of file, a, b. */
type Poll = [string, string, string];

function setup(polls: Poll[]) {
  let poll = 0;
  const answer = (status: string, a = 'CREATED', b = 'CREATED'): PlynxGraph => ({
    _id: GRAPH_ID, title: 'Grep', description: 'd', graph_running_status: status,
    nodes: [{ _id: 'f', node_running_status: 'STATIC' }, { _id: 'a', node_running_status: a }, { _id: 'b', node_running_status: b }],
  } as PlynxGraph);
  const server = fakePlynx({
    'GET /token': tokenRoute(),
    [`GET /nodes/${IDS.file}`]: () => json({ status: 'success', data: LIBRARY[IDS.file], resources_dict: {} }),
    [`GET /nodes/${IDS.grep}`]: () => json({ status: 'success', data: LIBRARY[IDS.grep], resources_dict: {} }),
    'POST /graphs': (r: Recorded) => {
      const action = (r.body as { body: { actions: string[] } }).body.actions[1];
      return json({ status: 'SUCCESS', message: 'ok', graph: answer(action === 'APPROVE' ? 'READY' : 'CREATED'), url: 'u' });
    },
    [`GET /graphs/${GRAPH_ID}`]: () => {
      const [status, a, b] = polls[Math.min(poll++, polls.length - 1)] ?? ['SUCCESS', 'SUCCESS', 'SUCCESS'];
      return json({ status: 'success', data: answer(status, a, b), resources_dict: {} });
    },
  });
  const logged: string[] = [];
  const client = new Client({ endpoint: ENDPOINT, token: 'refresh-token', fetch: server.fetch, logger: { info: (m) => logged.push(m), error: (m) => logged.push(`error ${m}`) } });
  const Grep = Operation({ id: IDS.grep, title: 'Grep', inputs: ['input'], params: ['template'], outputs: ['output'] });
  const seq = File({ id: IDS.file });
  const graph = new Graph(client, { title: 'Grep', description: 'd', targets: [Grep({ input: seq.outputs.out, template: '^1' }), Grep({ input: seq.outputs.out })] });
  const slept: number[] = [];
  const sleep = async (ms: number) => void slept.push(ms);
  return { server, graph, logged, slept, sleep, polls: () => server.requests.filter((r) => r.path === `/graphs/${GRAPH_ID}`).length };
}

describe('Graph.wait', () => {
  it('When the graph runs to SUCCESS, then approve().wait() polls each second, logs a line per change and resolves with the graph', async () => {
    const t = setup([
      ['READY', 'CREATED', 'CREATED'],
      ['RUNNING', 'RUNNING', 'IN_QUEUE'],
      ['RUNNING', 'RUNNING', 'IN_QUEUE'],
      ['RUNNING', 'SUCCESS', 'RUNNING'],
      ['SUCCESS', 'SUCCESS', 'SUCCESS'],
    ]);
    const seen: number[] = [];
    const graph = await t.graph.approve().wait({ sleep: t.sleep, onProgress: (p) => seen.push(p.progress) });
    expect(graph).toBe(t.graph);
    expect(t.polls()).toBe(5);
    expect(t.slept).toEqual([1000, 1000, 1000, 1000]);
    expect(seen).toEqual([0, 0, 0, 0.5, 1]);
    expect(t.logged).toEqual([
      'Graph successfully approved: u',
      'READY\t0%\tSTATIC: 1\tCREATED: 2',
      'RUNNING\t0%\tSTATIC: 1\tRUNNING: 1\tIN_QUEUE: 1',
      'RUNNING\t50%\tSTATIC: 1\tSUCCESS: 1\tRUNNING: 1',
      'SUCCESS\t100%\tSTATIC: 1\tSUCCESS: 2',
      'Graph finished with status `SUCCESS`',
    ]);
    expect(t.graph.document?.graph_running_status).toBe('SUCCESS');
  });

  it('When the graph fails, then GraphFailed names the status', async () => {
    const t = setup([['RUNNING', 'RUNNING', 'CREATED'], ['FAILED_WAITING', 'FAILED', 'RUNNING'], ['FAILED', 'FAILED', 'SUCCESS']]);
    await t.graph.approve();
    const error = (await t.graph.wait({ sleep: t.sleep, intervalMs: 250 }).catch((e: unknown) => e)) as GraphFailed;
    expect(error).toBeInstanceOf(GraphFailed);
    // FAILED_WAITING is not one of the statuses the python client keeps waiting on.
    expect([error.status, error.message]).toEqual(['FAILED_WAITING', 'Graph finished with status `FAILED_WAITING`']);
    expect(t.slept).toEqual([250]);
  });

  it('When the graph is canceled, then GraphFailed with CANCELED', async () => {
    const t = setup([['CANCELED', 'CANCELED', 'CANCELED']]);
    await expect(t.graph.approve().wait({ sleep: t.sleep })).rejects.toThrow(new GraphFailed('CANCELED'));
  });

  it('When the signal aborts, then waiting stops with the abort reason and no further poll is made', async () => {
    const t = setup([['RUNNING', 'RUNNING', 'RUNNING']]);
    const controller = new AbortController();
    const sleep = async (ms: number) => {
      t.slept.push(ms);
      if (t.slept.length === 3) controller.abort(new Error('enough'));
    };
    await expect(t.graph.approve().wait({ sleep, signal: controller.signal })).rejects.toThrow('enough');
    expect(t.polls()).toBe(3);
  });

  it('When the real sleep is aborted, then it ends at once', async () => {
    const t = setup([['RUNNING', 'RUNNING', 'RUNNING']]);
    await t.graph.approve();
    const controller = new AbortController();
    const waiting = t.graph.wait({ signal: controller.signal, intervalMs: 60_000 });
    await new Promise((r) => setImmediate(r));
    while (t.polls() === 0) await new Promise((r) => setImmediate(r));
    controller.abort();
    await expect(waiting).rejects.toThrow(/abort/i);
  });

  it('When the graph was never posted or only saved, then wait() is refused with InvalidUsageError', async () => {
    const t = setup([]);
    await expect(t.graph.wait()).rejects.toThrow(InvalidUsageError);
    await expect(t.graph.save().wait()).rejects.toThrow('The graph must be approved first');
  });
});
