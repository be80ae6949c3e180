// PLynx and Dioptra read paths at 10,000 rows: GET one graph, search 10,000 graphs, list 10,000 Dioptra jobs.
// The rows are made through the API (16 requests in flight), then each read is timed as the median of 5.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { createPipeloomClient, unwrap } from '@pipeloom/sdk';
import type { components } from '@pipeloom/sdk/generated';
import { newObjectId } from '../packages/server/src/plynx/model/object-id.ts';
import { fmt } from './lib.ts';

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

export async function benchReadPaths(baseUrl: string, options: { rows: number }): Promise<void> {
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
  const form = (fields: Record<string, string | Blob>) => {
    const body = new FormData();
    for (const [k, v] of Object.entries(fields)) {
      if (typeof v === 'string') body.append(k, v);
      else body.append(k, v, 'workflows.tar.gz');
    }
    return body;
  };
  const post = async (route: string, body: FormData) => {
    const res = await fetch(baseUrl + route, { method: 'POST', body });
    if (!res.ok) throw new Error(`POST ${route}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
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
}
