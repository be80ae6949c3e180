// What Torc's per-workflow collections are: their wire names, the table behind each, their fields, and
// which edges may connect them. The generic document service and repository are driven by these.
import type { TorcTable } from './tables.ts';

/** How a field travels between the wire and its column. */
export type FieldKind = 'string' | 'int' | 'float' | 'bool' | 'json';

export interface CollectionSpec {
  /** Torc's collection name, as in `_id` (`files__17/42`) and in the URL. */
  name: string;
  /** Wire field name → kind. Column names equal wire names. */
  fields: Record<string, FieldKind>;
  /** Optional columns (NULL when absent); list sorting puts them first, as ArangoDB does. */
  nullable?: readonly string[];
  /** Free-form documents keep unknown fields in an `extra` JSON column (events). */
  openFields?: boolean;
}

export const COLLECTIONS = {
  files: { name: 'files', fields: { name: 'string', path: 'string', st_mtime: 'float' }, nullable: ['name', 'st_mtime'] },
  user_data: { name: 'user_data', fields: { name: 'string', is_ephemeral: 'bool', data: 'json' }, nullable: ['name', 'data'] },
  resource_requirements: {
    name: 'resource_requirements',
    fields: { name: 'string', num_cpus: 'int', num_gpus: 'int', num_nodes: 'int', memory: 'string', runtime: 'string' },
    nullable: ['name'],
  },
  results: {
    name: 'results',
    fields: { job_key: 'string', run_id: 'int', return_code: 'int', exec_time_minutes: 'float', completion_time: 'string', status: 'string' },
  },
  events: {
    name: 'events', fields: { category: 'string', type: 'string', message: 'string', timestamp: 'float' },
    nullable: ['category', 'type', 'message'], openFields: true,
  },
  compute_nodes: {
    name: 'compute_nodes',
    fields: { hostname: 'string', pid: 'int', start_time: 'string', duration_seconds: 'float', is_active: 'bool', resources: 'json', scheduler: 'json' },
    nullable: ['duration_seconds', 'is_active', 'scheduler'],
  },
  compute_node_stats: {
    name: 'compute_node_stats', fields: { hostname: 'string', stats: 'json', timestamp: 'string' },
    nullable: ['stats'],
  },
  job_process_stats: {
    name: 'job_process_stats',
    fields: { job_key: 'string', run_id: 'int', avg_cpu_percent: 'float', max_cpu_percent: 'float', avg_rss: 'float', max_rss: 'float', num_samples: 'int', timestamp: 'string' },
  },
  aws_schedulers: { name: 'aws_schedulers', fields: { name: 'string' }, nullable: ['name'] },
  local_schedulers: {
    name: 'local_schedulers', fields: { name: 'string', memory: 'string', num_cpus: 'int' },
    nullable: ['name', 'memory', 'num_cpus'],
  },
  slurm_schedulers: {
    name: 'slurm_schedulers',
    fields: { name: 'string', account: 'string', nodes: 'int', walltime: 'string', partition: 'string', qos: 'string', gres: 'string', mem: 'string', tmp: 'string', ntasks_per_node: 'int', extra: 'string' },
    nullable: ['name', 'walltime', 'partition', 'qos', 'gres', 'mem', 'tmp', 'ntasks_per_node', 'extra'],
  },
  scheduled_compute_nodes: {
    name: 'scheduled_compute_nodes',
    fields: { scheduler_id: 'string', scheduler_config_id: 'string', status: 'string' },
    nullable: ['scheduler_id'],
  },
} satisfies Record<string, CollectionSpec>;

export type DocumentCollection = keyof typeof COLLECTIONS;

/** Every vertex collection an edge can touch, jobs included. */
export type VertexCollection = DocumentCollection | 'jobs';

export const SCHEDULER_COLLECTIONS = ['aws_schedulers', 'local_schedulers', 'slurm_schedulers'] as const;

/** Torc's edge collections and the vertex collections each connects (_from → _to). */
export const EDGES = {
  blocks: { from: ['jobs'], to: ['jobs'] },
  needs: { from: ['jobs'], to: ['files'] },
  produces: { from: ['jobs'], to: ['files'] },
  consumes: { from: ['jobs'], to: ['user_data'] },
  stores: { from: ['jobs'], to: ['user_data'] },
  requires: { from: ['jobs'], to: ['resource_requirements'] },
  scheduled_bys: { from: ['jobs'], to: [...SCHEDULER_COLLECTIONS] },
  returned: { from: ['jobs'], to: ['results'] },
  executed: { from: ['compute_nodes'], to: ['jobs'] },
  node_used: { from: ['compute_nodes'], to: ['compute_node_stats'] },
  process_used: { from: ['jobs'], to: ['job_process_stats'] },
} as const satisfies Record<string, { from: readonly VertexCollection[]; to: readonly VertexCollection[] }>;

export type EdgeName = keyof typeof EDGES;

/** The Prisma model delegates behind Torc's vertex collections (`db.torcJob`, ...). */
export type TorcModel =
  | 'torcJob' | 'torcFile' | 'torcUserData' | 'torcResourceRequirements' | 'torcResult' | 'torcEvent' | 'torcComputeNode'
  | 'torcComputeNodeStats' | 'torcJobProcessStats' | 'torcAwsScheduler' | 'torcLocalScheduler' | 'torcSlurmScheduler'
  | 'torcScheduledComputeNode';

/** Where each vertex collection is stored: its Prisma delegate and its table. Only repositories read this. */
const STORAGE: Record<VertexCollection, { model: TorcModel; table: TorcTable }> = {
  jobs: { model: 'torcJob', table: 'torc_job' },
  files: { model: 'torcFile', table: 'torc_file' },
  user_data: { model: 'torcUserData', table: 'torc_user_data' },
  resource_requirements: { model: 'torcResourceRequirements', table: 'torc_resource_requirements' },
  results: { model: 'torcResult', table: 'torc_result' },
  events: { model: 'torcEvent', table: 'torc_event' },
  compute_nodes: { model: 'torcComputeNode', table: 'torc_compute_node' },
  compute_node_stats: { model: 'torcComputeNodeStats', table: 'torc_compute_node_stats' },
  job_process_stats: { model: 'torcJobProcessStats', table: 'torc_job_process_stats' },
  aws_schedulers: { model: 'torcAwsScheduler', table: 'torc_aws_scheduler' },
  local_schedulers: { model: 'torcLocalScheduler', table: 'torc_local_scheduler' },
  slurm_schedulers: { model: 'torcSlurmScheduler', table: 'torc_slurm_scheduler' },
  scheduled_compute_nodes: { model: 'torcScheduledComputeNode', table: 'torc_scheduled_compute_node' },
};
export const modelOf = (collection: VertexCollection): TorcModel => STORAGE[collection].model;
export const tableOf = (collection: VertexCollection): TorcTable => STORAGE[collection].table;

/** Narrows a collection name read from the wire or from storage. */
export const isVertexCollection = (name: string): name is VertexCollection => Object.hasOwn(STORAGE, name);

export const isEdgeName = (name: string): name is EdgeName => Object.hasOwn(EDGES, name);

/** Edges that may start or end at a vertex of `collection`: what deleting such a vertex must remove. */
export function edgesTouching(collection: VertexCollection): { outgoing: EdgeName[]; incoming: EdgeName[] } {
  const names = Object.keys(EDGES) as EdgeName[];
  return {
    outgoing: names.filter((n) => (EDGES[n].from as readonly string[]).includes(collection)),
    incoming: names.filter((n) => (EDGES[n].to as readonly string[]).includes(collection)),
  };
}

/** The columns a job can be matched on (its relations are edges, `internal` and `schedule_compute_nodes` are not scalars). */
const JOB_COLUMNS = {
  name: 'string', command: 'string', invocation_script: 'string', status: 'string',
  cancel_on_blocking_job_failure: 'bool', supports_termination: 'bool',
} as const satisfies Record<string, FieldKind>;

export type ScalarKind = Exclude<FieldKind, 'json'>;

/**
 * The scalar columns of a collection that an exact-match filter can name, with their kinds. This is the
 * allow-list for column names that reach SQL text from a request.
 */
export function matchableColumns(collection: VertexCollection): Record<string, ScalarKind> {
  const fields: Record<string, FieldKind> = collection === 'jobs' ? JOB_COLUMNS : COLLECTIONS[collection].fields;
  const scalar: Record<string, ScalarKind> = {};
  for (const [name, kind] of Object.entries(fields)) if (kind !== 'json') scalar[name] = kind;
  return scalar;
}

/** Collection names in the order GET collection_names lists them: documents, vertices, edges. */
export const DOCUMENT_ONLY = ['events', 'scheduled_compute_nodes'] as const;
export const VERTEX_COLLECTIONS: VertexCollection[] = [
  'aws_schedulers', 'compute_node_stats', 'compute_nodes', 'files', 'job_process_stats', 'jobs',
  'local_schedulers', 'resource_requirements', 'results', 'slurm_schedulers', 'user_data',
];
