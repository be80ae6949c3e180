// Torc in memory: workflows and every per-workflow collection behind one keyed-collection store, with the
// server's rules: string `_key`s, `_rev` bumped on each write, 404 on unknown keys, 409 on a stale `_rev`.
import { operationIndex } from '../generated/operation-index.js';
import { operationIds } from './contract.js';
import { badRequest, conflict, notFound } from './errors.js';
import type { StatefulContext, StatefulHandlers } from './stateful.js';
import type { MockStore, StoredDocument } from './store.js';

const MAX_LIMIT = 100_000;

/** Collections under `/workflows/{workflow}/<name>` that are plain keyed documents. */
export const TORC_COLLECTIONS = [
  'jobs', 'files', 'user_data', 'resource_requirements', 'results', 'events', 'compute_nodes', 'compute_node_stats',
  'job_process_stats', 'aws_schedulers', 'local_schedulers', 'slurm_schedulers', 'scheduled_compute_nodes',
] as const;

/** Job fields that the server turns into edges and does not store. */
const JOB_RELATIONS = ['blocked_by', 'input_files', 'output_files', 'input_user_data', 'output_user_data', 'resource_requirements', 'scheduler'];
const PAGING = new Set(['skip', 'limit', 'sort_by', 'reverse_sort']);

type Table = Record<string, StoredDocument>;

function issueKey(store: MockStore): string {
  return String(store.torc.nextKey++);
}

function workflow(store: MockStore, key: string): StoredDocument {
  const found = store.torc.workflows[key];
  if (!found) throw notFound(`workflow ${key}`);
  return found;
}

function collection(store: MockStore, workflowKey: string, name: string): Table {
  workflow(store, workflowKey);
  const tables = (store.torc.collections[workflowKey] ??= {});
  return (tables[name] ??= {});
}

/** One page in Torc's list shape, after filtering on exact field values and sorting like the server. */
export function listPage(documents: StoredDocument[], query: URLSearchParams) {
  let items = documents;
  for (const [field, value] of query) {
    if (!PAGING.has(field)) items = items.filter((doc) => doc[field] !== undefined && String(doc[field]) === value);
  }
  const sortBy = query.get('sort_by');
  if (sortBy) items = [...items].sort((a, b) => compare(a[sortBy], b[sortBy]));
  if (query.get('reverse_sort') === 'true') items = [...items].reverse();
  const skip = Number(query.get('skip') ?? 0);
  const limit = Math.min(Number(query.get('limit') ?? MAX_LIMIT), MAX_LIMIT);
  const page = items.slice(skip, skip + limit);
  return { items: page, skip, max_limit: MAX_LIMIT, count: page.length, total_count: items.length, has_more: skip + page.length < items.length };
}

// Absent fields sort first, as in ArangoDB; numeric keys compare as numbers.
function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [String(a), String(b)];
  return /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x < y ? -1 : 1;
}

const byKey = (table: Table) => Object.values(table).sort((a, b) => compare(a._key, b._key));

function insert(table: Table, id: (key: string) => string, key: string, body: StoredDocument): StoredDocument {
  const { _key, _id, _rev, _oldRev, ...fields } = body;
  const doc = { ...fields, _key: key, _id: id(key), _rev: '1' };
  table[key] = doc;
  return doc;
}

/** Torc's PUT rule: the body names the document and the revision it was read at; a stale one conflicts. */
function replace(table: Table, what: string, key: string, body: StoredDocument): StoredDocument {
  const current = table[key];
  if (!current) throw notFound(`${what} ${key}`);
  if (body._key === undefined || body._key !== key) throw badRequest(`updating ${what} ${key} needs its _key in the body`, 'REVISION_REQUIRED');
  if (body._rev === undefined) throw badRequest(`updating ${what} ${key} needs the _rev you read`, 'REVISION_REQUIRED');
  if (body._rev !== current._rev) throw conflict(`conflicting revision: ${what} ${key} is at _rev ${String(current._rev)}, not ${String(body._rev)}`);
  const { _key, _id, _rev, _oldRev, ...fields } = body;
  const next = { ...fields, _key: key, _id: current._id, _rev: String(Number(current._rev) + 1) };
  table[key] = next;
  return { ...next, _oldRev: current._rev };
}

function remove(table: Table, what: string, key: string): StoredDocument {
  const current = table[key];
  if (!current) throw notFound(`${what} ${key}`);
  delete table[key];
  return current;
}

function prepare(name: string, body: StoredDocument): StoredDocument {
  if (name !== 'jobs') return body;
  const job = Object.fromEntries(Object.entries(body).filter(([field]) => !JOB_RELATIONS.includes(field)));
  return { status: 'uninitialized', ...job };
}

function workflowHandlers(): StatefulHandlers {
  const id = (key: string) => `workflows/${key}`;
  return {
    list_workflows: ({ store, query }) => ({ body: listPage(byKey(store.torc.workflows), query) }),
    add_workflow: ({ store, body }) => ({
      body: insert(store.torc.workflows, id, issueKey(store), { is_archived: false, timestamp: new Date().toISOString(), ...body }),
    }),
    get_workflow: ({ store, params }) => ({ body: workflow(store, params.key!) }),
    modify_workflow: ({ store, params, body }) => ({ body: replace(store.torc.workflows, 'workflow', params.key!, body) }),
    remove_workflow: ({ store, params }) => {
      const removed = remove(store.torc.workflows, 'workflow', params.key!);
      delete store.torc.collections[params.key!];
      return { body: removed };
    },
  };
}

/** list/add/delete-all and get/modify/remove for every collection, found by the shape of its paths. */
function collectionHandlers(): StatefulHandlers {
  const handlers: StatefulHandlers = {};
  for (const operationId of operationIds) {
    const { method, path } = operationIndex[operationId];
    const match = /^\/torc-service\/workflows\/\{workflow\}\/([a-z_]+)(\/\{key\})?$/.exec(path);
    const name = match?.[1] as (typeof TORC_COLLECTIONS)[number] | undefined;
    if (!name || !TORC_COLLECTIONS.includes(name)) continue;
    const what = `${name} document`;
    const table = ({ store, params }: StatefulContext) => collection(store, params.workflow!, name);
    const id = (workflowKey: string) => (key: string) => `${name}__${workflowKey}/${key}`;
    if (!match![2]) {
      if (method === 'GET') handlers[operationId] = (c) => ({ body: listPage(byKey(table(c)), c.query) });
      if (method === 'POST') handlers[operationId] = (c) => ({ body: insert(table(c), id(c.params.workflow!), issueKey(c.store), prepare(name, c.body)) });
      if (method === 'DELETE') {
        handlers[operationId] = (c) => {
          const documents = table(c);
          for (const key of Object.keys(documents)) delete documents[key];
          return { body: { message: `Deleted all documents in ${name}__${c.params.workflow}` } };
        };
      }
    } else {
      if (method === 'GET') handlers[operationId] = (c) => ({ body: table(c)[c.params.key!] ?? raise(notFound(`${what} ${c.params.key}`)) });
      if (method === 'PUT') handlers[operationId] = (c) => ({ body: replace(table(c), what, c.params.key!, c.body) });
      if (method === 'DELETE') handlers[operationId] = (c) => ({ body: remove(table(c), what, c.params.key!) });
    }
  }
  return handlers;
}

const raise = (error: Error): never => {
  throw error;
};

function bulkJobHandlers(): StatefulHandlers {
  return {
    add_jobs: (c) => {
      const jobs = collection(c.store, c.params.workflow!, 'jobs');
      const id = (key: string) => `jobs__${c.params.workflow}/${key}`;
      const items = (c.body.jobs as StoredDocument[]).map((job) => insert(jobs, id, issueKey(c.store), prepare('jobs', job)));
      return { body: { items } };
    },
    list_jobs_by_status: (c) => {
      const jobs = byKey(collection(c.store, c.params.workflow!, 'jobs')).filter((job) => job.status === c.params.status);
      return { body: listPage(jobs, c.query) };
    },
    list_job_keys: (c) => ({ body: { items: Object.keys(collection(c.store, c.params.workflow!, 'jobs')) } }),
  };
}

export function torcHandlers(): StatefulHandlers {
  return { ...workflowHandlers(), ...collectionHandlers(), ...bulkJobHandlers() };
}
