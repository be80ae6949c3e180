/**
 * Every Torc call the worker makes, in one typed object, each through the one retry policy of retry.ts.
 * The rest of the worker talks to this facade, never to the raw client, so how a call is retried (and
 * how long the server may stay out of reach) is decided in one place.
 * @module
 */
import type { PipeloomClient } from '../client.js';
import type { components, operations } from '../generated/schema.js';
import type { Clock } from './clock.js';
import { describeError, withRetry, type RetryPolicy } from './retry.js';
import type { WorkerLog } from './types.js';

type Schemas = components['schemas'];
/** The JSON request body of an operation, as the contract declares it. */
type JsonBody<O extends keyof operations> = operations[O] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

export type Job = Schemas['job_model'];
export type WorkflowConfig = Schemas['workflow_config_model'];
export type FileDoc = Schemas['file_model'];
export type ComputeNode = Schemas['compute_node_model'];
export type ClaimRequest = Omit<JsonBody<'claim_and_start_jobs'>, 'compute_node_key'>;
export type QueueClaimRequest = JsonBody<'claim_queue_jobs'>;
export type QueueJob = Schemas['queue_job'];
export type CompleteRequest = Omit<JsonBody<'complete_jobs'>, 'compute_node_key'>;
export type EdgeName = operations['add_edge']['parameters']['path']['name'];
export type ProcessStatsBody = JsonBody<'add_job_process_stats'>;

/** Options of {@link TorcWorkerApi}. */
export interface TorcWorkerApiOptions {
  client: PipeloomClient;
  /** The workflow the calls are about; empty for a queue worker's own calls (ping and claim_queue_jobs). */
  workflowKey: string;
  log: WorkerLog;
  clock: Clock;
}

/** What a caller may change about one call's retries; the deadline defaults to {@link TorcWorkerApi.deadlineMs}. */
export type CallPolicy = Pick<RetryPolicy, 'deadlineMs' | 'giveUp' | 'onRetry' | 'attemptTimeoutMs'>;

/** The Torc operations a worker uses, bound to one workflow. */
export class TorcWorkerApi {
  /** How long every call keeps retrying while the server is out of reach (raised from the workflow config). */
  deadlineMs = 20 * 60_000;
  private readonly client: PipeloomClient;
  private readonly key: string;

  constructor(private readonly options: TorcWorkerApiOptions) {
    this.client = options.client;
    this.key = options.workflowKey;
  }

  /** The policy for one call: the shared deadline and clock, and a log line on the first retry. */
  private policy(what: string, extra: CallPolicy = {}): RetryPolicy {
    return {
      deadlineMs: this.deadlineMs,
      clock: this.options.clock,
      onRetry: (error, attempt, delay) =>
        this.options.log(attempt === 1 ? 'warn' : 'debug', `${what} failed (${describeError(error)}); retrying in ${(delay / 1000).toFixed(1)} s`),
      ...extra,
    };
  }

  /** The same calls, with the same retry policy and deadline, bound to another workflow. */
  forWorkflow(workflowKey: string): TorcWorkerApi {
    const api = new TorcWorkerApi({ ...this.options, workflowKey });
    api.deadlineMs = this.deadlineMs;
    return api;
  }

  ping(p?: CallPolicy) {
    return withRetry((signal) => this.client.GET('/torc-service/ping', { signal }), this.policy('ping', p));
  }

  status(p?: CallPolicy) {
    const path = { key: this.key };
    return withRetry((signal) => this.client.GET('/torc-service/workflows/{key}/status', { params: { path }, signal }), this.policy('reading the workflow status', p));
  }

  config(p?: CallPolicy) {
    const path = { key: this.key };
    return withRetry((signal) => this.client.GET('/torc-service/workflows/{key}/config', { params: { path }, signal }), this.policy('reading the workflow config', p));
  }

  isComplete(p?: CallPolicy) {
    const path = { key: this.key };
    return withRetry((signal) => this.client.GET('/torc-service/workflows/{key}/is_complete', { params: { path }, signal }), this.policy('asking whether the workflow is complete', p));
  }

  registerNode(body: JsonBody<'add_compute_node'>, p?: CallPolicy) {
    const path = { workflow: this.key };
    return withRetry((signal) => this.client.POST('/torc-service/workflows/{workflow}/compute_nodes', { params: { path }, body, signal }), this.policy('registering the compute node', p));
  }

  heartbeat(nodeKey: string, p?: CallPolicy) {
    const path = { workflow: this.key, key: nodeKey };
    return withRetry((signal) => this.client.PUT('/torc-service/workflows/{workflow}/compute_nodes/{key}/heartbeat', { params: { path }, body: {}, signal }), this.policy('the heartbeat', p));
  }

  readComputeNode(nodeKey: string, p?: CallPolicy) {
    const path = { workflow: this.key, key: nodeKey };
    return withRetry((signal) => this.client.GET('/torc-service/workflows/{workflow}/compute_nodes/{key}', { params: { path }, signal }), this.policy('reading the compute node', p));
  }

  putComputeNode(nodeKey: string, body: JsonBody<'modify_compute_node'>, p?: CallPolicy) {
    const path = { workflow: this.key, key: nodeKey };
    return withRetry((signal) => this.client.PUT('/torc-service/workflows/{workflow}/compute_nodes/{key}', { params: { path }, body, signal }), this.policy('updating the compute node', p));
  }

  claimJobs(nodeKey: string, body: ClaimRequest, p?: CallPolicy) {
    const path = { key: this.key };
    return withRetry((signal) => this.client.POST('/torc-service/workflows/{key}/claim_jobs', { params: { path }, body: { ...body, compute_node_key: nodeKey }, signal }), this.policy('claiming jobs', p));
  }

  /** Claims and starts ready jobs of every started workflow on `queue` (see claim_queue_jobs). */
  claimQueueJobs(queue: string, body: QueueClaimRequest, p?: CallPolicy) {
    const path = { queue };
    return withRetry((signal) => this.client.POST('/torc-service/queues/{queue}/claim_jobs', { params: { path }, body, signal }), this.policy(`claiming jobs from queue ${queue}`, p));
  }

  completeJobs(nodeKey: string, body: CompleteRequest, p?: CallPolicy) {
    const path = { key: this.key };
    return withRetry((signal) => this.client.POST('/torc-service/workflows/{key}/complete_jobs', { params: { path }, body: { ...body, compute_node_key: nodeKey }, signal }), this.policy(`reporting ${body.completions.length} completion(s)`, p));
  }

  readJob(jobKey: string, p?: CallPolicy) {
    const path = { workflow: this.key, key: jobKey };
    return withRetry((signal) => this.client.GET('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path }, signal }), this.policy(`reading job ${jobKey}`, p));
  }

  resourceRequirements(jobKey: string, p?: CallPolicy) {
    const path = { workflow: this.key, key: jobKey };
    return withRetry((signal) => this.client.GET('/torc-service/workflows/{workflow}/jobs/{key}/resource_requirements', { params: { path }, signal }), this.policy(`reading the resource requirements of job ${jobKey}`, p));
  }

  /** Jobs in `status` joined with their inbound `executed` edges (who started them). */
  executedJobs(status: NonNullable<Job['status']>, p?: CallPolicy) {
    const path = { key: this.key, collection: 'jobs' as const, edge: 'executed' as const };
    return withRetry((signal) => this.client.POST('/torc-service/workflows/{key}/join_by_inbound_edge/{collection}/{edge}', { params: { path }, body: { status }, signal }), this.policy('looking for jobs claimed by a lost answer', p));
  }

  /** Puts a job back to `ready` (manage_status_change), e.g. one this worker will not run. */
  handBack(job: { _key: string; _rev: string }, runId: number, p?: CallPolicy) {
    const path = { workflow: this.key, key: job._key, status: 'ready' as const, rev: job._rev, run_id: runId };
    return withRetry((signal) => this.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}/manage_status_change/{status}/{rev}/{run_id}', { params: { path }, body: {}, signal }), this.policy(`handing job ${job._key} back`, p));
  }

  producedFiles(jobKey: string, skip: number, p?: CallPolicy) {
    const path = { workflow: this.key, key: jobKey };
    return withRetry((signal) => this.client.GET('/torc-service/workflows/{workflow}/files/produced_by_job/{key}', { params: { path, query: { skip } }, signal }), this.policy(`listing the outputs of job ${jobKey}`, p));
  }

  readFile(fileKey: string, p?: CallPolicy) {
    const path = { workflow: this.key, key: fileKey };
    return withRetry((signal) => this.client.GET('/torc-service/workflows/{workflow}/files/{key}', { params: { path }, signal }), this.policy(`reading file ${fileKey}`, p));
  }

  putFile(fileKey: string, body: JsonBody<'modify_file'>, p?: CallPolicy) {
    const path = { workflow: this.key, key: fileKey };
    return withRetry((signal) => this.client.PUT('/torc-service/workflows/{workflow}/files/{key}', { params: { path }, body, signal }), this.policy(`recording the mtime of ${body.path}`, p));
  }

  addProcessStats(body: ProcessStatsBody, p?: CallPolicy) {
    const path = { workflow: this.key };
    return withRetry((signal) => this.client.POST('/torc-service/workflows/{workflow}/job_process_stats', { params: { path }, body, signal }), this.policy(`recording the process stats of job ${body.job_key}`, p));
  }

  addEdge(name: EdgeName, body: JsonBody<'add_edge'>, p?: CallPolicy) {
    const path = { workflow: this.key, name };
    return withRetry((signal) => this.client.POST('/torc-service/workflows/{workflow}/edges/{name}', { params: { path }, body, signal }), this.policy(`adding a ${name} edge`, p));
  }

  findResult(jobKey: string, p?: CallPolicy) {
    const path = { workflow: this.key, key: jobKey };
    return withRetry((signal) => this.client.GET('/torc-service/workflows/{workflow}/results/find_by_job/{key}', { params: { path }, signal }), this.policy(`reading the result of job ${jobKey}`, p));
  }

  addEvent(body: JsonBody<'add_event'>, p?: CallPolicy) {
    const path = { workflow: this.key };
    return withRetry((signal) => this.client.POST('/torc-service/workflows/{workflow}/events', { params: { path }, body, signal }), this.policy(`posting a ${String(body.type)} event`, p));
  }
}
