// The PLynx run services on their own, over a real database and content store, with a TEST DOUBLE of the
// run engine (run-engine-double.ts) standing in for Torc's lifecycle; execution.test.ts runs the same
// story through the server and the real engine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { directoryContentStore } from '../../packages/server/src/content/directory-store.ts';
import { openDatabase, type Database } from '../../packages/server/src/db/client.ts';
import { createIdentity } from '../../packages/server/src/identity/composition.ts';
import { createPlynxServices, type PlynxServices } from '../../packages/server/src/plynx/composition.ts';
import { readPlynxConfig } from '../../packages/server/src/plynx/config.ts';
import { userObjectId } from '../../packages/server/src/plynx/model/users.ts';
import { createTestDatabase, PROVIDERS, type TestDatabase } from '../helpers/server.ts';
import { RunEngineDouble } from './run-engine-double.ts';
import { graph, instance, operation, type Graph, type Node } from './plynx-fixture.ts';

const user = { username: 'alice', id: userObjectId('alice'), isAdmin: false };
const cacheable = { name: 'cacheable', parameter_type: 'bool' as const, value: true, mutable_type: false, removable: false, publicable: false, widget: null };

describe.each(PROVIDERS)('PLynx run services with an engine double on %s', (provider) => {
  let testDb: TestDatabase;
  let database: Database;
  let dir: string;
  let s: PlynxServices;
  const engine = new RunEngineDouble();
  const clock = new ManualClock();
  let source: Node;
  let step: Node;
  let cachedOp: Node;
  let stored = 0;

  async function resource(text: string): Promise<string> {
    const id = `res-${++stored}-${provider}`;
    await s.context.content.putStream(id, Readable.from([text]));
    return id;
  }

  async function approve(g: Graph) {
    const r = await s.graphs.post(g, ['APPROVE'], user);
    expect(r).toMatchObject({ status: 'SUCCESS', graph: { graph_running_status: 'RUNNING' } });
  }

  async function statuses(id: string): Promise<[string, Record<string, string>]> {
    const g = (await s.graphs.get(id, user)).data;
    return [g.graph_running_status!, Object.fromEntries(g.nodes!.map((n) => [n.title!, n.node_running_status!]))];
  }

  const keyOf = (g: Graph) => [...engine.runs.entries()].find(([, r]) => r.spec.description === `PLynx graph ${g._id}`)![0];

  function chain(title: string) {
    const a = { ...instance(source), title: 'A' };
    const b = { ...instance(step, { in: [[a, 'out']] }), title: 'B' };
    const c = { ...instance(source), title: 'C' };
    return { g: graph(title, [a, b, c]), a, b, c };
  }

  async function succeed(g: Graph, n: Node) {
    const out = await resource(`${n.title}`);
    await s.execution.finish(g._id!, n._id!, { status: 'SUCCESS', outputs: { out } }, user);
    engine.complete(keyOf(g), n._id!, 0);
    return out;
  }

  beforeAll(async () => {
    testDb = await createTestDatabase(provider);
    database = await openDatabase(testDb.url);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plynx-runs-'));
    s = createPlynxServices({
      database, clock, engine, identity: createIdentity(database.db), content: directoryContentStore(dir),
      config: readPlynxConfig({ PIPELOOM_PLYNX_WEB_URL: 'http://plynx.test' }),
    });
    const library = async (op: Node) => {
      await s.nodes.post(op, ['APPROVE'], user);
      return op;
    };
    source = await library(operation('Source', { outputs: ['out'] }));
    step = await library(operation('Step', { inputs: ['in'], outputs: ['out'] }));
    cachedOp = await library(operation('Cached', { inputs: ['in'], outputs: ['out'], params: [cacheable] }));
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('When a graph is approved, then a run with one job per operation starts on the plynx queue, ordered by the links', async () => {
    const { g, a, b, c } = chain('Jobs');
    await approve(g);
    const run = engine.runs.get(keyOf(g))!;
    expect(run.spec).toMatchObject({ owner: 'plynx', name: 'Jobs', user: 'alice', queue: 'plynx' });
    expect(run.spec.jobs).toEqual([
      { name: a._id, command: `plynx-node ${g._id} ${a._id}`, after: [] },
      { name: b._id, command: `plynx-node ${g._id} ${b._id}`, after: [a._id] },
      { name: c._id, command: `plynx-node ${g._id} ${c._id}`, after: [] },
    ]);
    expect(await statuses(g._id!)).toEqual(['RUNNING', { A: 'IN_QUEUE', B: 'CREATED', C: 'IN_QUEUE' }]);
    await expect(s.graphs.post(g, ['SAVE'], user)).rejects.toMatchObject({ code: 'CONFLICT' });
    await s.graphs.postAction(g._id!, 'CANCEL', user);
  });

  it('When the run cannot be started, then the approval is rolled back and the graph is not stored', async () => {
    const { g } = chain('Rolled back');
    engine.failNextStart = true;
    await expect(s.graphs.post(g, ['APPROVE'], user)).rejects.toThrow('engine unavailable');
    await expect(s.graphs.get(g._id!, user)).rejects.toMatchObject({ code: 'DOCUMENT_NOT_FOUND' });
  });

  it('When nodes succeed, then outputs flow downstream, the graph reaches SUCCESS and that is written into the document once', async () => {
    const { g, a, b, c } = chain('Happy');
    await approve(g);
    engine.claim('w1');
    expect(await statuses(g._id!)).toEqual(['RUNNING', { A: 'RUNNING', B: 'CREATED', C: 'RUNNING' }]);
    expect((await s.execution.start(g._id!, a._id!, user)).restored).toBe(false);
    const outA = await succeed(g, a);
    engine.claim('w1');
    const started = await s.execution.start(g._id!, b._id!, user);
    expect(started.node.inputs[0]!.values[0]!.resource_id).toBe(outA);
    await succeed(g, b);
    await s.execution.start(g._id!, c._id!, user);
    await succeed(g, c);
    const [status] = await statuses(g._id!);
    expect(status).toBe('SUCCESS');
    const found = await s.graphs.search({ status: 'SUCCESS' });
    expect(found.items.map((x) => x._id)).toContain(g._id);
    engine.runs.delete(keyOf(g));
    expect((await s.graphs.get(g._id!, user)).data.nodes!.find((n) => n._id === a._id)!.outputs![0]!.resource_id).toBe(outA);
  });

  it('When a node fails, then FAILED_WAITING while its sibling runs, FAILED after; its descendant is CANCELED and cannot start', async () => {
    const { g, a, b, c } = chain('Failing');
    await approve(g);
    engine.claim('w1');
    await s.execution.finish(g._id!, a._id!, { status: 'FAILED' }, user);
    engine.complete(keyOf(g), a._id!, 1);
    expect(await statuses(g._id!)).toEqual(['FAILED_WAITING', { A: 'FAILED', B: 'CANCELED', C: 'RUNNING' }]);
    await expect(s.execution.start(g._id!, b._id!, user)).rejects.toMatchObject({ code: 'CONFLICT' });
    await succeed(g, c);
    expect((await statuses(g._id!))[0]).toBe('FAILED');
  });

  it('When a graph is canceled, then it reads CANCELED, progress answers canceled and a late finish is refused', async () => {
    const { g, a } = chain('Canceled');
    await approve(g);
    engine.claim('w1');
    await s.execution.start(g._id!, a._id!, user);
    await s.graphs.postAction(g._id!, 'CANCEL', user);
    expect(await statuses(g._id!)).toEqual(['CANCELED', { A: 'CANCELED', B: 'CANCELED', C: 'CANCELED' }]);
    expect(await s.execution.progress(g._id!, a._id!, { stdout: 'x' }, user)).toEqual({ status: 'success', canceled: true });
    await expect(s.execution.finish(g._id!, a._id!, { status: 'SUCCESS', outputs: { out: await resource('late') } }, user)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('When a cacheable node was seen before, then the second run restores it with the cached outputs and a cache_url', async () => {
    const build = () => {
      const a = { ...instance(source), title: 'A' };
      const k = { ...instance(cachedOp, { in: [[a, 'out']] }), title: 'K' };
      return { g: graph('Cache', [a, k]), a, k };
    };
    const one = build();
    const two = build();
    // Both sources hand in the same resource, as two identical File nodes would.
    const shared = await resource('shared');
    for (const run of [one, two]) {
      await approve(run.g);
      engine.claim('w1');
      await s.execution.finish(run.g._id!, run.a._id!, { status: 'SUCCESS', outputs: { out: shared } }, user);
      engine.complete(keyOf(run.g), run.a._id!, 0);
      engine.claim('w1');
      const started = await s.execution.start(run.g._id!, run.k._id!, user);
      if (run === one) {
        expect(started.restored).toBe(false);
        const out = await succeed(run.g, run.k);
        expect(out).toBeTruthy();
      } else {
        expect(started).toMatchObject({ restored: true, node: { node_running_status: 'RESTORED', cache_url: `http://plynx.test/graphs/${one.g._id}?nid=${one.k._id}` } });
        engine.complete(keyOf(run.g), run.k._id!, 0);
      }
    }
    expect(await statuses(two.g._id!)).toEqual(['SUCCESS', { A: 'SUCCESS', K: 'RESTORED' }]);
  });

  it('When SUCCESS is reported without a stored resource for an output, then it is refused and nothing is recorded', async () => {
    const { g, a } = chain('Missing');
    await approve(g);
    engine.claim('w1');
    await s.execution.start(g._id!, a._id!, user);
    await expect(s.execution.finish(g._id!, a._id!, { status: 'SUCCESS', outputs: {} }, user)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(s.execution.finish(g._id!, a._id!, { status: 'SUCCESS', outputs: { out: 'never-stored' } }, user)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await s.graphs.get(g._id!, user)).data.nodes!.find((n) => n._id === a._id)).toMatchObject({ node_running_status: 'RUNNING', outputs: [{ resource_id: null }] });
    await s.graphs.postAction(g._id!, 'CANCEL', user);
  });

  it('When a worker holds a job, then master_state shows its graph and running node, and the jobs it finished since the last snapshot', async () => {
    const { g, a } = chain('Watched');
    await approve(g);
    const before = (await s.session.masterState.current()).workers;
    engine.claim('w9');
    clock.advance(1000);
    engine.complete(keyOf(g), a._id!, 0, new Date(clock.now()));
    clock.advance(1);
    const state = await s.session.masterState.current();
    const worker = state.workers!.find((w) => w.worker_id === 'w9')!;
    expect(before?.find((w) => w.worker_id === 'w9')).toBeUndefined();
    expect(worker).toMatchObject({ _id: 'w9', host: 'w9', graph_id: g._id, node: { title: 'C', node_running_status: 'RUNNING' }, num_finished_jobs: 1 });
    clock.advance(1000);
    expect((await s.session.masterState.current()).workers!.find((w) => w.worker_id === 'w9')!.num_finished_jobs).toBe(0);
    await s.graphs.postAction(g._id!, 'CANCEL', user);
  });
});
