// Workflow specifications (spec-and-worker.md §A, semantics.md §6): a whole workflow written by NAMES in one
// document. POST checks every name first (specification-plan.ts), then creates the workflow and everything
// in it in one transaction with one batched insert per collection; GET rebuilds the document from the stored
// workflow; the job specification endpoints show stored jobs with their relations turned back into names
// (specification-export.ts).
import type { components } from '@pipeloom/sdk/generated';
import { notFound } from '../errors.ts';
import { failPoint } from '../fail-points.ts';
import { isVertexCollection, type DocumentCollection, type EdgeName } from './collections.ts';
import { clampLimit, compact, page, parseKey, type Page } from './documents.ts';
import type { Row } from './document-repository.ts';
import { exampleSpecification, templateSpecification } from './specification-examples.ts';
import { jobSpecifications, OUTBOUND_EDGES, schedulerTarget, SPEC_EDGES, type NameIndex } from './specification-export.ts';
import { LIST_RELATIONS, planSpecification, type Plan } from './specification-plan.ts';
import type { NewEdge, SpecificationRepository } from './specification-repository.ts';
import { documentToWire, fromWire, jobToWire, type Doc } from './wire.ts';
import { DEFAULT_RESOURCE_STATS, workflowToWire, type WorkflowService } from './workflow-service.ts';

type WorkflowSpec = components['schemas']['workflow_specification_model'];
type JobSpec = components['schemas']['job_specification_model'];
type Workflow = components['schemas']['workflow_model'];
type WorkflowConfig = components['schemas']['workflow_config_model'];

/** The job fields a specification writes as they are. */
const JOB_FIELDS = ['name', 'command', 'invocation_script', 'cancel_on_blocking_job_failure', 'supports_termination'] as const;

/** Spec config → WorkflowConfig columns; what is left out keeps its default. */
function configColumns(config: WorkflowConfig | undefined) {
  const c = config ?? {};
  return compact({
    workflowStartupScript: c.workflow_startup_script,
    workflowCompletionScript: c.workflow_completion_script,
    workerStartupScript: c.worker_startup_script,
    computeNodeResourceStats: { ...DEFAULT_RESOURCE_STATS, ...c.compute_node_resource_stats },
    computeNodeExpirationBufferSeconds: c.compute_node_expiration_buffer_seconds,
    computeNodeWaitForNewJobsSeconds: c.compute_node_wait_for_new_jobs_seconds,
    computeNodeIgnoreWorkflowCompletion: c.compute_node_ignore_workflow_completion,
    computeNodeWaitForHealthyDatabaseMinutes: c.compute_node_wait_for_healthy_database_minutes,
    prepareJobsSortMethod: c.prepare_jobs_sort_method,
  });
}

export class SpecificationService {
  constructor(
    private readonly repo: SpecificationRepository,
    private readonly workflows: WorkflowService,
  ) {}

  // ---- POST /workflow_specifications ----

  /** Creates the whole workflow or nothing, owned by `caller`, who is also its `user` when the specification names none. */
  async create(spec: WorkflowSpec, caller: string): Promise<Workflow> {
    const plan = planSpecification(spec);
    const row = await this.repo.transaction(async (w) => {
      const workflow = await w.createWorkflow(
        {
          name: spec.name ?? null,
          user: spec.user || caller,
          description: spec.description ?? null,
          timestamp: new Date().toISOString(),
          isArchived: false,
          creator: caller,
        },
        configColumns(spec.config),
        { autoTuneStatus: { enabled: false, job_keys: [] }, scheduledComputeNodeIds: [] },
      );
      const wid = workflow.id;
      const ids = {} as Record<keyof Plan['lists'], number[]>;
      for (const collection of Object.keys(plan.lists) as (keyof Plan['lists'])[]) {
        ids[collection] = await w.createMany(collection, wid, plan.lists[collection].map((doc) => fromWire(collection, doc)));
      }
      const jobIds = await w.createMany('jobs', wid, plan.jobs.map((job, i) => {
        const data: Doc = {};
        for (const f of JOB_FIELDS) if (job[f] !== undefined) data[f] = job[f];
        const on = plan.refs[i]!.scheduleOn;
        if (job.schedule_compute_nodes) {
          data.schedule_compute_nodes = {
            ...job.schedule_compute_nodes,
            scheduler_id: on ? `${on.collection}__${wid}/${ids[on.collection][on.index]}` : job.schedule_compute_nodes.scheduler_id,
          };
        }
        return data;
      }));
      await failPoint('torc.specification.jobs-inserted');
      const edges: NewEdge[] = [];
      plan.refs.forEach((ref, i) => {
        const jobId = jobIds[i]!;
        const out = (name: EdgeName, to_collection: string, to_id: number) =>
          edges.push({ name, from_collection: 'jobs', from_id: jobId, to_collection, to_id });
        for (const b of ref.blockers) edges.push({ name: 'blocks', from_collection: 'jobs', from_id: jobIds[b]!, to_collection: 'jobs', to_id: jobId });
        LIST_RELATIONS.forEach((rel, k) => { for (const t of ref.lists[k]!) out(rel.edge, rel.collection, ids[rel.collection][t]!); });
        if (ref.rr !== undefined) out('requires', 'resource_requirements', ids.resource_requirements[ref.rr]!);
        if (ref.scheduler) out('scheduled_bys', ref.scheduler.collection, ids[ref.scheduler.collection][ref.scheduler.index]!);
      });
      await w.createEdges(wid, edges);
      return workflow;
    });
    return workflowToWire(row);
  }

  // ---- GET /workflow_specifications/{key} ----

  async get(key: string): Promise<WorkflowSpec> {
    const workflow = await this.workflows.require(key);
    const wid = workflow.id;
    const config = await this.workflows.getConfig(key);
    const read = async (collection: DocumentCollection) => (await this.repo.all(collection, wid));
    const [files, userData, rrs, aws, local, slurm, jobs, edges] = await Promise.all([
      read('files'), read('user_data'), read('resource_requirements'),
      read('aws_schedulers'), read('local_schedulers'), read('slurm_schedulers'),
      this.repo.all('jobs', wid), this.repo.allEdges(wid, SPEC_EDGES),
    ]);
    const index: NameIndex = new Map();
    const add = (collection: string, rows: Row[]) => index.set(collection, new Map(rows.map((r) => [r.id, r.name as string | null])));
    add('files', files); add('user_data', userData); add('resource_requirements', rrs);
    add('aws_schedulers', aws); add('local_schedulers', local); add('slurm_schedulers', slurm); add('jobs', jobs);
    const wire = <C extends DocumentCollection>(collection: C, rows: Row[]) => rows.map((r) => documentToWire(collection, r));
    const spec: WorkflowSpec = {
      name: workflow.name ?? undefined,
      user: workflow.user,
      description: workflow.description ?? undefined,
      config,
      files: wire('files', files),
      user_data: wire('user_data', userData),
      resource_requirements: wire('resource_requirements', rrs),
      schedulers: {
        aws_schedulers: wire('aws_schedulers', aws),
        local_schedulers: wire('local_schedulers', local),
        slurm_schedulers: wire('slurm_schedulers', slurm),
      },
      jobs: jobSpecifications(wid, jobs, edges, index),
    };
    return compact(spec);
  }

  // ---- GET /workflows/{workflow}/job_specifications[/{key}] ----

  async listJobs(workflowKey: string, query: { skip?: number; limit?: number }): Promise<Page<JobSpec>> {
    const wid = (await this.workflows.require(workflowKey)).id;
    const skip = query.skip ?? 0;
    const { rows, total } = await this.repo.jobsPage(wid, skip, clampLimit(query.limit));
    return page(await this.jobSpecsOf(wid, rows), skip, total);
  }

  async getJob(workflowKey: string, key: string): Promise<JobSpec> {
    const wid = (await this.workflows.require(workflowKey)).id;
    const row = await this.repo.getJob(wid, parseKey(key, 'job'));
    if (!row) throw notFound(`job ${key} of workflow ${workflowKey}`);
    return (await this.jobSpecsOf(wid, [row]))[0]!;
  }

  /** Job specifications of some jobs: loads only their edges and the names those edges reach. */
  private async jobSpecsOf(wid: number, jobs: Row[]): Promise<JobSpec[]> {
    if (jobs.length === 0) return [];
    const edges = await this.repo.edgesOfJobs(wid, jobs.map((j) => j.id), OUTBOUND_EDGES, ['blocks']);
    const wanted = new Map<string, number[]>();
    const want = (collection: string, id: number) => { const l = wanted.get(collection) ?? []; l.push(id); wanted.set(collection, l); };
    for (const e of edges) {
      if (e.name === 'blocks') want('jobs', e.from_id);
      else want(e.to_collection, e.to_id);
    }
    for (const job of jobs) {
      const target = schedulerTarget(jobToWire(job), wid);
      if (target) want(target.collection, target.id);
    }
    const index: NameIndex = new Map();
    await Promise.all([...wanted].map(async ([collection, ids]) => {
      if (isVertexCollection(collection)) index.set(collection, await this.repo.namesOf(collection, wid, ids));
    }));
    return jobSpecifications(wid, jobs, edges, index);
  }

  example(): WorkflowSpec {
    return exampleSpecification();
  }

  template(): WorkflowSpec {
    return templateSpecification();
  }
}
