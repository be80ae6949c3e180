// Torc's read-mostly views across collections (semantics.md §6), plus the two writes that belong to them:
// POST jobs/{key}/user_data (user data and its `stores` edge together) and PUT jobs/{key}/resource_requirements.
// Every view answers 404 for an unknown workflow, job, file or resource requirements key.
import { notFound } from '../errors.ts';
import type { JsonStream } from '../http/json-stream.ts';
import { DOCUMENT_ONLY, EDGES, VERTEX_COLLECTIONS } from './collections.ts';
import type { Row } from './document-repository.ts';
import { clampLimit, mapRows, page, parseKey, rejectIdentity, streamPage, type Page } from './documents.ts';
import { documentToWire, edgeToWire, fromWire, jobToWire, type CollectionDocs, type Edge, type Job } from './wire.ts';
import type { QueryRepository, TxQueries } from './query-repository.ts';
import type { WorkflowService } from './workflow-service.ts';

export interface PageQuery {
  skip?: number;
  limit?: number;
}

/** What a job without a `requires` edge gets (Torc's defaults; no `_key`, as upstream). */
export const DEFAULT_RESOURCE_REQUIREMENTS = {
  name: 'default', num_cpus: 1, num_gpus: 0, num_nodes: 1, memory: '1m', runtime: 'P0DT1M',
} as const satisfies ResourceRequirements;

type ResourceRequirements = CollectionDocs['resource_requirements'];

export class QueryService {
  constructor(
    private readonly repo: QueryRepository,
    private readonly workflows: WorkflowService,
  ) {}

  /** The workflow's id and the job's id, or a 404 naming whichever is missing. */
  private async job(workflowKey: string, jobKey: string, reader: TxQueries = this.repo.reader): Promise<{ workflowId: number; jobId: number }> {
    const workflowId = await this.workflows.idOf(workflowKey);
    const jobId = parseKey(jobKey, 'job');
    if (!(await reader.jobExists(workflowId, jobId))) throw notFound(`job ${jobKey} of workflow ${workflowKey}`);
    return { workflowId, jobId };
  }

  async collectionNames(workflowKey: string): Promise<{ names: string[] }> {
    const id = await this.workflows.idOf(workflowKey);
    const bases = [...DOCUMENT_ONLY, ...VERTEX_COLLECTIONS, ...Object.keys(EDGES)];
    return { names: bases.map((b) => `${b}__${id}`) };
  }

  async jobKeys(workflowKey: string): Promise<{ items: string[] }> {
    const ids = await this.repo.reader.jobIds(await this.workflows.idOf(workflowKey));
    return { items: ids.map(String) };
  }

  async jobsByStatus(workflowKey: string, status: string, query: PageQuery): Promise<JsonStream<Page<Job>>> {
    const workflowId = await this.workflows.idOf(workflowKey);
    const skip = query.skip ?? 0;
    const { rows, total } = await this.repo.reader.jobsByStatus(workflowId, status, skip, clampLimit(query.limit));
    return streamPage(mapRows(rows, (r) => jobToWire(r)), skip, total);
  }

  async jobsNeedingFile(workflowKey: string, fileKey: string, query: PageQuery): Promise<JsonStream<Page<Job>>> {
    const workflowId = await this.workflows.idOf(workflowKey);
    const fileId = parseKey(fileKey, 'file');
    const reader = this.repo.reader;
    if (!(await reader.fileExists(workflowId, fileId))) throw notFound(`file ${fileKey} of workflow ${workflowKey}`);
    const ids = await reader.sourcesOf(workflowId, 'needs', 'files', fileId);
    return this.pageOf('jobs', workflowId, ids.sort(byNumber), query, (r) => jobToWire(r));
  }

  async filesProducedByJob(workflowKey: string, jobKey: string, query: PageQuery): Promise<JsonStream<Page<CollectionDocs['files']>>> {
    const { workflowId, jobId } = await this.job(workflowKey, jobKey);
    const ids = await this.repo.reader.targetsOf(workflowId, 'produces', 'jobs', jobId);
    return this.pageOf('files', workflowId, ids.sort(byNumber), query, (r) => documentToWire('files', r));
  }

  /** The user data a job stores or consumes: all of it in one page. */
  async userDataOfJob(workflowKey: string, jobKey: string, edge: 'stores' | 'consumes'): Promise<Page<CollectionDocs['user_data']>> {
    const { workflowId, jobId } = await this.job(workflowKey, jobKey);
    const ids = await this.repo.reader.targetsOf(workflowId, edge, 'jobs', jobId);
    const rows = await this.repo.reader.byIds('user_data', workflowId, ids.sort(byNumber));
    return page(rows.map((r) => documentToWire('user_data', r)), 0, rows.length);
  }

  /** Creates the user data and the `stores` edge job → user data in one transaction. */
  async addUserDataForJob(workflowKey: string, jobKey: string, body: CollectionDocs['user_data']): Promise<CollectionDocs['user_data']> {
    rejectIdentity(body, 'user_data');
    const workflowId = await this.workflows.idOf(workflowKey);
    const jobId = parseKey(jobKey, 'job');
    const row = await this.repo.transaction(async (tx) => {
      if (!(await tx.jobExists(workflowId, jobId))) throw notFound(`job ${jobKey} of workflow ${workflowKey}`);
      const created = await tx.createUserData(workflowId, fromWire('user_data', body));
      await tx.createEdge(workflowId, { name: 'stores', from_collection: 'jobs', from_id: jobId, to_collection: 'user_data', to_id: created.id });
      return created;
    });
    return documentToWire('user_data', row);
  }

  async jobResourceRequirements(workflowKey: string, jobKey: string): Promise<ResourceRequirements> {
    const { workflowId, jobId } = await this.job(workflowKey, jobKey);
    const [rrId] = await this.repo.reader.targetsOf(workflowId, 'requires', 'jobs', jobId);
    const row = rrId === undefined ? null : await this.repo.reader.getResourceRequirements(workflowId, rrId);
    return row ? documentToWire('resource_requirements', row) : { ...DEFAULT_RESOURCE_REQUIREMENTS };
  }

  /** Replaces the job's `requires` edge; `internal` is recomputed by the next initialize_jobs, as upstream. */
  async setJobResourceRequirements(workflowKey: string, jobKey: string, rrKey: string): Promise<Edge> {
    const workflowId = await this.workflows.idOf(workflowKey);
    const jobId = parseKey(jobKey, 'job');
    const rrId = parseKey(rrKey, 'resource_requirements');
    const edge = await this.repo.transaction(async (tx) => {
      if (!(await tx.jobExists(workflowId, jobId))) throw notFound(`job ${jobKey} of workflow ${workflowKey}`);
      if (!(await tx.getResourceRequirements(workflowId, rrId))) throw notFound(`resource_requirements ${rrKey} of workflow ${workflowKey}`);
      await tx.deleteEdgesFrom(workflowId, 'requires', 'jobs', jobId);
      return tx.createEdge(workflowId, { name: 'requires', from_collection: 'jobs', from_id: jobId, to_collection: 'resource_requirements', to_id: rrId });
    });
    return edgeToWire(edge);
  }

  async processStats(workflowKey: string, jobKey: string): Promise<CollectionDocs['job_process_stats'][]> {
    const { workflowId, jobId } = await this.job(workflowKey, jobKey);
    const rows = await this.repo.reader.processStatsOf(workflowId, jobId);
    return rows.map((r) => documentToWire('job_process_stats', r));
  }

  /** The job's result for the workflow's current run_id (the latest stored, if several), or 404. */
  async latestResult(workflowKey: string, jobKey: string): Promise<CollectionDocs['results']> {
    const { workflowId, jobId } = await this.job(workflowKey, jobKey);
    const runId = await this.repo.reader.currentRunId(workflowId);
    const row = runId === undefined ? null : await this.repo.reader.latestResult(workflowId, jobId, runId);
    if (!row) throw notFound(`a result of job ${jobKey} for run ${runId} of workflow ${workflowKey}`);
    return documentToWire('results', row);
  }

  /** Every job downstream of the job through `blocks`, breadth first, paged. */
  async downstreamJobs(workflowKey: string, jobKey: string, query: PageQuery): Promise<JsonStream<Page<Job>>> {
    const { workflowId, jobId } = await this.job(workflowKey, jobKey);
    const ids = await this.repo.reader.downstreamJobIds(workflowId, jobId);
    return this.pageOf('jobs', workflowId, ids, query, (r) => jobToWire(r));
  }

  /** One page of an ordered id list, streamed: its documents are fetched by id, a chunk at a time. */
  private pageOf<T>(collection: 'jobs' | 'files', workflowId: number, ids: number[], query: PageQuery, wire: (r: Row) => T): JsonStream<Page<T>> {
    const skip = query.skip ?? 0;
    const rows = this.repo.reader.streamByIds(collection, workflowId, ids.slice(skip, skip + clampLimit(query.limit)));
    return streamPage(mapRows(rows, wire), skip, ids.length);
  }
}

const byNumber = (a: number, b: number) => a - b;
