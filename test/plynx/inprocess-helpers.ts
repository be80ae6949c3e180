// PLynx graphs run by workers inside the test process: runQueueWorker with the PLynx node job kind against
// the real server, real bash scripts, and small helpers to build the operations and watch the graphs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { createPipeloomClient, plynxNodeJobKind, runQueueWorker, unwrap, type PlynxNodeJobKindOptions } from '@pipeloom/sdk/node';
import type { components } from '@pipeloom/sdk/generated';
import type { QueueWorkerSummary } from '../../packages/sdk/src/worker/types.ts';
import { oid, type Graph, type Node, type PlynxFixture } from './plynx-fixture.ts';

type Status = components['schemas']['PlynxNodeRunningStatus'];
type Parameter = components['schemas']['PlynxParameter'];

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A temporary directory, removed by `remove`. */
export function tempDir(prefix = 'plynx-inprocess-'): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A text parameter as the PLynx editor stores it. */
export function strParameter(name: string, value: string): Parameter {
  return { name, parameter_type: 'str', value, mutable_type: false, removable: true, publicable: false, widget: null };
}

export interface OperationSpec {
  title: string;
  cmd: string;
  inputs?: string[];
  outputs?: string[];
  /** Whether a run may be restored from an earlier identical one (default false, so runs stay independent). */
  cacheable?: boolean;
  params?: Parameter[];
}

/** A bash_jinja2 operation made from the server's template (`GET /nodes/bash_jinja2`), not yet saved. */
export function bashOperationDoc(template: Node, spec: OperationSpec): Node {
  const own = new Set(['cmd', 'cacheable', ...(spec.params ?? []).map((param) => param.name)]);
  return {
    ...template,
    _id: oid(),
    title: spec.title,
    inputs: (spec.inputs ?? []).map((name) => ({ name, file_types: ['file'], values: [], min_count: 1, max_count: 1 })),
    outputs: (spec.outputs ?? ['out']).map((name) => ({ name, file_type: 'file', resource_id: null })),
    parameters: [
      { name: 'cmd', parameter_type: 'code', value: { value: spec.cmd, mode: 'sh' }, mutable_type: false, removable: false, publicable: false, widget: null },
      { name: 'cacheable', parameter_type: 'bool', value: spec.cacheable ?? false, mutable_type: false, removable: false, publicable: false, widget: null },
      ...(spec.params ?? []),
      ...template.parameters!.filter((param) => !own.has(param.name!)),
    ],
  };
}

/** An approved bash_jinja2 operation with the given script, inputs and outputs. */
export async function bashOperation(p: PlynxFixture, spec: OperationSpec): Promise<Node> {
  const template = (await unwrap(p.alice.GET('/plynx/api/v0/nodes/{node_id}', { params: { path: { node_id: 'bash_jinja2' } } }))).data;
  const node = bashOperationDoc(template, spec);
  const saved = await p.alice.POST('/plynx/api/v0/nodes', { body: { node, action: 'APPROVE' } });
  expect(saved.data, JSON.stringify(saved.error)).toMatchObject({ status: 'SUCCESS' });
  return node;
}

/** Sets a text parameter's value on a node placed in a graph. */
export function withStrParameter(node: Node, name: string, value: string): Node {
  return { ...node, parameters: node.parameters!.map((param) => (param.name === name && param.parameter_type === 'str' ? { ...param, value } : param)) };
}

export interface InProcessWorker {
  hostname: string;
  /** Resolves with the worker's summary once it left. */
  done: Promise<QueueWorkerSummary>;
  /** The worker's log lines, for failure messages. */
  log: string[];
  /** Stops the worker as SIGTERM would and waits for it. */
  stop(): Promise<QueueWorkerSummary>;
}

export interface WorkerSpec {
  hostname: string;
  cwd: string;
  maxParallelJobs?: number;
  /** How long it stays with nothing to do, in seconds (default 0: it leaves once the queue is empty). */
  waitForNewJobsSeconds?: number;
  /** Options of the runner, e.g. `timeoutMs`. */
  run?: PlynxNodeJobKindOptions['run'];
}

/** Starts a queue worker on `plynx` in this process, running PLynx node jobs as alice. */
export function startWorker(p: PlynxFixture, spec: WorkerSpec): InProcessWorker {
  const client = createPipeloomClient({ baseUrl: p.t.url, token: p.tokens.alice });
  const controller = new AbortController();
  const log: string[] = [];
  const done = runQueueWorker({
    client,
    queues: ['plynx'],
    hostname: spec.hostname,
    cwd: spec.cwd,
    outputDir: path.join(spec.cwd, 'output'),
    resources: { cpus: 8, memoryGb: 8, gpus: 0 },
    maxParallelJobs: spec.maxParallelJobs ?? 4,
    pollIntervalMs: 100,
    waitForNewJobsSeconds: spec.waitForNewJobsSeconds ?? 0,
    signal: controller.signal,
    serverUrl: p.t.url,
    log: (level, message) => log.push(`${new Date().toISOString().slice(11, 23)} ${level} ${message}`),
    jobKinds: [plynxNodeJobKind({ client, logIntervalMs: 100, workRoot: spec.cwd, run: spec.run })],
  });
  // A failing worker is reported by the test awaiting it, not as an unhandled rejection meanwhile.
  done.catch(() => undefined);
  return {
    hostname: spec.hostname,
    done,
    log,
    stop: async () => {
      controller.abort();
      return done;
    },
  };
}

/** Reads a graph as alice. */
export async function readGraph(p: PlynxFixture, id: string): Promise<Graph> {
  return (await unwrap(p.alice.GET('/plynx/api/v0/graphs/{graph_id}', { params: { path: { graph_id: id } } }))).data;
}

/** The graph's status and each node's running status by title. */
export async function statuses(p: PlynxFixture, id: string): Promise<[string, Record<string, Status>]> {
  const g = await readGraph(p, id);
  return [g.graph_running_status!, Object.fromEntries(g.nodes!.map((n) => [n.title!, n.node_running_status!]))];
}

/** Polls the graph every 50 ms until `check` accepts it; fails after `ms` with the last graph read. */
export async function pollGraph(p: PlynxFixture, id: string, what: string, check: (g: Graph) => boolean, ms = 20_000): Promise<Graph> {
  const deadline = Date.now() + ms;
  for (;;) {
    const g = await readGraph(p, id);
    if (check(g)) return g;
    if (Date.now() > deadline) {
      const nodes = g.nodes!.map((n) => `${n.title}=${n.node_running_status}`).join(', ');
      throw new Error(`timed out waiting for ${what}: graph ${g.graph_running_status}, ${nodes}`);
    }
    await pause(50);
  }
}

/** Whether the graph ended: any status but READY, RUNNING and FAILED_WAITING. */
export const ended = (g: Graph) => !['RUNNING', 'FAILED_WAITING', 'READY'].includes(g.graph_running_status!);

/** The node titled `title` of a graph read. */
export function nodeOf(g: Graph, title: string): Node {
  const node = g.nodes!.find((n) => n.title === title);
  if (!node) throw new Error(`no node ${title} in ${g.title}`);
  return node;
}

/** The bytes of a resource as text. */
export async function resourceText(p: PlynxFixture, id: string): Promise<string> {
  const res = await fetch(`${p.t.url}/plynx/api/v0/resource/${id}`);
  expect(res.status).toBe(200);
  return res.text();
}

/** Whether a process exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
