// The worker's side of a PLynx run: a worker that claimed a node's job through the engine starts the node
// (getting its inputs' resources, or the news that the cache restored it), hands in logs while it runs and
// reports how it ended. Every call checks that the node's job is still held by a worker, so a worker that
// lost its job (the graph was canceled, its lease ran out) cannot write anything.
import type { Clock } from '../../clock.ts';
import { isContentKey, type ContentStore } from '../../content/content-store.ts';
import type { RunEngine } from '../../engine/run-engine.ts';
import { AppError } from '../../errors.ts';
import type { GraphRepository } from '../graphs/graph-repository.ts';
import type { GraphDoc, NodeDoc } from '../model/document-types.ts';
import type { PlynxUser } from '../model/types.ts';
import { isObjectId } from '../model/object-id.ts';
import { nodeCacheKey } from './cache-key.ts';
import type { PlynxRunRecord, ResourceMap, RunNodeRecord, RunRepository } from './run-repository.ts';
import { isFileNode } from './run-spec.ts';
import { fillInputs, withLogs, withResources } from './run-status.ts';
import { runningGraphs, type RunningGraph } from './running-graphs.ts';

export interface ExecutionServiceDeps {
  graphs: GraphRepository;
  runs: RunRepository;
  engine: RunEngine;
  content: ContentStore;
  clock: Clock;
  /** Base URL of the web UI, for the `cache_url` of cache entries. */
  webUrl: string;
}

export interface FinishReport {
  status: 'SUCCESS' | 'FAILED' | 'CANCELED';
  outputs?: ResourceMap;
  logs?: ResourceMap;
  reason?: string;
}

interface RunNode {
  run: PlynxRunRecord;
  graph: GraphDoc;
  /** Node id → node of the graph. */
  nodes: RunningGraph['nodes'];
  node: NodeDoc;
}

const isCacheable = (node: NodeDoc): boolean => node.parameters.some((p) => p.name === 'cacheable' && p.value === true);

export function executionService({ graphs, runs, engine, content, clock, webUrl }: ExecutionServiceDeps) {
  const now = () => new Date(clock.now());
  const running = runningGraphs();
  const notRunning = () => new AppError('DOCUMENT_NOT_FOUND', 'Graph was not found or does not run');

  /** The graph of `run`, parsed once per stored version while it runs. */
  async function runningGraph(run: PlynxRunRecord, updateDate: Date): Promise<RunningGraph> {
    const kept = running.get(run, updateDate);
    if (kept) return kept;
    const stored = await graphs.find(run.graphId);
    if (!stored) throw notRunning();
    return running.put(run, stored.graph, stored.updateDate);
  }

  /** The run and the operation node `nodeId` of graph `graphId`; 404 when either is not part of a run. */
  async function runNode(graphId: string, nodeId: string): Promise<RunNode> {
    const [run, updateDate] = isObjectId(graphId) ? await Promise.all([runs.find(graphId), runs.graphUpdateDate(graphId)]) : [null, null];
    if (!run || !updateDate) throw notRunning();
    const { graph, nodes } = await runningGraph(run, updateDate);
    const node = nodes.get(nodeId);
    if (!node || isFileNode(node)) throw new AppError('DOCUMENT_NOT_FOUND', 'Node was not found in the graph\'s run');
    return { run, graph, nodes, node };
  }

  async function requireClaimed({ run, node }: RunNode, caller: PlynxUser): Promise<void> {
    if (!caller.isAdmin && !(await engine.mayRun(run.workflowKey, caller.username))) throw new AppError('FORBIDDEN', 'Permission denied');
    if (!(await engine.isClaimed(run.workflowKey, node._id))) {
      throw new AppError('CONFLICT', `The job of node \`${node._id}\` is not held by a worker (the graph was canceled or the node ended)`);
    }
  }

  /** The node with each input's resource ids, taken from the nodes it is linked to (and only those). */
  async function withInputs({ graph, nodes, node }: RunNode): Promise<NodeDoc> {
    const linked = new Set(node.inputs.flatMap((i) => i.values.map((v) => v.node_id)));
    const parents = [...linked].flatMap((id) => nodes.get(id) ?? []);
    const reported = await runs.nodes(graph._id, parents.filter((n) => !isFileNode(n)).map((n) => n._id));
    const byId = new Map(parents.map((n) => [n._id, isFileNode(n) ? n : { ...n, outputs: withResources(n.outputs, reported.get(n._id)?.outputs) }]));
    return fillInputs(node, byId);
  }

  const answerNode = (node: NodeDoc, record: RunNodeRecord): NodeDoc => ({
    ...node,
    node_running_status: record.state,
    outputs: withResources(node.outputs, record.outputs),
    logs: withLogs(node.logs, record.logs),
    cache_url: record.cacheUrl,
  });

  return {
    /** POST /runs/{graph}/nodes/{node}/start. */
    async start(graphId: string, nodeId: string, caller: PlynxUser): Promise<{ status: 'success'; restored: boolean; node: NodeDoc }> {
      const found = await runNode(graphId, nodeId);
      await requireClaimed(found, caller);
      const node = await withInputs(found);
      const hit = isCacheable(node) ? await runs.cached(nodeCacheKey(node)) : null;
      const record: RunNodeRecord = hit
        ? { nodeId, state: 'RESTORED', outputs: hit.outputs, logs: hit.logs, cacheUrl: hit.cacheUrl }
        : { nodeId, state: 'RUNNING', outputs: {}, logs: {}, cacheUrl: '' };
      await runs.saveNode(graphId, record, now());
      return { status: 'success', restored: hit !== null, node: answerNode(node, record) };
    },

    /** POST /runs/{graph}/nodes/{node}/progress: the logs so far; tells a worker of a canceled graph to stop. */
    async progress(graphId: string, nodeId: string, logs: ResourceMap, caller: PlynxUser): Promise<{ status: 'success'; canceled: boolean }> {
      const found = await runNode(graphId, nodeId);
      const state = await engine.runState(found.run.workflowKey);
      if (!state || state.canceled) return { status: 'success', canceled: true };
      await requireClaimed(found, caller);
      const record = (await runs.node(graphId, nodeId)) ?? { nodeId, state: 'RUNNING', outputs: {}, logs: {}, cacheUrl: '' };
      await runs.saveNode(graphId, { ...record, logs: { ...record.logs, ...logs } }, now());
      return { status: 'success', canceled: false };
    },

    /** POST /runs/{graph}/nodes/{node}/finish: SUCCESS only with a stored resource for every output. */
    async finish(graphId: string, nodeId: string, report: FinishReport, caller: PlynxUser): Promise<{ status: 'success'; message: string }> {
      const found = await runNode(graphId, nodeId);
      await requireClaimed(found, caller);
      const given = report.outputs ?? {};
      const outputs: ResourceMap = {};
      for (const output of found.node.outputs) {
        const id = given[output.name];
        if (id !== undefined) outputs[output.name] = id;
      }
      if (report.status === 'SUCCESS') {
        for (const output of found.node.outputs) {
          const id = outputs[output.name];
          if (id === undefined) throw new AppError('INVALID_ARGUMENT', `Output \`${output.name}\` has no resource: a node cannot succeed without all its outputs`);
          if (!isContentKey(id) || !(await content.stat(id))) throw new AppError('INVALID_ARGUMENT', `Resource \`${id}\` of output \`${output.name}\` is not stored`);
        }
      }
      const previous = await runs.node(graphId, nodeId);
      const cacheUrl = `${webUrl}/graphs/${graphId}?nid=${nodeId}`;
      const record: RunNodeRecord = { nodeId, state: report.status, outputs, logs: { ...previous?.logs, ...report.logs }, cacheUrl: previous?.cacheUrl ?? '' };
      await runs.saveNode(graphId, record, now());
      if (report.status === 'SUCCESS' && isCacheable(found.node)) {
        const node = await withInputs(found);
        await runs.cache(nodeCacheKey(node), { outputs, logs: record.logs, cacheUrl }, now());
      }
      return { status: 'success', message: `Node \`${nodeId}\` recorded as ${report.status}` };
    },
  };
}

export type ExecutionService = ReturnType<typeof executionService>;
