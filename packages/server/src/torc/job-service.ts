// Jobs (semantics.md §1, §6): relation fields on input (`blocked_by`, `input_files`, ...) are `_id`s that
// become edges, in the same transaction as the job; they are never stored on, or returned with, the job.
import { AppError, notFound } from '../errors.ts';
import { failPoint } from '../fail-points.ts';
import type { JsonStream } from '../http/json-stream.ts';
import { isVertexCollection, SCHEDULER_COLLECTIONS, type EdgeName, type VertexCollection } from './collections.ts';
import { checkIntegers, conflict, listQuery, mapRows, parseDocumentId, parseKey, rejectIdentity, requireRevision, streamPage, type Page } from './documents.ts';
import type { DocumentRepository, EdgeRow, TxDocuments } from './document-repository.ts';
import { JOB_FIELDS, JOB_INTERNAL_FIELDS, jobToWire, type Doc, type Job } from './wire.ts';
import type { WorkflowService } from './workflow-service.ts';

/** The internal fields kept in 32-bit integer columns. */
const INTERNAL_INT_FIELDS = ['num_cpus', 'num_gpus', 'num_nodes'];

/** A relation field of a job body: where it points, and the edge it becomes. */
interface Relation {
  field: 'blocked_by' | 'input_files' | 'output_files' | 'input_user_data' | 'output_user_data' | 'resource_requirements' | 'scheduler';
  edge: EdgeName;
  targets: readonly VertexCollection[];
  /** blocked_by edges run from the blocker to the job; the others from the job to the target. */
  inbound: boolean;
  many: boolean;
}

export const RELATIONS: readonly Relation[] = [
  { field: 'blocked_by', edge: 'blocks', targets: ['jobs'], inbound: true, many: true },
  { field: 'input_files', edge: 'needs', targets: ['files'], inbound: false, many: true },
  { field: 'output_files', edge: 'produces', targets: ['files'], inbound: false, many: true },
  { field: 'input_user_data', edge: 'consumes', targets: ['user_data'], inbound: false, many: true },
  { field: 'output_user_data', edge: 'stores', targets: ['user_data'], inbound: false, many: true },
  { field: 'resource_requirements', edge: 'requires', targets: ['resource_requirements'], inbound: false, many: false },
  { field: 'scheduler', edge: 'scheduled_bys', targets: SCHEDULER_COLLECTIONS, inbound: false, many: false },
];

// Stored jobs become documents in wire.ts; re-exported for the lifecycle, which maps jobs the same way.
export { jobToWire } from './wire.ts';

/** A job body as columns: top-level fields by name, `internal` ones prefixed. */
function jobColumns(body: Job): Doc {
  const data: Doc = {};
  for (const f of JOB_FIELDS) if (body[f] !== undefined) data[f] = body[f];
  const internal = body.internal;
  if (internal) {
    checkIntegers(internal, INTERNAL_INT_FIELDS, 'job.internal');
    for (const f of JOB_INTERNAL_FIELDS) if (internal[f] !== undefined) data[`internal_${f}`] = internal[f];
  }
  return data;
}

type PlannedEdge = Omit<EdgeRow, 'id' | 'rev' | 'workflowId'>;

export class JobService {
  constructor(
    private readonly repo: DocumentRepository,
    private readonly workflows: WorkflowService,
  ) {}

  /** One page of jobs, streamed; the query is checked and the matches counted before anything is sent. */
  async list(workflowKey: string, query: Doc): Promise<JsonStream<Page<Job>>> {
    const workflowId = await this.workflows.idOf(workflowKey);
    const q = listQuery(query, [...JOB_FIELDS], { nullable: ['name', 'invocation_script'] });
    const { rows, total } = await this.repo.list('jobs', workflowId, q);
    return streamPage(mapRows(rows, (r) => jobToWire(r)), q.skip, total);
  }

  async get(workflowKey: string, key: string): Promise<Job> {
    const workflowId = await this.workflows.idOf(workflowKey);
    const row = await this.repo.reader.get('jobs', workflowId, parseKey(key, 'job'));
    if (!row) throw notFound(`job ${key} of workflow ${workflowKey}`);
    return jobToWire(row);
  }

  async create(workflowKey: string, body: Job): Promise<Job> {
    const [job] = await this.createMany(workflowKey, [body]);
    return job!;
  }

  /** POST /bulk_jobs: all jobs and their edges in one transaction, in batched statements, in order. */
  async createMany(workflowKey: string, bodies: Job[]): Promise<Job[]> {
    const workflowId = await this.workflows.idOf(workflowKey);
    bodies.forEach((b) => rejectIdentity(b, 'job'));
    const rows = await this.repo.transaction(async (tx) => {
      await this.checkReferences(tx, workflowId, bodies);
      const created = await tx.createMany('jobs', workflowId, bodies.map(jobColumns));
      await failPoint('torc.bulk-jobs.jobs-inserted');
      await tx.createEdges(workflowId, created.flatMap((row, i) => this.planEdges(row.id, bodies[i]!)));
      return created;
    });
    return rows.map((r) => jobToWire(r));
  }

  async update(workflowKey: string, key: string, body: Job): Promise<Job> {
    const workflowId = await this.workflows.idOf(workflowKey);
    const rev = requireRevision(body, key, 'job');
    const id = parseKey(key, 'job');
    const result = await this.repo.transaction(async (tx) => {
      await this.checkReferences(tx, workflowId, [body]);
      const r = await tx.update('jobs', workflowId, id, rev, jobColumns(body));
      if (r.ok) {
        // A relation field that is sent replaces that relation; one left out is kept.
        for (const rel of RELATIONS) {
          if (body[rel.field] === undefined) continue;
          if (rel.inbound) await tx.deleteEdgesTo(rel.edge, [id], 'jobs');
          else await tx.deleteEdgesFrom(rel.edge, [id]);
        }
        await tx.createEdges(workflowId, this.planEdges(id, body));
      }
      return r;
    });
    if (!result.ok) {
      if (!result.current) throw notFound(`job ${key} of workflow ${workflowKey}`);
      throw conflict('job', key, body._rev, result.current.rev);
    }
    return jobToWire(result.row, rev);
  }

  async remove(workflowKey: string, key: string): Promise<Job> {
    const workflowId = await this.workflows.idOf(workflowKey);
    const row = await this.repo.transaction((tx) => tx.delete('jobs', workflowId, parseKey(key, 'job')));
    if (!row) throw notFound(`job ${key} of workflow ${workflowKey}`);
    return jobToWire(row);
  }

  async removeAll(workflowKey: string): Promise<{ message: string }> {
    const workflowId = await this.workflows.idOf(workflowKey);
    const count = await this.repo.transaction((tx) => tx.deleteAll('jobs', workflowId));
    return { message: `Deleted ${count} documents in jobs__${workflowId}` };
  }

  /** Every relation `_id` must name an existing document of the right collection in this workflow. */
  private async checkReferences(tx: TxDocuments, workflowId: number, bodies: Job[]): Promise<void> {
    const wanted = new Map<VertexCollection, Set<number>>();
    for (const body of bodies) {
      for (const rel of RELATIONS) {
        for (const ref of refsOf(body, rel)) {
          const parsed = parseDocumentId(ref);
          if (!parsed || !(rel.targets as readonly string[]).includes(parsed.collection)) {
            throw new AppError('INVALID_ARGUMENT', `${rel.field} must hold ${rel.targets.join(' or ')} _ids like ${rel.targets[0]}__${workflowId}/<key>; got ${JSON.stringify(ref)}`);
          }
          if (parsed.workflowId !== workflowId) throw new AppError('INVALID_ARGUMENT', `${rel.field} refers to ${ref}, which belongs to another workflow`);
          if (!isVertexCollection(parsed.collection)) continue;
          const set = wanted.get(parsed.collection) ?? new Set<number>();
          set.add(parsed.id);
          wanted.set(parsed.collection, set);
        }
      }
    }
    for (const [collection, ids] of wanted) {
      const found = await tx.existing(collection, workflowId, [...ids]);
      const missing = [...ids].filter((id) => !found.has(id));
      if (missing.length) throw new AppError('INVALID_ARGUMENT', `no such ${collection}: ${missing.slice(0, 10).map((id) => `${collection}__${workflowId}/${id}`).join(', ')}`);
    }
  }

  private planEdges(jobId: number, body: Job): PlannedEdge[] {
    const edges: PlannedEdge[] = [];
    for (const rel of RELATIONS) {
      for (const ref of refsOf(body, rel)) {
        const target = parseDocumentId(ref)!;
        edges.push(rel.inbound
          ? { name: rel.edge, from_collection: 'jobs', from_id: target.id, to_collection: 'jobs', to_id: jobId, data: null }
          : { name: rel.edge, from_collection: 'jobs', from_id: jobId, to_collection: target.collection, to_id: target.id, data: null });
      }
    }
    return edges;
  }
}

function refsOf(body: Job, rel: Relation): string[] {
  const v = body[rel.field];
  if (v === undefined || v === null || v === '') return [];
  return typeof v === 'string' ? [v] : v;
}
