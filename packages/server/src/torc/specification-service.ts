// Workflow specifications (spec-and-worker.md §A, semantics.md §6): a whole workflow written by NAMES in one
// document. POST checks every name first, then creates the workflow and everything in it in one transaction
// with one batched insert per collection; GET rebuilds the document from the stored workflow; the job
// specification endpoints show stored jobs with their relations turned back into names.
import type { components } from '@pipeloom/sdk/generated';
import { AppError, notFound } from '../errors.ts';
import { COLLECTIONS, SCHEDULER_COLLECTIONS, type DocumentCollection, type EdgeName } from './collections.ts';
import { clampLimit, compact, docIdentity, page, parseDocumentId, parseKey, type Page } from './documents.ts';
import type { Row } from './document-repository.ts';
import { fromWire, toWire, type Doc } from './document-service.ts';
import { modelOf } from './job-service.ts';
import type { NewEdge, SpecificationRepository } from './specification-repository.ts';
import { DEFAULT_RESOURCE_STATS, workflowToWire, type WorkflowService } from './workflow-service.ts';

type WorkflowSpec = components['schemas']['workflow_specification_model'];
type JobSpec = components['schemas']['job_specification_model'];
type Workflow = components['schemas']['workflow_model'];
type WorkflowConfig = components['schemas']['workflow_config_model'];
type SchedulerCollection = (typeof SCHEDULER_COLLECTIONS)[number];

/** The resource requirements a job without any gets; its name in a specification. */
export const DEFAULT_RESOURCE_REQUIREMENTS_NAME = 'default';

export const DEFAULT_CONFIG = {
  compute_node_resource_stats: DEFAULT_RESOURCE_STATS,
  compute_node_expiration_buffer_seconds: 120,
  compute_node_wait_for_new_jobs_seconds: 0,
  compute_node_ignore_workflow_completion: false,
  compute_node_wait_for_healthy_database_minutes: 20,
  prepare_jobs_sort_method: 'gpus_runtime_memory',
} as const satisfies WorkflowConfig;

/** How many problems one 400 lists before it says "and N more". */
const MAX_REPORTED = 10;

/** A job's name-valued list fields: the collection they name, and the edge each name becomes. */
const LIST_RELATIONS = [
  { field: 'input_files', collection: 'files', edge: 'needs' },
  { field: 'output_files', collection: 'files', edge: 'produces' },
  { field: 'input_user_data', collection: 'user_data', edge: 'consumes' },
  { field: 'output_user_data', collection: 'user_data', edge: 'stores' },
] as const satisfies readonly { field: keyof JobSpec; collection: DocumentCollection; edge: EdgeName }[];

const SPEC_EDGES: EdgeName[] = ['blocks', 'needs', 'produces', 'consumes', 'stores', 'requires', 'scheduled_bys'];
const OUTBOUND_EDGES: EdgeName[] = ['needs', 'produces', 'consumes', 'stores', 'requires', 'scheduled_bys'];

const JOB_FIELDS = ['name', 'command', 'invocation_script', 'cancel_on_blocking_job_failure', 'supports_termination'] as const;

/** Collects every problem with a specification, so one 400 names them all (up to a point). */
class Problems {
  readonly list: string[] = [];
  add(message: string) { this.list.push(message); }
  throwIfAny(): void {
    if (this.list.length === 0) return;
    const shown = this.list.slice(0, MAX_REPORTED).join('; ');
    const more = this.list.length > MAX_REPORTED ? `; and ${this.list.length - MAX_REPORTED} more` : '';
    throw new AppError('INVALID_ARGUMENT', `invalid workflow specification: ${shown}${more}`);
  }
}

const quote = (s: string) => JSON.stringify(s);
const jobLabel = (job: JobSpec, i: number) => (job.name !== undefined ? `job ${quote(job.name)}` : `jobs[${i}]`);

/** name → index in `items`; a name listed twice is a problem. Unnamed items cannot be referred to. */
function indexByName(items: { name?: string | null }[], what: string, problems: Problems): Map<string, number> {
  const index = new Map<string, number>();
  const reported = new Set<string>();
  items.forEach((item, i) => {
    const name = item.name;
    if (name === undefined || name === null) return;
    if (index.has(name)) {
      if (!reported.has(name)) problems.add(`${what} name ${quote(name)} is used more than once`);
      reported.add(name);
    } else index.set(name, i);
  });
  return index;
}

/** `slurm_schedulers/short` → its parts, when the collection is a scheduler collection. */
function parseSchedulerRef(ref: string): { collection: SchedulerCollection; name: string } | undefined {
  const slash = ref.indexOf('/');
  if (slash < 0) return undefined;
  const collection = ref.slice(0, slash);
  return (SCHEDULER_COLLECTIONS as readonly string[]).includes(collection)
    ? { collection: collection as SchedulerCollection, name: ref.slice(slash + 1) }
    : undefined;
}

/**
 * Names of the jobs on blocked_by cycles (and on paths between cycles), or undefined when there is none: trims
 * jobs that nothing blocks, then jobs that block nothing, until neither is left (Kahn's algorithm both ways).
 */
function findCycle(blockers: number[][], jobs: JobSpec[]): string[] | undefined {
  const n = jobs.length;
  const blocks: number[][] = Array.from({ length: n }, () => []);
  blockers.forEach((bs, job) => { for (const b of bs) blocks[b]!.push(job); });
  const alive = new Array<boolean>(n).fill(true);
  const trim = (incoming: number[][], outgoing: number[][]) => {
    const degree = incoming.map((list) => list.filter((j) => alive[j]).length);
    const queue = degree.flatMap((d, i) => (d === 0 && alive[i] ? [i] : []));
    for (let head = 0; head < queue.length; head++) {
      const job = queue[head]!;
      alive[job] = false;
      for (const next of outgoing[job]!) if (alive[next] && --degree[next]! === 0) queue.push(next);
    }
  };
  trim(blockers, blocks);
  if (!alive.includes(true)) return undefined;
  trim(blocks, blockers);
  return jobs.flatMap((job, i) => (alive[i] ? [job.name!] : []));
}

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

/** A specification whose names have all been checked, with every reference resolved to an index. */
interface Plan {
  jobs: JobSpec[];
  lists: Record<'files' | 'user_data' | 'resource_requirements' | SchedulerCollection, Doc[]>;
  /** Per job: indexes of its blockers, of its files/user data per relation, its RR and scheduler. */
  refs: {
    blockers: number[];
    lists: number[][];
    rr?: number;
    scheduler?: { collection: SchedulerCollection; index: number };
    scheduleOn?: { collection: SchedulerCollection; index: number };
  }[];
}

/** Looks names up in a stored workflow: `<collection> → id → name`. */
type NameIndex = Map<string, Map<number, string | null>>;

export class SpecificationService {
  constructor(
    private readonly repo: SpecificationRepository,
    private readonly workflows: WorkflowService,
  ) {}

  // ---- POST /workflow_specifications ----

  /** Creates the whole workflow or nothing. `caller` owns it when the specification names no user. */
  async create(spec: WorkflowSpec, caller: string): Promise<Workflow> {
    const plan = this.plan(spec);
    const row = await this.repo.transaction(async (w) => {
      const workflow = await w.createWorkflow(
        {
          name: spec.name ?? null,
          user: spec.user || caller,
          description: spec.description ?? null,
          timestamp: new Date().toISOString(),
          isArchived: false,
        },
        configColumns(spec.config),
        { autoTuneStatus: { enabled: false, job_keys: [] }, scheduledComputeNodeIds: [] },
      );
      const wid = workflow.id;
      const ids = {} as Record<keyof Plan['lists'], number[]>;
      for (const collection of Object.keys(plan.lists) as (keyof Plan['lists'])[]) {
        const def = COLLECTIONS[collection];
        ids[collection] = await w.createMany(def.model, wid, plan.lists[collection].map((doc) => fromWire(def, doc)));
      }
      const jobIds = await w.createMany('job', wid, plan.jobs.map((job, i) => {
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

  /** Checks the whole specification before anything is written; every problem found is a 400. */
  private plan(spec: WorkflowSpec): Plan {
    const problems = new Problems();
    if (spec.key !== undefined) {
      problems.add('key: a new workflow gets its _key from the server; leave key out');
    }
    const jobs = spec.jobs ?? [];
    const lists: Plan['lists'] = {
      files: spec.files ?? [],
      user_data: spec.user_data ?? [],
      resource_requirements: spec.resource_requirements ?? [],
      aws_schedulers: spec.schedulers?.aws_schedulers ?? [],
      local_schedulers: spec.schedulers?.local_schedulers ?? [],
      slurm_schedulers: spec.schedulers?.slurm_schedulers ?? [],
    };
    const names = {
      files: indexByName(lists.files, 'file', problems),
      user_data: indexByName(lists.user_data, 'user_data', problems),
      resource_requirements: indexByName(lists.resource_requirements, 'resource_requirements', problems),
      aws_schedulers: indexByName(lists.aws_schedulers, 'aws_schedulers', problems),
      local_schedulers: indexByName(lists.local_schedulers, 'local_schedulers', problems),
      slurm_schedulers: indexByName(lists.slurm_schedulers, 'slurm_schedulers', problems),
      jobs: indexByName(jobs, 'job', problems),
    };
    const schedulerRef = (ref: string, label: () => string, field: string) => {
      const parsed = parseSchedulerRef(ref);
      const index = parsed ? names[parsed.collection].get(parsed.name) : undefined;
      if (parsed && index !== undefined) return { collection: parsed.collection, index };
      problems.add(parsed
        ? `${label()}: ${field} names unknown scheduler ${quote(ref)}`
        : `${label()}: ${field} must be <collection>/<name> with collection one of ${SCHEDULER_COLLECTIONS.join(', ')}; got ${quote(ref)}`);
      return undefined;
    };

    const refs: Plan['refs'] = jobs.map((job, i) => {
      // Built only when there is something to report: most specifications have no problem at all.
      const label = () => jobLabel(job, i);
      if (job.key !== undefined) problems.add(`${label()}: a new job gets its _key from the server; leave key out`);
      const resolve = (values: string[] | undefined, index: Map<string, number>, field: string, what: string) => {
        const out: number[] = [];
        if (!values) return out;
        // Short lists (the usual case) look for repeats by scanning; long ones use a set.
        const seen = values.length > 16 ? new Set<string>() : undefined;
        values.forEach((name, k) => {
          const found = index.get(name);
          const repeated = seen ? seen.size === seen.add(name).size : values.indexOf(name) !== k;
          if (found === undefined) problems.add(`${label()}: ${field} names unknown ${what} ${quote(name)}`);
          else if (repeated) problems.add(`${label()}: ${field} lists ${quote(name)} more than once`);
          else out.push(found);
        });
        return out;
      };
      const blockers = resolve(job.blocked_by, names.jobs, 'blocked_by', 'job');
      const listRefs = LIST_RELATIONS.map((rel) => resolve(job[rel.field], names[rel.collection], rel.field, rel.collection === 'files' ? 'file' : 'user_data'));
      let rr: number | undefined;
      const rrName = job.resource_requirements;
      if (rrName !== undefined && rrName !== '') {
        rr = names.resource_requirements.get(rrName);
        // `default` is what GET answers for a job without any; it stands for "none" unless the spec defines it.
        if (rr === undefined && rrName !== DEFAULT_RESOURCE_REQUIREMENTS_NAME) {
          problems.add(`${label()}: resource_requirements names unknown resource_requirements ${quote(rrName)}`);
        }
      }
      const scheduler = job.scheduler ? schedulerRef(job.scheduler, label, 'scheduler') : undefined;
      const scheduleOn = job.schedule_compute_nodes
        ? schedulerRef(job.schedule_compute_nodes.scheduler_id, label, 'schedule_compute_nodes.scheduler_id')
        : undefined;
      return { blockers, lists: listRefs, rr, scheduler, scheduleOn };
    });
    problems.throwIfAny();

    const cycle = findCycle(refs.map((r) => r.blockers), jobs);
    if (cycle) problems.add(`blocked_by forms a cycle among jobs ${cycle.slice(0, MAX_REPORTED).map(quote).join(', ')}${cycle.length > MAX_REPORTED ? ', ...' : ''}`);
    problems.throwIfAny();
    return { jobs, lists, refs };
  }

  // ---- GET /workflow_specifications/{key} ----

  async get(key: string): Promise<WorkflowSpec> {
    const workflow = await this.workflows.require(key);
    const wid = workflow.id;
    const config = await this.workflows.getConfig(key);
    const read = async (collection: DocumentCollection) => (await this.repo.all(COLLECTIONS[collection].model, wid));
    const [files, userData, rrs, aws, local, slurm, jobs, edges] = await Promise.all([
      read('files'), read('user_data'), read('resource_requirements'),
      read('aws_schedulers'), read('local_schedulers'), read('slurm_schedulers'),
      this.repo.all('job', wid), this.repo.allEdges(wid, SPEC_EDGES),
    ]);
    const index: NameIndex = new Map();
    const add = (collection: string, rows: Row[]) => index.set(collection, new Map(rows.map((r) => [r.id, r.name as string | null])));
    add('files', files); add('user_data', userData); add('resource_requirements', rrs);
    add('aws_schedulers', aws); add('local_schedulers', local); add('slurm_schedulers', slurm); add('jobs', jobs);
    const wire = (collection: DocumentCollection, rows: Row[]) => rows.map((r) => toWire(COLLECTIONS[collection], r));
    return compact({
      name: workflow.name,
      user: workflow.user,
      description: workflow.description,
      config,
      files: wire('files', files),
      user_data: wire('user_data', userData),
      resource_requirements: wire('resource_requirements', rrs),
      schedulers: {
        aws_schedulers: wire('aws_schedulers', aws),
        local_schedulers: wire('local_schedulers', local),
        slurm_schedulers: wire('slurm_schedulers', slurm),
      },
      jobs: this.jobSpecs(wid, jobs, edges, index),
    }) as WorkflowSpec;
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
      const target = schedulerTarget(job, wid);
      if (target) want(target.collection, target.id);
    }
    const index: NameIndex = new Map();
    await Promise.all([...wanted].map(async ([collection, ids]) => {
      index.set(collection, await this.repo.namesOf(modelOf(collection as never), wid, ids));
    }));
    return this.jobSpecs(wid, jobs, edges, index);
  }

  /** Stored jobs in specification form: relations as names, `default` resource requirements when none. */
  private jobSpecs(wid: number, jobs: Row[], edges: { name: string; from_id: number; to_collection: string; to_id: number }[], index: NameIndex): JobSpec[] {
    // A document without a name (created through the REST API) is referred to by its _id.
    const nameOf = (collection: string, id: number) => index.get(collection)?.get(id) ?? docIdentity(collection, wid, id, 0)._id;
    const specs = new Map<number, JobSpec & Required<Pick<JobSpec, 'input_files' | 'output_files' | 'input_user_data' | 'output_user_data' | 'blocked_by'>>>();
    for (const job of jobs) {
      const spec: Doc = {};
      for (const f of JOB_FIELDS) spec[f] = job[f];
      spec.resource_requirements = DEFAULT_RESOURCE_REQUIREMENTS_NAME;
      const schedule = job.schedule_compute_nodes as Doc | null | undefined;
      if (schedule) {
        const target = schedulerTarget(job, wid);
        spec.schedule_compute_nodes = target ? { ...schedule, scheduler_id: `${target.collection}/${nameOf(target.collection, target.id)}` } : schedule;
      }
      Object.assign(spec, { input_files: [], output_files: [], input_user_data: [], output_user_data: [], blocked_by: [] });
      specs.set(job.id, compact(spec) as never);
    }
    for (const e of edges) {
      if (e.name === 'blocks') {
        specs.get(e.to_id)?.blocked_by.push(nameOf('jobs', e.from_id));
        continue;
      }
      const spec = specs.get(e.from_id);
      if (!spec) continue;
      const target = nameOf(e.to_collection, e.to_id);
      switch (e.name) {
        case 'needs': spec.input_files.push(target); break;
        case 'produces': spec.output_files.push(target); break;
        case 'consumes': spec.input_user_data.push(target); break;
        case 'stores': spec.output_user_data.push(target); break;
        case 'requires': spec.resource_requirements = target; break;
        case 'scheduled_bys': spec.scheduler = `${e.to_collection}/${target}`; break;
      }
    }
    return [...specs.values()];
  }

  // ---- fixed documents ----

  /** A small specification that POSTs as it is: two jobs chained by a file, with two sets of requirements. */
  example(): WorkflowSpec {
    return {
      name: 'example',
      description: 'Clean a CSV file, then summarize it. The second job needs the file the first one writes.',
      files: [
        { name: 'clean_script', path: 'scripts/clean.py' },
        { name: 'summarize_script', path: 'scripts/summarize.py' },
        { name: 'raw', path: 'data/raw.csv' },
        { name: 'clean', path: 'data/clean.csv' },
        { name: 'summary', path: 'data/summary.json' },
      ],
      resource_requirements: [
        { name: 'small', num_cpus: 1, memory: '2g', runtime: 'P0DT30M' },
        { name: 'large', num_cpus: 8, memory: '32g', runtime: 'P0DT4H' },
      ],
      jobs: [
        {
          name: 'clean',
          command: 'python scripts/clean.py -i data/raw.csv -o data/clean.csv',
          input_files: ['clean_script', 'raw'],
          output_files: ['clean'],
          resource_requirements: 'large',
        },
        {
          name: 'summarize',
          command: 'python scripts/summarize.py -i data/clean.csv -o data/summary.json',
          input_files: ['summarize_script', 'clean'],
          output_files: ['summary'],
          resource_requirements: 'small',
        },
      ],
    };
  }

  /** Every list empty and the config at its defaults. */
  template(): WorkflowSpec {
    return {
      name: '',
      description: '',
      user: '',
      files: [],
      user_data: [],
      jobs: [],
      resource_requirements: [],
      schedulers: { aws_schedulers: [], local_schedulers: [], slurm_schedulers: [] },
      config: structuredClone(DEFAULT_CONFIG) as WorkflowConfig,
    };
  }
}

/** The scheduler a stored job's schedule_compute_nodes points at, when it is a scheduler of this workflow. */
function schedulerTarget(job: Row, wid: number): { collection: SchedulerCollection; id: number } | undefined {
  const schedule = job.schedule_compute_nodes as { scheduler_id?: unknown } | null | undefined;
  if (!schedule || typeof schedule.scheduler_id !== 'string') return undefined;
  const parsed = parseDocumentId(schedule.scheduler_id);
  if (!parsed || parsed.workflowId !== wid || !(SCHEDULER_COLLECTIONS as readonly string[]).includes(parsed.collection)) return undefined;
  return { collection: parsed.collection as SchedulerCollection, id: parsed.id };
}
