// PLynx and Dioptra read paths at 10,000 rows: GET one graph, search 10,000 graphs, list 10,000 Dioptra jobs.
// The rows are made through the API (16 requests in flight), then each read is timed as the median of 5.
// Then the plans: a server in this process, its tables filled to the same size straight through its
// database, runs every read path once while its statements are recorded; each read that scans a table of
// 10,000 rows or more without an index is printed (bench/query-plans.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { createPipeloomClient, unwrap } from '@pipeloom/sdk';
import type { components } from '@pipeloom/sdk/generated';
import type { Database } from '../packages/server/src/db/client.ts';
import { startServer } from '../packages/server/src/index.ts';
import { parseGraph, parseNode } from '../packages/server/src/plynx/model/documents.ts';
import { newObjectId } from '../packages/server/src/plynx/model/object-id.ts';
import { userObjectId } from '../packages/server/src/plynx/model/users.ts';
import { fmt, freshDatabase } from './lib.ts';
import { formatPlanReport, recordStatements, unindexedScans, type PlanOptions, type PlanReport } from './query-plans.ts';

type Node = components['schemas']['PlynxNode'];

/** Runs `count` calls of `fn`, `inFlight` at a time. */
async function inParallel(count: number, inFlight: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < count) await fn(next++);
  }));
}

const line = (label: string, ms: number) => console.log(`  ${`${label}:`.padEnd(44)} ${fmt(ms, 1)} ms`);

async function medianMs(fn: () => Promise<unknown>, runs = 5): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

/** A graph of `size` bash nodes in a chain, as the PLynx editor saves it. */
function chainGraph(title: string, size: number) {
  const ids = Array.from({ length: size }, () => newObjectId());
  const nodes: Node[] = ids.map((id, i): Node => ({
    _id: id, title: `step ${i}`, description: '', base_node_name: 'bash_jinja2', node_status: 'READY', node_running_status: 'CREATED',
    parent_node: null, inputs: i === 0 ? [] : [{ name: 'in', file_types: ['file'], values: [{ node_id: ids[i - 1]!, output_id: 'out', resource_id: null }], min_count: 1, max_count: 1 }],
    outputs: [{ name: 'out', file_type: 'file', resource_id: null }],
    parameters: [{ name: 'cmd', parameter_type: 'code', value: { value: 'cp {{ input.in }} {{ output.out }}', mode: 'sh' }, mutable_type: false, removable: false, publicable: false, widget: null }],
  }));
  return { _id: newObjectId(), title, description: `${title} for the read bench`, graph_running_status: 'CREATED', nodes };
}

async function workflowArchive(): Promise<Blob> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-bench-dioptra-'));
  try {
    fs.writeFileSync(path.join(dir, 'MLproject'), 'name: bench\nentry_points:\n  main:\n    command: "true"\n');
    const file = path.join(dir, 'workflows.tar.gz');
    await tar.create({ gzip: true, file, cwd: dir }, ['MLproject']);
    return new Blob([fs.readFileSync(file)]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const form = (fields: Record<string, string | Blob>) => {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === 'string') body.append(k, v);
    else body.append(k, v, 'workflows.tar.gz');
  }
  return body;
};

async function send(baseUrl: string, method: 'GET' | 'POST', route: string, body?: FormData | object): Promise<unknown> {
  const init = body instanceof FormData ? { body } : body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {};
  const res = await fetch(baseUrl + route, { method, ...init });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The searches PLynx clients send: each sort order, each filter, free text, first and last pages. */
export function readPathSearches(rows: number) {
  const graphs: object[] = [
    { per_page: 20, offset: 0 },
    { per_page: 20, offset: Math.max(0, rows - 20) },
    // As timed above: `graph` is in every title, so its count reads every row whatever the index.
    { per_page: 20, search: 'graph 9999' },
    { per_page: 20, search: '9999' },
    { per_page: 20, search: 'author:reader' },
    { per_page: 20, status: ['CREATED', 'READY'] },
    ...['update_date', 'title', 'graph_running_status', '_id'].map((order) => ({ per_page: 20, search: `order:${order} desc:0` })),
  ];
  const nodes: object[] = [
    { per_page: 20, offset: 0 },
    { per_page: 20, offset: Math.max(0, rows - 20) },
    { per_page: 20, search: 'sort:starred' },
    { per_page: 20, search: 'step 4242' },
    { per_page: 20, search: '4242' },
    { per_page: 20, search: 'author:reader' },
    { per_page: 20, status: ['READY'] },
    { per_page: 20, base_node_names: ['bash_jinja2'] },
  ];
  return { graphs, nodes };
}

/** Runs every read path once: GET a graph, each search of graphs and nodes, the Dioptra job list. */
export async function exerciseReadPaths(baseUrl: string, graphId: string, rows: number): Promise<void> {
  await send(baseUrl, 'GET', `/plynx/api/v0/graphs/${graphId}`);
  const searches = readPathSearches(rows);
  for (const body of searches.graphs) await send(baseUrl, 'POST', '/plynx/api/v0/search_graphs', body);
  for (const body of searches.nodes) await send(baseUrl, 'POST', '/plynx/api/v0/search_nodes', body);
  await send(baseUrl, 'GET', '/api/job/');
}

/**
 * Fills the read paths' tables with `rows` graphs, library nodes and Dioptra jobs, straight through the
 * server's database (seconds, where the API takes minutes); answers the id of a graph to GET.
 */
export async function seedReadPaths(baseUrl: string, database: Database, rows: number): Promise<string> {
  const { db } = database;
  const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1000);
  const author = (i: number) => (i % 10 === 0 ? 'reader' : `writer${i % 7}`);
  const batch = 1000;
  for (let start = 0; start < rows; start += batch) {
    const range = Array.from({ length: Math.min(batch, rows - start) }, (_, k) => start + k);
    await db.plynxGraph.createMany({
      data: range.map((i) => {
        const graph = parseGraph({ ...chainGraph(`graph ${i}`, 3), author: userObjectId(author(i)) });
        return { id: graph._id, title: graph.title, description: graph.description, graphRunningStatus: graph.graph_running_status, authorId: graph.author, authorName: author(i), document: JSON.stringify(graph), insertionDate: at(i), updateDate: at(i) };
      }),
    });
    await db.plynxNode.createMany({
      data: range.map((i) => {
        const node = parseNode({ ...chainGraph('', 1).nodes[0], title: `step ${i}`, description: `operation ${i}`, base_node_name: i % 3 ? 'bash_jinja2' : 'python', node_status: i % 4 ? 'READY' : 'CREATED', author: userObjectId(author(i)), starred: i % 50 === 0 });
        return { id: node._id, authorId: node.author, title: node.title, description: node.description, baseNodeName: node.base_node_name, nodeStatus: node.node_status, authorName: author(i), starred: node.starred, document: JSON.stringify(node), insertionDate: at(i), updateDate: at(i) };
      }),
    });
  }
  await send(baseUrl, 'POST', '/api/experiment/', form({ name: 'read-plans' }));
  await send(baseUrl, 'POST', '/api/queue/', form({ name: 'read_plans' }));
  const experiment = await db.dioptraExperiment.findFirstOrThrow({ where: { name: 'read-plans' } });
  const queue = await db.dioptraQueue.findFirstOrThrow({ where: { name: 'read_plans' } });
  for (let start = 0; start < rows; start += batch) {
    await db.dioptraJob.createMany({
      data: Array.from({ length: Math.min(batch, rows - start) }, (_, k) => ({
        jobId: crypto.randomUUID(), experimentId: experiment.id, queueId: queue.id, createdOn: at(start + k), lastModified: at(start + k),
        workflowUri: 'content://seed/workflows.tar.gz', workflowFileName: 'workflows.tar.gz', contentKey: 'seed', entryPoint: 'main', status: 'queued', submittedBy: 'reader',
      })),
    });
  }
  const big = chainGraph('the 100-node graph', 100);
  await send(baseUrl, 'POST', '/plynx/api/v0/graphs', { graph: big, actions: ['SAVE'] });
  return big._id;
}

/** Records the statements of every read path on a database of `rows` rows per table and plans them. */
export async function readPathPlans(baseUrl: string, database: Database, databaseUrl: string, rows: number, options: PlanOptions = {}): Promise<PlanReport> {
  const graphId = await seedReadPaths(baseUrl, database, rows);
  const recording = recordStatements();
  try {
    await exerciseReadPaths(baseUrl, graphId, rows);
  } finally {
    recording.stop();
  }
  return unindexedScans(databaseUrl, recording.statements, options);
}

async function printReadPathPlans(rows: number, databaseServer: string | undefined): Promise<void> {
  // On the bench's --database server when it names one, else on SQLite.
  const database = await freshDatabase(databaseServer, 'plans');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-bench-plans-data-'));
  const server = await startServer({ dataDir, port: 0, host: '127.0.0.1', databaseUrl: database.url, logLevel: 'silent', tokens: [] });
  try {
    const report = await readPathPlans(server.url, server.database, database.url, rows);
    console.log(`Read path plans, ${fmt(rows)} rows per table (scans of tables of 10,000 rows or more without an index)`);
    for (const line of formatPlanReport(report)) console.log(line);
  } finally {
    await server.close();
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchReadPaths(baseUrl: string, options: { rows: number; database?: string }): Promise<void> {
  const client = createPipeloomClient({ baseUrl });
  const n = options.rows;

  // PLynx: n small graphs, plus one of 100 nodes to read back.
  await inParallel(n, 16, (i) => unwrap(client.POST('/plynx/api/v0/graphs', { body: { graph: chainGraph(`graph ${i}`, 3), actions: ['SAVE'] } as never })));
  const big = chainGraph('the 100-node graph', 100);
  await unwrap(client.POST('/plynx/api/v0/graphs', { body: { graph: big, actions: ['SAVE'] } as never }));
  const getGraph = await medianMs(() => unwrap(client.GET('/plynx/api/v0/graphs/{graph_id}', { params: { path: { graph_id: big._id } } })));
  const searchFirst = await medianMs(() => unwrap(client.POST('/plynx/api/v0/search_graphs', { body: { per_page: 20, offset: 0 } as never })));
  const searchText = await medianMs(() => unwrap(client.POST('/plynx/api/v0/search_graphs', { body: { per_page: 20, offset: 0, search: 'graph 9999' } as never })));
  const searchDeep = await medianMs(() => unwrap(client.POST('/plynx/api/v0/search_graphs', { body: { per_page: 20, offset: n - 20 } as never })));
  console.log(`PLynx read paths, ${fmt(n + 1)} graphs (median of 5)`);
  line('GET /graphs/{id} (100 nodes)', getGraph);
  line('search_graphs, first page of 20', searchFirst);
  line('search_graphs, free text', searchText);
  line(`search_graphs, last page (offset ${fmt(n - 20)})`, searchDeep);

  // Dioptra: n jobs on one experiment and queue.
  const post = (route: string, body: FormData) => send(baseUrl, 'POST', route, body);
  await post('/api/experiment/', form({ name: 'read-bench' }));
  await post('/api/queue/', form({ name: 'read_bench' }));
  const archive = await workflowArchive();
  await inParallel(n, 16, () => post('/api/job/', form({ experiment_name: 'read-bench', queue: 'read_bench', entry_point: 'main', workflow: archive })));
  const listJobs = await medianMs(async () => {
    const res = await fetch(`${baseUrl}/api/job/`);
    const jobs = (await res.json()) as unknown[];
    if (jobs.length !== n) throw new Error(`GET /api/job/ answered ${jobs.length} jobs, expected ${n}`);
  });
  console.log(`Dioptra read paths, ${fmt(n)} jobs (median of 5)`);
  line(`GET /api/job/ (all ${fmt(n)})`, listJobs);

  // Plans need tables of 10,000 rows whatever the scale; filling them directly takes seconds.
  await printReadPathPlans(Math.max(n, 10_000), options.database);
}
