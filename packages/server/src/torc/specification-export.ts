// Stored jobs back in specification form: relations (edges) turned into the names of their targets, and a
// job without resource requirements naming `default`. Pure: the caller reads the rows and the names.
import type { components } from '@pipeloom/sdk/generated';
import { SCHEDULER_COLLECTIONS, type EdgeName } from './collections.ts';
import { compact, docIdentity, parseDocumentId } from './documents.ts';
import type { Row } from './document-repository.ts';
import { DEFAULT_RESOURCE_REQUIREMENTS_NAME, type SchedulerCollection } from './specification-plan.ts';
import { jobToWire, type Job } from './wire.ts';

type JobSpec = components['schemas']['job_specification_model'];

/** Every edge a specification shows, and those of them that leave a job. */
export const SPEC_EDGES: EdgeName[] = ['blocks', 'needs', 'produces', 'consumes', 'stores', 'requires', 'scheduled_bys'];
export const OUTBOUND_EDGES: EdgeName[] = ['needs', 'produces', 'consumes', 'stores', 'requires', 'scheduled_bys'];

/** The parts of an edge a job specification needs. */
export type SpecEdge = { name: string; from_id: number; to_collection: string; to_id: number };

/** Looks names up in a stored workflow: `<collection> → id → name`. */
export type NameIndex = Map<string, Map<number, string | null>>;

/** Stored jobs in specification form: relations as names, `default` resource requirements when none. */
export function jobSpecifications(wid: number, jobs: Row[], edges: SpecEdge[], index: NameIndex): JobSpec[] {
  // A document without a name (created through the REST API) is referred to by its _id.
  const nameOf = (collection: string, id: number) => index.get(collection)?.get(id) ?? docIdentity(collection, wid, id, 0)._id;
  const specs = new Map<number, JobSpec & Required<Pick<JobSpec, 'input_files' | 'output_files' | 'input_user_data' | 'output_user_data' | 'blocked_by'>>>();
  for (const row of jobs) {
    const job = jobToWire(row);
    const schedule = job.schedule_compute_nodes;
    const target = schedulerTarget(job, wid);
    specs.set(row.id, compact({
      name: job.name,
      command: job.command,
      invocation_script: job.invocation_script,
      cancel_on_blocking_job_failure: job.cancel_on_blocking_job_failure,
      supports_termination: job.supports_termination,
      resource_requirements: DEFAULT_RESOURCE_REQUIREMENTS_NAME,
      schedule_compute_nodes: schedule && target ? { ...schedule, scheduler_id: `${target.collection}/${nameOf(target.collection, target.id)}` } : schedule,
      input_files: [], output_files: [], input_user_data: [], output_user_data: [], blocked_by: [],
    }));
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

/** The scheduler a stored job's schedule_compute_nodes points at, when it is a scheduler of this workflow. */
export function schedulerTarget(job: Job, wid: number): { collection: SchedulerCollection; id: number } | undefined {
  const schedulerId = job.schedule_compute_nodes?.scheduler_id;
  if (typeof schedulerId !== 'string') return undefined;
  const parsed = parseDocumentId(schedulerId);
  const collection = SCHEDULER_COLLECTIONS.find((c) => c === parsed?.collection);
  if (!parsed || parsed.workflowId !== wid || !collection) return undefined;
  return { collection, id: parsed.id };
}
