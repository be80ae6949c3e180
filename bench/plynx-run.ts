// PLynx execution target (issue 11): approved PLynx graphs run by 4 `pipeloom worker --queue` processes,
// beside the same work as a plain Torc workflow on a queue, served the same way in the same run:
//  (a) N independent trivial bash_jinja2 nodes (`true`) against N independent `true` jobs;
//  (b) a 200-node chain (each node copies its input to its output) against a 200-job chain of `true`.
// Timings come from the Torc results the workers report for every job (PLynx nodes are engine jobs too):
// a job started at completion_time - exec_time_minutes, both on the worker's clock. The scheduling overhead
// of a chain link is the time from the parent's end to the child's start.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPipeloomClient, unwrap, type PipeloomClient } from '@pipeloom/sdk';
import type { components } from '@pipeloom/sdk/generated';
import { newObjectId } from '../packages/server/src/plynx/model/object-id.ts';
import { fmt } from './lib.ts';

type Node = components['schemas']['PlynxNode'];
const root = path.resolve(import.meta.dirname, '..');
const WORKERS = 4;

interface Summary { durationSeconds: number; counts: { done: number; failed?: number } }

/** What one run measured: wall time with worker start-up, first start to last end, and chain overheads. */
interface Measure { jobs: number; wallSeconds: number; spanSeconds: number; overheadsMs: number[] }

/** Runs `workers` queue workers on `queue` until nothing is left there; answers their summaries and wall time. */
async function serveQueue(baseUrl: string, queue: string, workers: number): Promise<{ summaries: Summary[]; seconds: number }> {
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-bench-plynx-'));
  const started = performance.now();
  try {
    const summaries = await Promise.all(Array.from({ length: workers }, (_, i) => new Promise<Summary>((resolve, reject) => {
      const cwd = path.join(outputDir, `w${i}`);
      fs.mkdirSync(cwd);
      const child = spawn(process.execPath, [path.join(root, 'packages/sdk/bin/pipeloom.js'), 'worker', '--queue', queue, '--url', baseUrl,
        '--cpus', '4', '--memory', '8', '--output-dir', path.join(cwd, 'output'), '--poll-interval', '1'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
      child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
      child.once('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as Summary) : reject(new Error(`worker exited ${code}: ${err.slice(-2000)}`))));
    })));
    return { summaries, seconds: (performance.now() - started) / 1000 };
  } finally {
    fs.rmSync(outputDir, { recursive: true, force: true });
  }
}

/** Start and end (ms since the epoch) of every job of a workflow, by job name, from its results. */
async function jobTimes(client: PipeloomClient, workflow: string): Promise<Map<string, { start: number; end: number }>> {
  const params = { path: { workflow } };
  const jobs = await unwrap(client.GET('/torc-service/workflows/{workflow}/jobs', { params }));
  const results = await unwrap(client.GET('/torc-service/workflows/{workflow}/results', { params }));
  const names = new Map(jobs.items!.map((j) => [j._key!, j.name]));
  const times = new Map<string, { start: number; end: number }>();
  for (const r of results.items!) {
    const end = Date.parse(r.completion_time);
    times.set(names.get(r.job_key)!, { start: end - r.exec_time_minutes * 60_000, end });
  }
  return times;
}

async function measure(client: PipeloomClient, baseUrl: string, queue: string, workflow: string, chain: string[] | null): Promise<Measure> {
  const { summaries, seconds } = await serveQueue(baseUrl, queue, WORKERS);
  const failed = summaries.reduce((a, s) => a + (s.counts.failed ?? 0), 0);
  if (failed) throw new Error(`${failed} jobs failed on queue ${queue}`);
  const times = await jobTimes(client, workflow);
  const all = [...times.values()];
  const spanSeconds = (Math.max(...all.map((t) => t.end)) - Math.min(...all.map((t) => t.start))) / 1000;
  const overheadsMs = chain ? chain.slice(1).map((name, i) => times.get(name)!.start - times.get(chain[i]!)!.end) : [];
  return { jobs: times.size, wallSeconds: seconds, spanSeconds, overheadsMs };
}

/** A started Torc workflow of `count` `true` jobs (a chain when `chain`) on `queue`; answers its key. */
async function torcWorkflow(client: PipeloomClient, queue: string, count: number, chain: boolean): Promise<string> {
  const jobs = Array.from({ length: count }, (_, i) => ({ name: `j${i}`, command: 'true', ...(chain && i ? { blocked_by: [`j${i - 1}`] } : {}) }));
  const wf = await unwrap(client.POST('/torc-service/workflow_specifications', { body: { user: 'bench', name: `torc-${queue}`, jobs } as never }));
  const key = wf._key!;
  const params = { path: { key } };
  const status = await unwrap(client.GET('/torc-service/workflows/{key}/status', { params }));
  await unwrap(client.PUT('/torc-service/workflows/{key}/status', { params, body: { _key: status._key, _rev: status._rev, run_id: 1, is_canceled: false, auto_tune_status: { enabled: false, job_keys: [] } } }));
  await unwrap(client.POST('/torc-service/workflows/{key}/initialize_jobs', { params, body: {} }));
  const stored = await unwrap(client.GET('/torc-service/workflows/{key}', { params }));
  await unwrap(client.PUT('/torc-service/workflows/{key}', { params, body: { ...stored, queue } }));
  return key;
}

/** Approves a library operation from the server's bash_jinja2 template with the given script. */
async function bashOperation(client: PipeloomClient, title: string, cmd: string, inputs: string[], outputs: string[]): Promise<Node> {
  const template = (await unwrap(client.GET('/plynx/api/v0/nodes/{node_id}', { params: { path: { node_id: 'bash_jinja2' } } }))).data;
  const node: Node = {
    ...template,
    _id: newObjectId(),
    title,
    inputs: inputs.map((name) => ({ name, file_types: ['file'], values: [], min_count: 1, max_count: 1 })),
    outputs: outputs.map((name) => ({ name, file_type: 'file', resource_id: null })),
    parameters: [
      { name: 'cmd', parameter_type: 'code', value: { value: cmd, mode: 'sh' }, mutable_type: false, removable: false, publicable: false, widget: null },
      // Not cacheable: identical nodes would otherwise be RESTORED from the first one's cache entry, not run.
      { name: 'cacheable', parameter_type: 'bool', value: false, mutable_type: false, removable: false, publicable: false, widget: null },
      ...template.parameters!.filter((p) => p.name !== 'cmd' && p.name !== 'cacheable'),
    ],
  };
  const answer = await unwrap(client.POST('/plynx/api/v0/nodes', { body: { node, action: 'APPROVE' } }));
  if ((answer as { status?: string }).status !== 'SUCCESS') throw new Error(`approving ${title}: ${JSON.stringify(answer)}`);
  return node;
}

/** A copy of a library node in a graph, its input `in` linked to `from`'s output `out`. */
function instance(library: Node, from?: Node): Node {
  return {
    ...structuredClone(library),
    _id: newObjectId(),
    parent_node: library._id,
    node_status: 'READY',
    node_running_status: 'CREATED',
    inputs: (library.inputs ?? []).map((input) => ({ ...input, values: from ? [{ node_id: from._id!, output_id: 'out', resource_id: null }] : [] })),
  };
}

/** Approves a graph of `nodes` (which starts its run) and answers the key of the run's workflow. */
async function approveGraph(client: PipeloomClient, title: string, nodes: Node[]): Promise<{ graphId: string; workflow: string }> {
  const graphId = newObjectId();
  const answer = await unwrap(client.POST('/plynx/api/v0/graphs', { body: { graph: { _id: graphId, title, description: 'bench', graph_running_status: 'CREATED', nodes }, actions: ['APPROVE'] } }));
  if ((answer as { status?: string }).status !== 'SUCCESS') throw new Error(`approving ${title}: ${JSON.stringify(answer).slice(0, 2000)}`);
  const workflows = await unwrap(client.GET('/torc-service/workflows', {}));
  const run = workflows.items!.find((w) => w.description === `PLynx graph ${graphId}`);
  if (!run) throw new Error(`no run workflow for graph ${graphId}`);
  return { graphId, workflow: run._key! };
}

/** The graph's status and how many of its nodes ended in each status (RESTORED ones did not run). */
async function graphStatus(client: PipeloomClient, graphId: string): Promise<string> {
  const graph = (await unwrap(client.GET('/plynx/api/v0/graphs/{graph_id}', { params: { path: { graph_id: graphId } } }))).data;
  const counts = new Map<string, number>();
  for (const n of graph.nodes ?? []) counts.set(n.node_running_status ?? '?', (counts.get(n.node_running_status ?? '?') ?? 0) + 1);
  return `${graph.graph_running_status ?? '?'} (${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')})`;
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

function line(label: string, m: Measure): string {
  const overhead = m.overheadsMs.length ? `; overhead parent end → child start p50 ${fmt(percentile(m.overheadsMs, 50), 1)} ms, p95 ${fmt(percentile(m.overheadsMs, 95), 1)} ms` : '';
  return `  ${label}: ${fmt(m.jobs / m.spanSeconds, 1)} nodes/s (${fmt(m.jobs)} in ${fmt(m.spanSeconds, 2)} s first start → last end; ${fmt(m.wallSeconds, 2)} s with worker start-up)${overhead}`;
}

export async function benchPlynxRun(baseUrl: string, options: { nodes: number; chain: number }): Promise<void> {
  const client = createPipeloomClient({ baseUrl });
  const noop = await bashOperation(client, 'noop', 'true', [], []);
  const seed = await bashOperation(client, 'seed', "echo seed > {{ output['out'] }}", [], ['out']);
  const copy = await bashOperation(client, 'copy', "cp {{ input['in'] }} {{ output['out'] }}", ['in'], ['out']);

  console.log(`plynx-run: PLynx graphs vs plain Torc workflows, each served by ${WORKERS} \`pipeloom worker --queue\` processes (4 slots each), one machine`);
  const goals: string[] = [];

  // (a) independent nodes.
  const independent = await approveGraph(client, 'independent', Array.from({ length: options.nodes }, () => instance(noop)));
  const plynxA = await measure(client, baseUrl, 'plynx', independent.workflow, null);
  const statusA = await graphStatus(client, independent.graphId);
  const torcA = await measure(client, baseUrl, 'torc-a', await torcWorkflow(client, 'torc-a', options.nodes, false), null);
  console.log(` (a) ${fmt(options.nodes)} independent trivial nodes (\`true\`); PLynx graph ended ${statusA}`);
  console.log(line('plynx', plynxA));
  console.log(line('torc ', torcA));
  const ratioA = plynxA.spanSeconds / torcA.spanSeconds;
  console.log(`  ratio plynx / torc (time): ${fmt(ratioA, 2)}`);
  goals.push(`(a) PLynx within 1.3× of Torc: ${ratioA <= 1.3 ? 'yes' : 'NO'} (${fmt(ratioA, 2)}×)`);

  // (b) a chain: each node copies its input to its output.
  const nodes: Node[] = [instance(seed)];
  for (let i = 1; i < options.chain; i++) nodes.push(instance(copy, nodes[i - 1]));
  const chained = await approveGraph(client, 'chain', nodes);
  const plynxB = await measure(client, baseUrl, 'plynx', chained.workflow, nodes.map((n) => n._id!));
  const statusB = await graphStatus(client, chained.graphId);
  const torcB = await measure(client, baseUrl, 'torc-b', await torcWorkflow(client, 'torc-b', options.chain, true), Array.from({ length: options.chain }, (_, i) => `j${i}`));
  console.log(` (b) a ${fmt(options.chain)}-node chain (each node copies its input to its output; Torc jobs run \`true\`); PLynx graph ended ${statusB}`);
  console.log(line('plynx', plynxB));
  console.log(line('torc ', torcB));
  const ratioB = plynxB.spanSeconds / torcB.spanSeconds;
  console.log(`  ratio plynx / torc (time): ${fmt(ratioB, 2)}`);
  const p50 = percentile(plynxB.overheadsMs, 50);
  goals.push(`(b) PLynx within 1.3× of Torc: ${ratioB <= 1.3 ? 'yes' : 'NO'} (${fmt(ratioB, 2)}×)`);
  goals.push(`(b) PLynx scheduling overhead p50 ≤ 20 ms: ${p50 <= 20 ? 'yes' : 'NO'} (${fmt(p50, 1)} ms)`);
  console.log(`  goals: ${goals.join('; ')}`);
}
