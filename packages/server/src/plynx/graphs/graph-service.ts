// The rules of PLynx graphs: reading, searching, the action pipeline and partial updates. Ownership is the
// only permission: a stored graph may be changed by its author alone.
import type { Clock } from '../../clock.ts';
import type { DbTx } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import { failPoint } from '../../fail-points.ts';
import { formatPlynxDate } from '../model/dates.ts';
import { graphToWire, parseGraph } from '../model/documents.ts';
import { isObjectId } from '../model/object-id.ts';
import type { Graph, GraphAction, GraphRunningStatus, Node, PlynxUser, ResourcesDict } from '../model/types.ts';
import { parseSearchString } from '../model/search-string.ts';
import { mayChange } from '../model/users.ts';
import type { NodeRepository } from '../nodes/node-repository.ts';
import { userList, type AuthorDirectory } from '../users/author-directory.ts';
import { READ_ONLY_GRAPH_ACTIONS, runGraphActions, type ActionContext } from './graph-actions.ts';
import type { GraphDoc } from '../model/document-types.ts';
import { GRAPH_SORT_FIELDS, type GraphRepository, type StoredGraph } from './graph-repository.ts';
import { deepMerge } from './deep-merge.ts';
import type { GraphRuns } from '../runs/graph-runs.ts';

export interface GraphServiceDeps {
  graphs: GraphRepository;
  nodes: NodeRepository;
  authors: AuthorDirectory;
  clock: Clock;
  /** Runs `fn` with repositories bound to one transaction. */
  transaction<T>(fn: (repos: { graphs: GraphRepository; tx: DbTx }) => Promise<T>): Promise<T>;
  /** Graph runs on the job lifecycle engine. */
  runs: GraphRuns;
  /** Base URL of the web UI, for the `url` of action answers. */
  webUrl: string;
  resourcesDict(): ResourcesDict;
}

export interface GraphSearchRequest {
  search?: string;
  per_page?: number;
  offset?: number;
  status?: GraphRunningStatus | GraphRunningStatus[];
}

/** Options of an action list beyond upstream's (Pipeloom extensions). */
export type GraphActionOptions = Pick<ActionContext, 'codeLanguage'>;

const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

export function graphService(deps: GraphServiceDeps) {
  const { graphs, nodes, authors, clock } = deps;

  async function requireGraph(id: string): Promise<StoredGraph> {
    const stored = isObjectId(id) ? await graphs.find(id) : null;
    if (!stored) throw new AppError('DOCUMENT_NOT_FOUND', 'Graph was not found');
    return stored;
  }

  const loadNode = async (id: string): Promise<Node | null> => (isObjectId(id) ? (await nodes.find(id))?.node ?? null : null);

  /** A graph as read: every node's `node_status` is that of the library node it was made from, now. */
  async function withCurrentNodeStatuses(graph: Graph): Promise<Graph> {
    const parents = await nodes.findMany([...new Set((graph.nodes ?? []).map((n) => n.parent_node).filter(isObjectId))]);
    const refreshed = (graph.nodes ?? []).map((n) => {
      const parent = n.parent_node ? parents.get(n.parent_node) : undefined;
      return parent?.node.node_status ? { ...n, node_status: parent.node.node_status } : n;
    });
    return { ...graph, nodes: refreshed };
  }

  const dates = (stored: StoredGraph) => ({ insertion_date: formatPlynxDate(stored.insertionDate), update_date: formatPlynxDate(stored.updateDate) });

  /** Applies an action list's writes in one transaction and answers as PLynx does. */
  async function perform(start: GraphDoc, actions: GraphAction[], user: PlynxUser, options: GraphActionOptions = {}) {
    const outcome = await runGraphActions(start, actions, { user, loadNode, ...options });
    if (outcome.saves.length || outcome.cancellations.length) {
      const now = new Date(clock.now());
      await deps.transaction(async ({ graphs: tx, tx: dbTx }) => {
        const authorNames = new Map<string, string>();
        for (const graph of outcome.saves) {
          // Checked again inside the transaction: someone else may have stored this _id since it was read.
          const existing = await tx.find(graph._id);
          if (existing && !mayChange(existing.graph.author, user)) throw new AppError('FORBIDDEN', 'Permission denied');
          const authorName = existing?.authorName ?? user.username;
          authorNames.set(graph._id, authorName);
          await tx.save(graph, authorName, now);
        }
        if (outcome.saves.length) await failPoint('plynx.graph-save.written');
        // The run is the author's (their workers run it), also when an administrator approves it.
        for (const graph of outcome.approvals) await deps.runs.start(dbTx, graph, authorNames.get(graph._id) ?? user.username);
        for (const id of outcome.cancellations) {
          await tx.addCancellation(id);
          await deps.runs.cancel(dbTx, id);
        }
      });
    }
    if (outcome.status === 'VALIDATION_FAILED') {
      return { status: 'VALIDATION_FAILED' as const, message: 'Graph validation failed', validation_error: outcome.validationError! };
    }
    return {
      status: 'SUCCESS' as const,
      message: `Actions completed with Graph(_id=\`${outcome.graph._id}\`)`,
      graph: graphToWire(outcome.graph),
      url: `${deps.webUrl}/graphs/${outcome.graph._id}`,
      ...outcome.extras,
    };
  }

  function checkOwner(stored: StoredGraph | null, user: PlynxUser, actions: GraphAction[]): void {
    if (!stored || mayChange(stored.graph.author, user)) return;
    if (actions.some((a) => !READ_ONLY_GRAPH_ACTIONS.has(a))) throw new AppError('FORBIDDEN', 'Permission denied');
  }

  return {
    /** GET /graphs/{id}; `new` is a fresh default graph that is not stored. */
    async get(id: string, user: PlynxUser) {
      const answer = (data: Graph) => ({ data, status: 'success' as const, resources_dict: deps.resourcesDict() });
      if (id === 'new') return answer(graphToWire(parseGraph({})));
      const stored = await requireGraph(id);
      const graph = await withCurrentNodeStatuses(await deps.runs.current(stored));
      return answer(graphToWire(graph, { _readonly: !mayChange(graph.author, user), ...dates(stored) }));
    },

    async search(request: GraphSearchRequest) {
      const { filters, text } = parseSearchString(request.search ?? '');
      const sortBy = filters.order ?? 'insertion_date';
      if (!(sortBy in GRAPH_SORT_FIELDS)) throw new AppError('INVALID_ARGUMENT', `Cannot order graphs by \`${sortBy}\`; use one of ${Object.keys(GRAPH_SORT_FIELDS).join(', ')}`);
      const statuses = request.status === undefined ? [] : Array.isArray(request.status) ? request.status : [request.status];
      const { items, total } = await graphs.search({
        ...(filters.author !== undefined ? { authorName: filters.author } : {}),
        statuses,
        text: { words: text.split(/\s+/).filter(Boolean) },
        sortBy: sortBy as keyof typeof GRAPH_SORT_FIELDS,
        direction: filters.desc !== undefined && FALSE_WORDS.has(filters.desc.toLowerCase()) ? 'asc' : 'desc',
        page: { offset: request.offset ?? 0, perPage: request.per_page ?? 20 },
      });
      const users = await authors(items.map((s) => s.authorName));
      return {
        // Filtered on the stored status; each graph found is shown as its run has it now.
        items: await Promise.all(items.map(async (s) => graphToWire(await deps.runs.current(s), { ...dates(s), _user: userList(users, s.authorName) }))),
        total_count: total,
        status: 'success' as const,
      };
    },

    /** POST /graphs: the posted graph, owned by the caller, through the action list. */
    async post(rawGraph: unknown, actions: GraphAction[], user: PlynxUser, options: GraphActionOptions = {}) {
      if (!actions.length) throw new AppError('INVALID_ARGUMENT', 'No actions given: send `actions` (a list) or `action`');
      const parsed = parseGraph(rawGraph);
      const stored = await graphs.find(parsed._id);
      // A graph stays its author's when an administrator saves it.
      const posted: GraphDoc = { ...parsed, author: stored && mayChange(stored.graph.author, user) ? stored.graph.author : user.id };
      checkOwner(stored, user, actions);
      // A graph that already runs (or ran) keeps its status whatever the posted copy says, so that posting
      // it again cannot overwrite it.
      const storedStatus = stored ? (await deps.runs.current(stored)).graph_running_status : 'CREATED';
      const graph = storedStatus === 'CREATED' ? posted : { ...posted, graph_running_status: storedStatus };
      return perform(graph, actions, user, options);
    },

    /** POST /graphs/{id}/{action}: one action on the stored graph. */
    async postAction(id: string, action: GraphAction, user: PlynxUser, options: GraphActionOptions = {}) {
      const stored = await requireGraph(id);
      checkOwner(stored, user, [action]);
      return perform(await deps.runs.current(stored), [action], user, options);
    },

    /** PATCH /graphs/{id}/update: objects merged key by key, lists replaced, then saved. */
    async update(id: string, changes: Record<string, unknown>, user: PlynxUser) {
      const stored = await requireGraph(id);
      if (!mayChange(stored.graph.author, user)) throw new AppError('FORBIDDEN', 'Permission denied');
      const status = stored.graph.graph_running_status ?? 'CREATED';
      if (status !== 'CREATED') throw new AppError('CONFLICT', `Graph status \`CREATED\` expected. Found \`${status}\``);
      const merged = parseGraph(deepMerge(stored.graph, { ...changes, _id: stored.graph._id, author: stored.graph.author }));
      const saved = await graphs.save(merged, stored.authorName, new Date(clock.now()));
      return { status: 'success' as const, message: 'Successfully updated', graph: graphToWire(saved.graph, { _readonly: false, ...dates(saved) }) };
    },
  };
}

export type GraphService = ReturnType<typeof graphService>;
