// Torc's documents as the contract types them, and the one mapping per schema from a stored row to its
// wire form. Rows are plain objects keyed by column; each mapping below is the single place where a row
// becomes a typed document, so services and handlers never cast.
import type { components } from '@pipeloom/sdk/generated';
import { COLLECTIONS, type CollectionSpec, type DocumentCollection, type VertexCollection } from './collections.ts';
import { compact, docIdentity } from './documents.ts';
import type { EdgeRow, Row } from './document-repository.ts';

type Schemas = components['schemas'];

/** A document in no particular schema (request bodies on their way to columns, free-form filters). */
export type Doc = Record<string, unknown>;

export type Job = Schemas['job_model'];
export type Edge = Schemas['edge_model'];
export type JoinRow = Schemas['join_row'];

/** Each generic collection's document schema in the contract. */
export interface CollectionDocs {
  files: Schemas['file_model'];
  user_data: Schemas['user_data_model'];
  resource_requirements: Schemas['resource_requirements_model'];
  results: Schemas['result_model'];
  events: Schemas['event_model'];
  compute_nodes: Schemas['compute_node_model'];
  compute_node_stats: Schemas['compute_node_stats_model'];
  job_process_stats: Schemas['job_process_stats_model'];
  aws_schedulers: Schemas['aws_scheduler_model'];
  local_schedulers: Schemas['local_scheduler_model'];
  slurm_schedulers: Schemas['slurm_scheduler_model'];
  scheduled_compute_nodes: Schemas['scheduled_compute_nodes_model'];
}

/** A vertex of any collection, jobs included. */
export type VertexDocs = CollectionDocs & { jobs: Job };

type Identity = '_key' | '_id' | '_rev' | '_oldRev';
/**
 * Compile-time check that collections.ts stores only fields the contract declares for each collection, so
 * the mapping in documentToWire cannot produce a field the schema lacks.
 */
type DeclaredFields = { [C in DocumentCollection]: keyof (typeof COLLECTIONS)[C]['fields'] extends Exclude<keyof CollectionDocs[C], Identity> ? true : never };
export const COLLECTION_FIELDS_MATCH_CONTRACT: DeclaredFields = {
  files: true, user_data: true, resource_requirements: true, results: true, events: true, compute_nodes: true,
  compute_node_stats: true, job_process_stats: true, aws_schedulers: true, local_schedulers: true, slurm_schedulers: true,
  scheduled_compute_nodes: true,
};

/** A stored row of a generic collection as its contract document. */
export function documentToWire<C extends DocumentCollection>(collection: C, row: Row, oldRev?: number): CollectionDocs[C] {
  const spec: CollectionSpec = COLLECTIONS[collection];
  const doc: Doc = docIdentity(spec.name, row.workflowId, row.id, row.rev);
  if (oldRev !== undefined) doc._oldRev = String(oldRev);
  for (const field of Object.keys(spec.fields)) doc[field] = row[field];
  if (spec.openFields && row.extra && typeof row.extra === 'object') Object.assign(doc, row.extra, { ...doc });
  // The fields come from the collection's spec, which the check above ties to the schema.
  return compact(doc) as CollectionDocs[C];
}

const IDENTITY_FIELDS = new Set<string>(['_key', '_id', '_rev', '_oldRev']);

/** The columns a body writes; unknown fields only survive in open collections. */
export function fromWire(collection: DocumentCollection, body: object): Doc {
  const spec: CollectionSpec = COLLECTIONS[collection];
  const data: Doc = {};
  const extra: Doc = {};
  for (const [k, v] of Object.entries(body)) {
    if (IDENTITY_FIELDS.has(k) || v === undefined) continue;
    if (Object.hasOwn(spec.fields, k)) data[k] = v;
    else if (spec.openFields) extra[k] = v;
  }
  if (spec.openFields && Object.keys(extra).length) data.extra = extra;
  return data;
}

/** The job columns that travel as top-level fields, and those under `internal`. */
export const JOB_FIELDS = ['name', 'command', 'invocation_script', 'status', 'cancel_on_blocking_job_failure', 'supports_termination', 'schedule_compute_nodes'] as const;
export const JOB_INTERNAL_FIELDS = ['memory_bytes', 'num_cpus', 'num_gpus', 'num_nodes', 'runtime_seconds', 'scheduler_config_id', 'hash'] as const;

/** A stored job as its contract document; relations are edges and never travel with the job. */
export function jobToWire(row: Row, oldRev?: number): Job {
  const doc: Doc = docIdentity('jobs', row.workflowId, row.id, row.rev);
  if (oldRev !== undefined) doc._oldRev = String(oldRev);
  // Absent fields are left out as they are read (deleting them afterwards slows every later use of the object).
  for (const f of JOB_FIELDS) {
    const value = row[f];
    if (value !== null && value !== undefined) doc[f] = value;
  }
  const internal: Doc = {};
  for (const f of JOB_INTERNAL_FIELDS) internal[f] = row[`internal_${f}`];
  doc.internal = internal;
  // Columns named after job_model's fields, as JOB_FIELDS and JOB_INTERNAL_FIELDS list them.
  return doc as Job;
}

/** A stored edge as its contract document. */
export function edgeToWire(row: EdgeRow): Edge {
  const data = row.data !== null && typeof row.data === 'object' ? (row.data as Doc) : undefined;
  return compact({
    ...docIdentity(row.name, row.workflowId, row.id, row.rev),
    _from: `${row.from_collection}__${row.workflowId}/${row.from_id}`,
    _to: `${row.to_collection}__${row.workflowId}/${row.to_id}`,
    data,
  });
}

/** A vertex of any collection as its contract document. */
export function vertexToWire<C extends VertexCollection>(collection: C, row: Row): VertexDocs[C];
export function vertexToWire(collection: VertexCollection, row: Row): VertexDocs[VertexCollection] {
  return collection === 'jobs' ? jobToWire(row) : documentToWire(collection, row);
}
