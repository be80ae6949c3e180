// Torc's generic per-workflow collections end to end through the SDK (semantics.md §1, §6, §7, §8): identity
// and defaults on POST, paging, exact-match filters and whole-collection sorting on list, optimistic
// concurrency on PUT, deletes, and the 4xx answers that must leave the database untouched. One table drives
// the rules every collection shares; the collections with rules of their own get tests of their own below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@pipeloom/sdk';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

type Doc = Record<string, unknown>;
type Reply = { data?: Doc & { items?: Doc[] }; error?: Doc; response: Response };
type Init = { params?: { path?: Record<string, string>; query?: Record<string, unknown> }; body?: unknown };
/** The collection is chosen at run time here, so calls go through the client without its per-path typing. */
type LooseClient = Record<'GET' | 'POST' | 'PUT' | 'DELETE', (path: string, init?: Init) => Promise<Reply>>;

const UNKNOWN = '987654321';
const T0 = '2026-11-22T14:00:00.000Z';

interface Case {
  /** Collection name: the URL segment and the `_id` prefix. */
  name: string;
  /** The smallest valid body (required fields only). */
  minimal: Doc;
  /** What the server (through the contract's defaults) adds to `minimal`. */
  defaults: Doc;
  /** A full body; every documented filter and `sortBy` differ between i = 0, 1, 2 and grow with i. */
  make: (i: number) => Doc;
  /** The exact-match filters documented for the list operation, besides `_key`. */
  filters: string[];
  sortBy: string;
  /** A change for PUT. */
  change: Doc;
  /** Bodies the contract rejects (400), each labelled. */
  badBodies: Record<string, Doc>;
  /** List queries the contract rejects (400), besides an unknown sort_by and bad paging. */
  badFilters: Record<string, unknown>[];
}

const CASES: Case[] = [
  {
    name: 'files',
    minimal: { path: 'in.txt' },
    defaults: {},
    make: (i) => ({ name: `f${i}`, path: `/data/f${i}.json`, st_mtime: 1763820000.5 + i }),
    filters: ['name', 'path'],
    sortBy: 'st_mtime',
    change: { path: '/data/moved.json', st_mtime: 1763829999.25 },
    badBodies: { unknown: { path: 'x', colour: 'blue' }, wrongType: { path: 42 }, missing: { name: 'no path' } },
    badFilters: [],
  },
  {
    name: 'user_data',
    minimal: {},
    defaults: { is_ephemeral: false },
    make: (i) => ({ name: `u${i}`, is_ephemeral: i === 1, data: { i, nested: { list: [i, 'x'] } } }),
    filters: ['name', 'is_ephemeral'],
    sortBy: 'name',
    change: { data: { threshold: 0.5 } },
    badBodies: { unknown: { name: 'x', colour: 'blue' }, wrongType: { is_ephemeral: 'yes' }, notAnObject: { data: [1, 2] } },
    badFilters: [{ is_ephemeral: 'maybe' }],
  },
  {
    name: 'resource_requirements',
    minimal: {},
    defaults: { num_cpus: 1, num_gpus: 0, num_nodes: 1, memory: '1m', runtime: 'P0DT1M' },
    make: (i) => ({ name: `rr${i}`, num_cpus: 2 + i, num_gpus: i, num_nodes: 1 + i, memory: `${i + 1}g`, runtime: `P0DT${i + 1}H` }),
    filters: ['name', 'memory', 'num_cpus', 'num_gpus', 'num_nodes', 'runtime'],
    sortBy: 'num_cpus',
    change: { num_cpus: 64, memory: '512g' },
    badBodies: {
      unknown: { colour: 'blue' }, wrongType: { num_cpus: 'many' }, badMemory: { memory: 'lots' },
      badRuntime: { runtime: 'P1Y' }, negative: { num_gpus: -1 },
    },
    badFilters: [{ num_cpus: 'x' }, { num_nodes: 1.5 }],
  },
  {
    name: 'results',
    minimal: { job_key: '1', run_id: 1, return_code: 0, exec_time_minutes: 1.5, completion_time: T0, status: 'done' },
    defaults: {},
    make: (i) => ({
      job_key: `${10 + i}`, run_id: 1 + i, return_code: i, exec_time_minutes: 0.5 + i, completion_time: T0,
      status: ['done', 'canceled', 'terminated'][i],
    }),
    filters: ['job_key', 'run_id', 'return_code', 'status'],
    sortBy: 'exec_time_minutes',
    change: { return_code: 3 },
    badBodies: {
      unknown: { job_key: '1', run_id: 1, return_code: 0, exec_time_minutes: 1, completion_time: T0, status: 'done', colour: 'x' },
      wrongType: { job_key: '1', run_id: 'one', return_code: 0, exec_time_minutes: 1, completion_time: T0, status: 'done' },
      missing: { job_key: '1' },
    },
    badFilters: [{ run_id: 'x' }, { return_code: 'zero' }],
  },
  {
    name: 'events',
    minimal: {},
    defaults: {},
    make: (i) => ({ category: `c${i}`, type: `t${i}`, message: `m${i}` }),
    filters: ['category'],
    sortBy: 'category',
    change: { message: 'changed' },
    // Events are free-form: unknown fields are kept, not rejected (see the events tests below).
    badBodies: { wrongType: { category: 5 }, wrongTimestamp: { timestamp: 'now' } },
    badFilters: [],
  },
  {
    name: 'compute_nodes',
    minimal: { hostname: 'node', pid: 1, start_time: T0, resources: { num_cpus: 4, memory_gb: 8 } },
    defaults: { resources: { num_cpus: 4, memory_gb: 8, num_gpus: 0, num_nodes: 1, scheduler_config_id: '' } },
    make: (i) => ({
      hostname: `node${i}`, pid: 100 + i, start_time: T0, duration_seconds: 10 * i, is_active: i === 1,
      resources: { num_cpus: 36, memory_gb: 92, num_gpus: i, num_nodes: 1, time_limit: 'P0DT4H', scheduler_config_id: '' },
      scheduler: { hpc_type: 'local', i },
    }),
    filters: ['hostname', 'is_active'],
    sortBy: 'pid',
    change: { is_active: false, duration_seconds: 99.5 },
    badBodies: {
      unknown: { hostname: 'h', pid: 1, start_time: T0, resources: { num_cpus: 1, memory_gb: 1 }, colour: 'x' },
      unknownNested: { hostname: 'h', pid: 1, start_time: T0, resources: { num_cpus: 1, memory_gb: 1, colour: 'x' } },
      wrongType: { hostname: 'h', pid: 'one', start_time: T0, resources: { num_cpus: 1, memory_gb: 1 } },
      missing: { hostname: 'h', pid: 1, start_time: T0 },
    },
    badFilters: [{ is_active: 'maybe' }],
  },
  {
    name: 'compute_node_stats',
    minimal: { hostname: 'node', timestamp: T0 },
    defaults: {},
    make: (i) => ({
      hostname: `node${i}`, timestamp: `2026-11-2${i}T00:00:00.000Z`,
      stats: [{ resource_type: 'Cpu', average: { cpu_percent: i }, minimum: { cpu_percent: 0 }, maximum: { cpu_percent: 99 }, num_samples: 3 }],
    }),
    filters: ['hostname'],
    sortBy: 'timestamp',
    change: { hostname: 'renamed' },
    badBodies: {
      unknown: { hostname: 'h', timestamp: T0, colour: 'x' }, wrongType: { hostname: 1, timestamp: T0 },
      missing: { hostname: 'h' }, badStats: { hostname: 'h', timestamp: T0, stats: [{ resource_type: 'Cpu' }] },
    },
    badFilters: [],
  },
  {
    name: 'job_process_stats',
    minimal: { job_key: '1', run_id: 1, avg_cpu_percent: 50, max_cpu_percent: 90, avg_rss: 1024, max_rss: 2048, num_samples: 3, timestamp: T0 },
    defaults: {},
    make: (i) => ({
      job_key: `${20 + i}`, run_id: 1 + i, avg_cpu_percent: 10.5 * i, max_cpu_percent: 20 * i, avg_rss: 1e6 * i, max_rss: 2e6 * (i + 1),
      num_samples: i, timestamp: T0,
    }),
    filters: ['job_key', 'run_id'],
    sortBy: 'max_rss',
    change: { num_samples: 42 },
    badBodies: {
      unknown: { job_key: '1', run_id: 1, avg_cpu_percent: 1, max_cpu_percent: 1, avg_rss: 1, max_rss: 1, num_samples: 1, timestamp: T0, colour: 'x' },
      wrongType: { job_key: '1', run_id: 1, avg_cpu_percent: 'high', max_cpu_percent: 1, avg_rss: 1, max_rss: 1, num_samples: 1, timestamp: T0 },
      missing: { job_key: '1', run_id: 1 },
    },
    badFilters: [{ run_id: 'x' }],
  },
  {
    name: 'aws_schedulers',
    minimal: {},
    defaults: {},
    make: (i) => ({ name: `aws${i}` }),
    filters: ['name'],
    sortBy: 'name',
    change: { name: 'renamed' },
    badBodies: { unknown: { colour: 'x' }, wrongType: { name: 3 } },
    badFilters: [],
  },
  {
    name: 'local_schedulers',
    minimal: {},
    defaults: { name: 'default' },
    make: (i) => ({ name: `local${i}`, memory: `${i + 1}g`, num_cpus: 1 + i }),
    filters: ['memory', 'num_cpus'],
    sortBy: 'num_cpus',
    change: { num_cpus: 128 },
    badBodies: { unknown: { colour: 'x' }, wrongType: { num_cpus: 'all' } },
    badFilters: [{ num_cpus: 'x' }],
  },
  {
    name: 'slurm_schedulers',
    minimal: { account: 'acct', nodes: 1 },
    defaults: { qos: 'normal' },
    make: (i) => ({
      name: `slurm${i}`, account: `acct${i}`, nodes: 1 + i, walltime: `0${i}:00:00`, partition: `p${i}`, qos: `q${i}`,
      gres: `gpu:${i}`, mem: `${i}G`, tmp: `${i}T`, ntasks_per_node: 1 + i, extra: `--x${i}`,
    }),
    filters: ['name', 'account', 'gres', 'mem', 'nodes', 'partition', 'qos', 'tmp', 'walltime'],
    sortBy: 'nodes',
    change: { walltime: '24:00:00', extra: '--exclusive' },
    badBodies: { unknown: { account: 'a', nodes: 1, colour: 'x' }, wrongType: { account: 'a', nodes: 'one' }, missing: { account: 'a' } },
    badFilters: [{ nodes: 'x' }],
  },
  {
    name: 'scheduled_compute_nodes',
    minimal: { scheduler_config_id: 'slurm_schedulers__1/1', status: 'pending' },
    defaults: {},
    make: (i) => ({ scheduler_id: `${1000 + i}`, scheduler_config_id: `slurm_schedulers__1/${i}`, status: ['uninitialized', 'pending', 'active'][i] }),
    filters: ['scheduler_id', 'scheduler_config_id', 'status'],
    sortBy: 'scheduler_id',
    change: { status: 'complete' },
    badBodies: {
      unknown: { scheduler_config_id: 'x', status: 'pending', colour: 'x' }, wrongEnum: { scheduler_config_id: 'x', status: 'bogus' },
      missing: { status: 'pending' },
    },
    badFilters: [{ status: 'bogus' }],
  },
];

describe.each(PROVIDERS)('Torc collections on %s', (provider) => {
  let t: TestServer;
  let api: LooseClient;
  beforeAll(async () => {
    t = await startTestServer(provider);
    api = t.client as unknown as LooseClient;
  });
  afterAll(async () => { await t?.close(); });

  const newWorkflow = async () => (await unwrap(t.client.POST('/torc-service/workflows', { body: { user: 'tester' } })))._key!;

  describe.each(CASES)('$name', (c) => {
    const base = `/torc-service/workflows/{workflow}/${c.name}`;
    const one = `${base}/{key}`;
    const list = (workflow: string, query: Record<string, unknown> = {}) => api.GET(base, { params: { path: { workflow }, query } });
    const add = (workflow: string, body: Doc) => api.POST(base, { params: { path: { workflow } }, body });
    const get = (workflow: string, key: string) => api.GET(one, { params: { path: { workflow, key } } });
    const put = (workflow: string, key: string, body: Doc) => api.PUT(one, { params: { path: { workflow, key } }, body });
    const del = (workflow: string, key: string) => api.DELETE(one, { params: { path: { workflow, key } } });
    const ok = async (p: Promise<Reply>) => {
      const r = await p;
      expect(r.error, JSON.stringify(r.error)).toBeUndefined();
      expect(r.response.status).toBe(200);
      return r.data!;
    };
    const addAll = async (workflow: string, order: number[]) => {
      const docs: Doc[] = [];
      for (const i of order) docs[i] = await ok(add(workflow, c.make(i)));
      return docs;
    };
    const keysOf = (page: { items?: Doc[] }) => page.items!.map((d) => d._key);
    const withoutIdentity = ({ _key, _id, _rev, _oldRev, ...rest }: Doc) => rest;

    it('When a document is created, then it gets a string _key, a per-workflow _id, a _rev and the documented defaults', async () => {
      const w = await newWorkflow();

      const doc = await ok(add(w, c.minimal));

      expect(doc._key).toMatch(/^\d+$/);
      expect(doc._id).toBe(`${c.name}__${w}/${doc._key}`);
      expect(doc._rev).toMatch(/^\S+$/);
      expect(doc).toMatchObject({ ...c.minimal, ...c.defaults });
      expect(await ok(get(w, doc._key as string))).toEqual(doc);
    });

    it('When a full document is created, then every field it was sent comes back on GET and in the list', async () => {
      const w = await newWorkflow();

      const doc = await ok(add(w, c.make(2)));

      expect(withoutIdentity(doc)).toMatchObject(c.make(2));
      expect(await ok(get(w, doc._key as string))).toEqual(doc);
      expect((await ok(list(w))).items).toEqual([doc]);
    });

    it('When listing, then skip and limit page in Torc\'s list shape and a limit above 100,000 is capped', async () => {
      const w = await newWorkflow();
      const docs = [];
      for (let i = 0; i < 5; i++) docs.push(await ok(add(w, c.minimal)));
      const keys = docs.map((d) => d._key);

      const first = await ok(list(w, { limit: 2 }));
      const last = await ok(list(w, { skip: 4, limit: 2 }));
      const beyond = await ok(list(w, { skip: 10 }));
      const huge = await ok(list(w, { limit: 5_000_000 }));

      expect(first).toMatchObject({ skip: 0, max_limit: 100000, count: 2, total_count: 5, has_more: true });
      expect(keysOf(first)).toEqual(keys.slice(0, 2));
      expect(last).toMatchObject({ skip: 4, max_limit: 100000, count: 1, total_count: 5, has_more: false });
      expect(keysOf(last)).toEqual(keys.slice(4));
      expect(beyond).toMatchObject({ skip: 10, count: 0, total_count: 5, has_more: false, items: [] });
      expect(huge).toMatchObject({ skip: 0, max_limit: 100000, count: 5, total_count: 5, has_more: false });
      expect(keysOf(huge)).toEqual(keys);
    });

    it(`When the list is filtered by ${['_key', ...c.filters].join(', ')}, then only exact matches are returned`, async () => {
      const w = await newWorkflow();
      const docs = await addAll(w, [0, 1, 2]);
      const target = docs[1]!;

      for (const filter of ['_key', ...c.filters]) {
        const exact = await ok(list(w, { [filter]: target[filter] }));
        expect(keysOf(exact), filter).toEqual([target._key]);
        expect(exact, filter).toMatchObject({ count: 1, total_count: 1, has_more: false });
      }
      const all = await ok(list(w, Object.fromEntries(c.filters.map((f) => [f, target[f]]))));
      expect(keysOf(all)).toEqual([target._key]);
    });

    it('When filters match nothing, then the page is empty', async () => {
      const w = await newWorkflow();
      const [d0, d1] = await addAll(w, [0, 1]);

      const queries = [
        { _key: UNKNOWN }, { _key: 'not-a-key' }, { _key: '99999999999' },
        // Filters are ANDed.
        ...c.filters.map((f) => ({ [f]: d1![f], _key: d0!._key })),
      ];
      for (const query of queries) {
        expect(await ok(list(w, query)), JSON.stringify(query)).toMatchObject({ count: 0, total_count: 0, has_more: false, items: [] });
      }
    });

    it(`When sort_by is ${c.sortBy}, then the whole collection is ordered by it before paging, and reverse_sort reverses it`, async () => {
      const w = await newWorkflow();
      // Stored in the order 1, 2, 0 so that storage order differs from the sorted order.
      const docs = await addAll(w, [1, 2, 0]);
      const [k0, k1, k2] = docs.map((d) => d._key);

      const asc = await ok(list(w, { sort_by: c.sortBy, limit: 2 }));
      const desc = await ok(list(w, { sort_by: c.sortBy, reverse_sort: true, limit: 2 }));
      const descTail = await ok(list(w, { sort_by: c.sortBy, reverse_sort: true, skip: 2 }));
      const byKeyDesc = await ok(list(w, { sort_by: '_key', reverse_sort: true }));

      expect(keysOf(asc)).toEqual([k0, k1]);
      expect(asc).toMatchObject({ total_count: 3, has_more: true });
      expect(keysOf(desc)).toEqual([k2, k1]);
      expect(keysOf(descTail)).toEqual([k0]);
      expect(keysOf(byKeyDesc)).toEqual([k0, k2, k1]);
    });

    it('When a document is updated with its _key and current _rev, then the change sticks, _rev moves on and _oldRev is returned', async () => {
      const w = await newWorkflow();
      const doc = await ok(add(w, c.make(0)));

      const updated = await ok(put(w, doc._key as string, { ...doc, ...c.change }));

      expect(updated).toMatchObject({ ...c.change, _key: doc._key, _id: doc._id, _oldRev: doc._rev });
      expect(updated._rev).not.toBe(doc._rev);
      const { _oldRev, ...stored } = updated;
      expect(await ok(get(w, doc._key as string))).toEqual(stored);
    });

    it('When a PUT carries a stale _rev, then it answers 409 REVISION_CONFLICT and changes nothing', async () => {
      const w = await newWorkflow();
      const doc = await ok(add(w, c.make(0)));
      const { _oldRev, ...current } = await ok(put(w, doc._key as string, { ...doc, ...c.change }));

      const stale = await put(w, doc._key as string, { ...doc, ...c.make(2) });
      const neverIssued = await put(w, doc._key as string, { ...doc, _rev: 'abc' });

      for (const r of [stale, neverIssued]) {
        expect(r.response.status).toBe(409);
        expect(r.error).toMatchObject({ error: true, code: 409, errorNum: 409, pipeloomCode: 'REVISION_CONFLICT' });
      }
      expect(await ok(get(w, doc._key as string))).toEqual(current);
    });

    it('When a PUT has no _rev, no _key or another _key, then it answers 400 REVISION_REQUIRED and changes nothing', async () => {
      const w = await newWorkflow();
      const doc = await ok(add(w, c.make(0)));
      const key = doc._key as string;
      const { _rev, ...noRev } = { ...doc, ...c.change };
      const { _key, ...noKey } = { ...doc, ...c.change };

      const replies = [
        await put(w, key, noRev),
        await put(w, key, noKey),
        await put(w, key, { ...doc, ...c.change, _key: UNKNOWN }),
      ];

      for (const r of replies) {
        expect(r.response.status).toBe(400);
        expect(r.error).toMatchObject({ error: true, code: 400, pipeloomCode: 'REVISION_REQUIRED' });
      }
      expect(await ok(get(w, key))).toEqual(doc);
    });

    it('When a PUT body breaks the contract, then it answers 400 VALIDATION_FAILED and changes nothing', async () => {
      const w = await newWorkflow();
      const doc = await ok(add(w, c.make(0)));

      for (const [label, bad] of Object.entries(c.badBodies)) {
        const r = await put(w, doc._key as string, { ...bad, _key: doc._key, _rev: doc._rev });
        expect(r.response.status, label).toBe(400);
        expect(r.error, label).toMatchObject({ pipeloomCode: 'VALIDATION_FAILED' });
      }
      expect(await ok(get(w, doc._key as string))).toEqual(doc);
    });

    it('When a key or the workflow does not exist, then GET, PUT and DELETE answer 404 DOCUMENT_NOT_FOUND', async () => {
      const w = await newWorkflow();
      const doc = await ok(add(w, c.minimal));
      const otherWorkflow = await newWorkflow();

      const replies = [
        await get(w, UNKNOWN), await put(w, UNKNOWN, { ...c.minimal, _key: UNKNOWN, _rev: '1' }), await del(w, UNKNOWN),
        // Keys the server could never have issued, beyond a 32-bit column included.
        await get(w, 'not-a-key'), await get(w, '99999999999'), await del(w, '99999999999'), await get('99999999999', doc._key as string),
        // A document is only reachable through its own workflow.
        await get(otherWorkflow, doc._key as string), await del(otherWorkflow, doc._key as string),
        await put(otherWorkflow, doc._key as string, { ...doc }),
        await get(UNKNOWN, doc._key as string), await del(UNKNOWN, doc._key as string),
        await list(UNKNOWN), await add(UNKNOWN, c.minimal), await api.DELETE(base, { params: { path: { workflow: UNKNOWN } } }),
      ];

      for (const r of replies) {
        expect(r.response.status).toBe(404);
        expect(r.error).toMatchObject({ error: true, code: 404, errorNum: 404, pipeloomCode: 'DOCUMENT_NOT_FOUND' });
      }
      expect(await ok(get(w, doc._key as string))).toEqual(doc);
    });

    it('When a POST body breaks the contract, then it answers 400 VALIDATION_FAILED and stores nothing', async () => {
      const w = await newWorkflow();

      for (const [label, bad] of Object.entries(c.badBodies)) {
        const r = await add(w, bad);
        expect(r.response.status, label).toBe(400);
        expect(r.error, label).toMatchObject({ error: true, code: 400, errorNum: 400, pipeloomCode: 'VALIDATION_FAILED' });
      }
      expect((await ok(list(w))).total_count).toBe(0);
    });

    it('When a POST carries _key, _id or _rev, then it answers 400 and stores nothing: keys are the server\'s', async () => {
      const w = await newWorkflow();

      const replies = [
        await add(w, { ...c.minimal, _key: '5' }),
        await add(w, { ...c.minimal, _id: `${c.name}__${w}/5` }),
        await add(w, { ...c.minimal, _rev: '1' }),
      ];

      for (const r of replies) {
        expect(r.response.status).toBe(400);
        expect(r.error).toMatchObject({ pipeloomCode: 'INVALID_ARGUMENT' });
      }
      expect((await ok(list(w))).total_count).toBe(0);
    });

    it('When a list query has a wrong type, an unknown sort_by, an unknown filter or bad paging, then it answers 400', async () => {
      const w = await newWorkflow();

      const queries = [
        ...c.badFilters, { sort_by: 'colour' }, { sort_by: '_id' }, { colour: 'blue' }, { limit: 0 }, { skip: -1 },
        { skip: 'x' }, { reverse_sort: 'maybe' },
      ];
      for (const query of queries) {
        const r = await list(w, query);
        expect(r.response.status, JSON.stringify(query)).toBe(400);
        expect(r.error, JSON.stringify(query)).toMatchObject({ error: true, code: 400, pipeloomCode: 'VALIDATION_FAILED' });
      }
    });

    it('When one document is deleted, then the document as it was is returned and only it is gone', async () => {
      const w = await newWorkflow();
      const [d0, d1] = await addAll(w, [0, 1]);

      const deleted = await ok(del(w, d0!._key as string));

      expect(deleted).toEqual(d0);
      expect((await get(w, d0!._key as string)).response.status).toBe(404);
      expect((await del(w, d0!._key as string)).response.status).toBe(404);
      expect((await ok(list(w))).items).toEqual([d1]);
    });

    it('When the whole collection is deleted, then it answers {message}, is empty, and other workflows keep theirs', async () => {
      const w = await newWorkflow();
      const other = await newWorkflow();
      await addAll(w, [0, 1, 2]);
      const kept = await ok(add(other, c.make(0)));

      const reply = await ok(api.DELETE(base, { params: { path: { workflow: w } } }));

      expect(reply).toEqual({ message: expect.any(String) });
      expect(await ok(list(w))).toMatchObject({ count: 0, total_count: 0, items: [] });
      expect((await ok(list(other))).items).toEqual([kept]);
    });
  });

  // ---- rules of particular collections ----

  describe('events', () => {
    const path = '/torc-service/workflows/{workflow}/events' as const;
    const onePath = '/torc-service/workflows/{workflow}/events/{key}' as const;

    it('When an event is created, then the server sets timestamp in ms and overwrites any value sent', async () => {
      const workflow = await newWorkflow();
      const before = Date.now();

      const event = await unwrap(t.client.POST(path, { params: { path: { workflow } }, body: { category: 'job', timestamp: 5 } }));

      const after = Date.now();
      expect(Number.isInteger(event.timestamp)).toBe(true);
      expect(event.timestamp).toBeGreaterThanOrEqual(before);
      expect(event.timestamp).toBeLessThanOrEqual(after);
    });

    it('When an event has fields of its own, then they are kept and returned by POST, GET and list', async () => {
      const workflow = await newWorkflow();
      const body = { category: 'job', type: 'start', job_key: '95', job_name: 'preprocess', node_name: 'node01', run: { id: 1, tags: ['a'] }, count: 3, ok: true };

      const event = await unwrap(t.client.POST(path, { params: { path: { workflow } }, body }));

      expect(event).toMatchObject(body);
      const stored = await unwrap(t.client.GET(onePath, { params: { path: { workflow, key: event._key! } } }));
      expect(stored).toEqual(event);
      const page = await unwrap(t.client.GET(path, { params: { path: { workflow }, query: { category: 'job' } } }));
      expect(page.items).toEqual([event]);
    });

    it('When an event is updated, then the fields sent change, the fields left out stay, and timestamp keeps its first value', async () => {
      const workflow = await newWorkflow();
      const event = await unwrap(t.client.POST(path, { params: { path: { workflow } }, body: { category: 'job', message: 'm', job_key: '1', extra: { a: 1 } } }));

      const updated = await unwrap(t.client.PUT(onePath, {
        params: { path: { workflow, key: event._key! } },
        body: { _key: event._key, _rev: event._rev, message: 'changed', node_name: 'n2', timestamp: 7 },
      }));

      const expected = { ...event, message: 'changed', node_name: 'n2', _rev: updated._rev };
      expect(updated).toEqual({ ...expected, _oldRev: event._rev });
      expect(await unwrap(t.client.GET(onePath, { params: { path: { workflow, key: event._key! } } }))).toEqual(expected);
    });

    it('When events are sorted by timestamp, then they come in the order they were stored', async () => {
      const workflow = await newWorkflow();
      const keys: string[] = [];
      for (let i = 0; i < 3; i++) {
        keys.push((await unwrap(t.client.POST(path, { params: { path: { workflow } }, body: { message: `${i}` } })))._key!);
        await new Promise((r) => setTimeout(r, 3));
      }

      const desc = await unwrap(t.client.GET(path, { params: { path: { workflow }, query: { sort_by: 'timestamp', reverse_sort: true } } }));

      expect(desc.items!.map((e) => e._key)).toEqual([...keys].reverse());
    });
  });

  describe('fields with rules of their own', () => {
    it('When a PUT leaves out fields that have defaults, then the defaults are written, as upstream does', async () => {
      const workflow = await newWorkflow();
      const path = { workflow };
      const rr = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/resource_requirements', { params: { path }, body: { name: 'big', num_cpus: 36, memory: '92g' } }));

      const updated = await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/resource_requirements/{key}', {
        params: { path: { workflow, key: rr._key! } },
        body: { _key: rr._key, _rev: rr._rev, name: 'renamed' },
      }));

      expect(updated).toMatchObject({ name: 'renamed', num_cpus: 1, memory: '1m', runtime: 'P0DT1M' });
    });

    it('When a PUT sends a nested object, then it replaces the stored one whole', async () => {
      const workflow = await newWorkflow();
      const created = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/user_data', { params: { path: { workflow } }, body: { name: 'v', data: { a: 1, b: { c: 2 } } } }));

      const updated = await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/user_data/{key}', {
        params: { path: { workflow, key: created._key! } },
        body: { _key: created._key, _rev: created._rev, data: { b: { d: 3 } } },
      }));

      expect(updated.data).toEqual({ b: { d: 3 } });
      expect(updated.name).toBe('v');
    });

    it('When a file is reported gone with st_mtime null, then its st_mtime is cleared', async () => {
      const workflow = await newWorkflow();
      const file = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/files', { params: { path: { workflow } }, body: { path: 'out.txt', st_mtime: 1763820000 } }));

      const updated = await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/files/{key}', {
        params: { path: { workflow, key: file._key! } },
        body: { _key: file._key, _rev: file._rev, path: 'out.txt', st_mtime: null },
      }));

      expect(updated.st_mtime ?? null).toBeNull();
      const stored = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/files/{key}', { params: { path: { workflow, key: file._key! } } }));
      expect(stored.st_mtime ?? null).toBeNull();
    });

    it('When an integer is too large for its column, then writing it answers 400 rather than a server error, and filtering by it matches nothing', async () => {
      const workflow = await newWorkflow();
      const path = { workflow };
      const rr = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/resource_requirements', { params: { path }, body: { num_cpus: 2 } }));

      const post = await t.client.POST('/torc-service/workflows/{workflow}/compute_nodes', {
        params: { path }, body: { hostname: 'h', pid: 2 ** 40, start_time: T0, resources: { num_cpus: 1, memory_gb: 1 } },
      });
      const put = await t.client.PUT('/torc-service/workflows/{workflow}/resource_requirements/{key}', {
        params: { path: { workflow, key: rr._key! } }, body: { _key: rr._key, _rev: rr._rev, num_cpus: 2 ** 31 },
      });
      const filtered = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/resource_requirements', { params: { path, query: { num_cpus: 2 ** 40 } } }));

      for (const r of [post, put]) {
        expect(r.response.status).toBe(400);
        expect(r.error).toMatchObject({ pipeloomCode: 'INVALID_ARGUMENT' });
      }
      expect((await unwrap(t.client.GET('/torc-service/workflows/{workflow}/compute_nodes', { params: { path } }))).total_count).toBe(0);
      expect(await unwrap(t.client.GET('/torc-service/workflows/{workflow}/resource_requirements/{key}', { params: { path: { workflow, key: rr._key! } } }))).toEqual(rr);
      expect(filtered).toMatchObject({ count: 0, total_count: 0, items: [] });
    });

    it('When sorting by a field some documents lack, then those documents come first (ascending) on every database', async () => {
      const workflow = await newWorkflow();
      const path = { workflow };
      const a = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/files', { params: { path }, body: { name: 'a', path: 'a', st_mtime: 2 } }));
      const b = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/files', { params: { path }, body: { name: 'b', path: 'b' } }));
      const c = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/files', { params: { path }, body: { name: 'c', path: 'c', st_mtime: 1 } }));

      const asc = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/files', { params: { path, query: { sort_by: 'st_mtime' } } }));
      const desc = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/files', { params: { path, query: { sort_by: 'st_mtime', reverse_sort: true } } }));

      expect(asc.items!.map((f) => f.name)).toEqual([b.name, c.name, a.name]);
      expect(desc.items!.map((f) => f.name)).toEqual([a.name, c.name, b.name]);
    });

    it.each(['files', 'events'] as const)('When two PUTs of %s carry the same _rev at once, then exactly one wins and the other answers 409', async (collection) => {
      const workflow = await newWorkflow();
      const base = `/torc-service/workflows/{workflow}/${collection}`;
      // Events take the transactional path (free-form fields are merged), files the plain one.
      const body = (name: string) => (collection === 'files' ? { path: name } : { message: name, tag: name });
      const doc = (await api.POST(base, { params: { path: { workflow } }, body: body('original') })).data!;
      const put = (name: string) => api.PUT(`${base}/{key}`, {
        params: { path: { workflow, key: doc._key as string } },
        body: { _key: doc._key, _rev: doc._rev, ...body(name) },
      });

      const replies = await Promise.all([put('first'), put('second'), put('third')]);

      const statuses = replies.map((r) => r.response.status).sort();
      expect(statuses).toEqual([200, 409, 409]);
      const winner = replies.find((r) => r.response.ok)!.data!;
      const stored = (await api.GET(`${base}/{key}`, { params: { path: { workflow, key: doc._key as string } } })).data!;
      expect(stored._rev).toBe(winner._rev);
    });

    it('When a workflow is deleted, then its collections are gone with it', async () => {
      const workflow = await newWorkflow();
      await unwrap(t.client.POST('/torc-service/workflows/{workflow}/files', { params: { path: { workflow } }, body: { path: 'x' } }));

      await unwrap(t.client.DELETE('/torc-service/workflows/{key}', { params: { path: { key: workflow } } }));

      const r = await t.client.GET('/torc-service/workflows/{workflow}/files', { params: { path: { workflow } } });
      expect(r.response.status).toBe(404);
    });
  });
});
