// Torc's edge collections end to end through the SDK (semantics.md §1, §6): POST, list, get, DELETE one and
// DELETE all under /workflows/{workflow}/edges/{name}. An edge joins two existing documents of the collections
// its name allows, in the same workflow; anything else is a 400 that writes nothing, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@pipeloom/sdk';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

type EdgeName = 'blocks' | 'needs' | 'produces' | 'consumes' | 'stores' | 'requires' | 'scheduled_bys' | 'returned' | 'executed' | 'node_used' | 'process_used';
type Vertex = 'job' | 'job2' | 'file' | 'userData' | 'rr' | 'slurm' | 'local' | 'aws' | 'result' | 'node' | 'nodeStats' | 'processStats';

const UNKNOWN = '987654321';
const T0 = '2026-11-22T14:00:00.000Z';

/** Every edge collection with a pair of vertices it may join. */
const EDGES: { name: EdgeName; from: Vertex; to: Vertex }[] = [
  { name: 'blocks', from: 'job', to: 'job2' },
  { name: 'needs', from: 'job', to: 'file' },
  { name: 'produces', from: 'job', to: 'file' },
  { name: 'consumes', from: 'job', to: 'userData' },
  { name: 'stores', from: 'job', to: 'userData' },
  { name: 'requires', from: 'job', to: 'rr' },
  { name: 'scheduled_bys', from: 'job', to: 'slurm' },
  { name: 'scheduled_bys', from: 'job', to: 'local' },
  { name: 'scheduled_bys', from: 'job', to: 'aws' },
  { name: 'returned', from: 'job', to: 'result' },
  { name: 'executed', from: 'node', to: 'job' },
  { name: 'node_used', from: 'node', to: 'nodeStats' },
  { name: 'process_used', from: 'job', to: 'processStats' },
];

describe.each(PROVIDERS)('Torc edges on %s', (provider) => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer(provider); });
  afterAll(async () => { await t?.close(); });

  const newWorkflow = async () => (await unwrap(t.client.POST('/torc-service/workflows', { body: { user: 'tester' } })))._key!;
  const edgePath = (workflow: string, name: EdgeName) => ({ params: { path: { workflow, name } } });
  const addEdge = (workflow: string, name: EdgeName, body: { _from: string; _to: string; data?: Record<string, unknown>; _key?: string }) =>
    t.client.POST('/torc-service/workflows/{workflow}/edges/{name}', { ...edgePath(workflow, name), body });
  const listEdges = async (workflow: string, name: EdgeName, query: { skip?: number; limit?: number } = {}) =>
    unwrap(t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow, name }, query } }));
  const getEdge = (workflow: string, name: EdgeName, key: string) =>
    t.client.GET('/torc-service/workflows/{workflow}/edges/{name}/{key}', { params: { path: { workflow, name, key } } });
  const deleteEdge = (workflow: string, name: EdgeName, key: string) =>
    t.client.DELETE('/torc-service/workflows/{workflow}/edges/{name}/{key}', { params: { path: { workflow, name, key } } });
  const total = async (workflow: string, name: EdgeName) => (await listEdges(workflow, name)).total_count;

  /** One document of every vertex kind, by their `_id`s. */
  async function vertices(workflow: string): Promise<Record<Vertex, string>> {
    const path = { workflow };
    const id = async (p: Promise<{ data?: { _id?: string } }>) => (await unwrap(p as never) as { _id: string })._id;
    return {
      job: await id(t.client.POST('/torc-service/workflows/{workflow}/jobs', { params: { path }, body: { command: 'a' } })),
      job2: await id(t.client.POST('/torc-service/workflows/{workflow}/jobs', { params: { path }, body: { command: 'b' } })),
      file: await id(t.client.POST('/torc-service/workflows/{workflow}/files', { params: { path }, body: { path: 'f' } })),
      userData: await id(t.client.POST('/torc-service/workflows/{workflow}/user_data', { params: { path }, body: { name: 'u' } })),
      rr: await id(t.client.POST('/torc-service/workflows/{workflow}/resource_requirements', { params: { path }, body: {} })),
      slurm: await id(t.client.POST('/torc-service/workflows/{workflow}/slurm_schedulers', { params: { path }, body: { account: 'a', nodes: 1 } })),
      local: await id(t.client.POST('/torc-service/workflows/{workflow}/local_schedulers', { params: { path }, body: {} })),
      aws: await id(t.client.POST('/torc-service/workflows/{workflow}/aws_schedulers', { params: { path }, body: {} })),
      result: await id(t.client.POST('/torc-service/workflows/{workflow}/results', {
        params: { path }, body: { job_key: '1', run_id: 1, return_code: 0, exec_time_minutes: 1, completion_time: T0, status: 'done' },
      })),
      node: await id(t.client.POST('/torc-service/workflows/{workflow}/compute_nodes', {
        params: { path }, body: { hostname: 'h', pid: 1, start_time: T0, resources: { num_cpus: 1, memory_gb: 1 } },
      })),
      nodeStats: await id(t.client.POST('/torc-service/workflows/{workflow}/compute_node_stats', { params: { path }, body: { hostname: 'h', timestamp: T0 } })),
      processStats: await id(t.client.POST('/torc-service/workflows/{workflow}/job_process_stats', {
        params: { path }, body: { job_key: '1', run_id: 1, avg_cpu_percent: 1, max_cpu_percent: 1, avg_rss: 1, max_rss: 1, num_samples: 1, timestamp: T0 },
      })),
    };
  }

  it('When an edge of every kind is created between documents it may join, then it gets a <name>__<workflow>/<key> _id and reads back', async () => {
    const w = await newWorkflow();
    const v = await vertices(w);

    for (const { name, from, to } of EDGES) {
      const edge = await unwrap(addEdge(w, name, { _from: v[from], _to: v[to] }));

      expect(edge._key, name).toMatch(/^\d+$/);
      expect(edge._id, name).toBe(`${name}__${w}/${edge._key}`);
      expect(edge._rev, name).toMatch(/^\S+$/);
      expect(edge, name).toMatchObject({ _from: v[from], _to: v[to] });
      expect(await unwrap(getEdge(w, name, edge._key!)), name).toEqual(edge);
      expect((await listEdges(w, name)).items, name).toContainEqual(edge);
    }
    expect(await total(w, 'scheduled_bys')).toBe(3);
  });

  it('When an edge carries data, then the data is stored and returned', async () => {
    const w = await newWorkflow();
    const v = await vertices(w);

    const edge = await unwrap(addEdge(w, 'executed', { _from: v.node, _to: v.job, data: { run_id: 2, nested: { tags: ['a'] } } }));

    expect(edge.data).toEqual({ run_id: 2, nested: { tags: ['a'] } });
    expect(await unwrap(getEdge(w, 'executed', edge._key!))).toEqual(edge);
  });

  it('When edges are listed, then skip/limit page in storage order in Torc\'s list shape, a limit above 100,000 is capped, and only that name is listed', async () => {
    const w = await newWorkflow();
    const v = await vertices(w);
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) keys.push((await unwrap(addEdge(w, 'needs', { _from: v.job, _to: v.file })))._key!);
    await unwrap(addEdge(w, 'produces', { _from: v.job, _to: v.file }));

    const first = await listEdges(w, 'needs', { limit: 2 });
    const last = await listEdges(w, 'needs', { skip: 4, limit: 2 });
    const huge = await listEdges(w, 'needs', { limit: 1_000_000 });

    expect(first).toMatchObject({ skip: 0, max_limit: 100000, count: 2, total_count: 5, has_more: true });
    expect(first.items!.map((e) => e._key)).toEqual(keys.slice(0, 2));
    expect(last).toMatchObject({ skip: 4, count: 1, total_count: 5, has_more: false });
    expect(last.items!.map((e) => e._key)).toEqual(keys.slice(4));
    expect(huge).toMatchObject({ max_limit: 100000, count: 5, has_more: false });
    expect(huge.items!.map((e) => e._key)).toEqual(keys);
  });

  it('When _from or _to is of the wrong collection, malformed, of another workflow or does not exist, then it answers 400 and writes nothing', async () => {
    const w = await newWorkflow();
    const other = await newWorkflow();
    const v = await vertices(w);
    const ov = await vertices(other);

    const bad: [string, EdgeName, { _from: string; _to: string }][] = [
      ['reversed', 'needs', { _from: v.file, _to: v.job }],
      ['a file that blocks', 'blocks', { _from: v.file, _to: v.job }],
      ['user data as a file', 'needs', { _from: v.job, _to: v.userData }],
      ['a job as a scheduler', 'scheduled_bys', { _from: v.job, _to: v.job2 }],
      ['a job that executes', 'executed', { _from: v.job, _to: v.job2 }],
      ['a bare key', 'blocks', { _from: v.job, _to: v.job2.split('/')[1]! }],
      ['a workflow-less _id', 'blocks', { _from: v.job, _to: `jobs/${v.job2.split('/')[1]}` }],
      ['not an _id at all', 'requires', { _from: v.job, _to: 'resource_requirements' }],
      ['another workflow\'s _to', 'needs', { _from: v.job, _to: ov.file }],
      ['another workflow\'s _from', 'needs', { _from: ov.job, _to: v.file }],
      ['both of another workflow', 'needs', { _from: ov.job, _to: ov.file }],
      ['a _to that does not exist', 'needs', { _from: v.job, _to: `files__${w}/${UNKNOWN}` }],
      ['a _from that does not exist', 'executed', { _from: `compute_nodes__${w}/${UNKNOWN}`, _to: v.job }],
      ['a key beyond any that exists', 'blocks', { _from: v.job, _to: `jobs__${w}/99999999999` }],
    ];
    for (const [label, name, body] of bad) {
      const r = await addEdge(w, name, body);
      expect(r.response.status, label).toBe(400);
      expect(r.error, label).toMatchObject({ error: true, code: 400, errorNum: 400, pipeloomCode: 'INVALID_ARGUMENT' });
    }

    for (const name of new Set(EDGES.map((e) => e.name))) expect(await total(w, name), name).toBe(0);
    expect(await total(other, 'needs')).toBe(0);
  });

  it('When an edge body breaks the contract or carries _key, then it answers 400 and writes nothing', async () => {
    const w = await newWorkflow();
    const v = await vertices(w);

    const replies = [
      await addEdge(w, 'blocks', { _from: v.job, _to: v.job2, colour: 'x' } as never),
      await addEdge(w, 'blocks', { _from: v.job } as never),
      await addEdge(w, 'blocks', { _from: v.job, _to: 42 } as never),
      await addEdge(w, 'blocks', { _from: v.job, _to: v.job2, data: 'text' } as never),
      await addEdge(w, 'blocks', { _from: v.job, _to: v.job2, _key: '5' }),
    ];

    for (const r of replies) expect(r.response.status).toBe(400);
    expect(replies[0]!.error).toMatchObject({ pipeloomCode: 'VALIDATION_FAILED' });
    expect(await total(w, 'blocks')).toBe(0);
  });

  it('When the edge name is unknown, then every edge operation answers 400, not 500', async () => {
    const w = await newWorkflow();
    const v = await vertices(w);
    const path = { workflow: w, name: 'colours' as EdgeName };

    const replies = [
      await t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path } }),
      await t.client.POST('/torc-service/workflows/{workflow}/edges/{name}', { params: { path }, body: { _from: v.job, _to: v.job2 } }),
      await t.client.DELETE('/torc-service/workflows/{workflow}/edges/{name}', { params: { path } }),
      await t.client.GET('/torc-service/workflows/{workflow}/edges/{name}/{key}', { params: { path: { ...path, key: '1' } } }),
      await t.client.DELETE('/torc-service/workflows/{workflow}/edges/{name}/{key}', { params: { path: { ...path, key: '1' } } }),
      // The vertex collection's own name is not an edge collection.
      await t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: w, name: 'jobs' as EdgeName } } }),
    ];

    for (const r of replies) {
      expect(r.response.status).toBe(400);
      expect(r.error).toMatchObject({ error: true, code: 400, errorNum: 400 });
    }
  });

  it('When an edge key or the workflow does not exist, then GET, DELETE and the list answer 404', async () => {
    const w = await newWorkflow();
    const v = await vertices(w);
    const edge = await unwrap(addEdge(w, 'blocks', { _from: v.job, _to: v.job2 }));
    const other = await newWorkflow();

    const replies = [
      await getEdge(w, 'blocks', UNKNOWN), await deleteEdge(w, 'blocks', UNKNOWN), await getEdge(w, 'blocks', 'not-a-key'),
      // An edge is only found under its own name and its own workflow.
      await getEdge(w, 'needs', edge._key!), await deleteEdge(w, 'needs', edge._key!), await getEdge(other, 'blocks', edge._key!),
      await getEdge(UNKNOWN, 'blocks', edge._key!),
      await t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: UNKNOWN, name: 'blocks' } } }),
      await addEdge(UNKNOWN, 'blocks', { _from: v.job, _to: v.job2 }),
      await t.client.DELETE('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: UNKNOWN, name: 'blocks' } } }),
    ];

    for (const r of replies) {
      expect(r.response.status).toBe(404);
      expect(r.error).toMatchObject({ pipeloomCode: 'DOCUMENT_NOT_FOUND' });
    }
    expect(await unwrap(getEdge(w, 'blocks', edge._key!))).toEqual(edge);
  });

  it('When one edge is deleted, then it is returned as it was, it is gone, and the documents it linked stay', async () => {
    const w = await newWorkflow();
    const v = await vertices(w);
    const doomed = await unwrap(addEdge(w, 'blocks', { _from: v.job, _to: v.job2 }));
    const kept = await unwrap(addEdge(w, 'blocks', { _from: v.job2, _to: v.job }));

    const deleted = await unwrap(deleteEdge(w, 'blocks', doomed._key!));

    expect(deleted).toEqual(doomed);
    expect((await getEdge(w, 'blocks', doomed._key!)).response.status).toBe(404);
    expect((await listEdges(w, 'blocks')).items).toEqual([kept]);
    const jobs = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: w } } }));
    expect(jobs.items!.map((j) => j._id)).toEqual([v.job, v.job2]);
  });

  it('When all edges of one name are deleted, then it answers {message} and only that name in that workflow is emptied', async () => {
    const w = await newWorkflow();
    const other = await newWorkflow();
    const v = await vertices(w);
    const ov = await vertices(other);
    await unwrap(addEdge(w, 'needs', { _from: v.job, _to: v.file }));
    await unwrap(addEdge(w, 'needs', { _from: v.job2, _to: v.file }));
    const produces = await unwrap(addEdge(w, 'produces', { _from: v.job, _to: v.file }));
    const otherNeeds = await unwrap(addEdge(other, 'needs', { _from: ov.job, _to: ov.file }));

    const reply = await unwrap(t.client.DELETE('/torc-service/workflows/{workflow}/edges/{name}', edgePath(w, 'needs')));

    expect(reply).toEqual({ message: expect.any(String) });
    expect(await total(w, 'needs')).toBe(0);
    expect((await listEdges(w, 'produces')).items).toEqual([produces]);
    expect((await listEdges(other, 'needs')).items).toEqual([otherNeeds]);
    const file = await t.client.GET('/torc-service/workflows/{workflow}/files/{key}', { params: { path: { workflow: w, key: v.file.split('/')[1]! } } });
    expect(file.response.status).toBe(200);
  });

  it('When a vertex is deleted, then edges created through the edge endpoints that touch it go too', async () => {
    const w = await newWorkflow();
    const v = await vertices(w);
    await unwrap(addEdge(w, 'node_used', { _from: v.node, _to: v.nodeStats }));
    await unwrap(addEdge(w, 'executed', { _from: v.node, _to: v.job }));
    const returned = await unwrap(addEdge(w, 'returned', { _from: v.job, _to: v.result }));

    await unwrap(t.client.DELETE('/torc-service/workflows/{workflow}/compute_nodes/{key}', { params: { path: { workflow: w, key: v.node.split('/')[1]! } } }));

    expect(await total(w, 'node_used')).toBe(0);
    expect(await total(w, 'executed')).toBe(0);
    expect((await listEdges(w, 'returned')).items).toEqual([returned]);
  });
});
