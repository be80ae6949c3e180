// Checking a workflow specification before anything is written: every name it uses must be defined once,
// every reference must resolve, and blocked_by must not form a cycle. The result is a plan in which each
// reference is an index, ready to be written in one transaction. Pure: no storage, no clock.
import type { components } from '@pipeloom/sdk/generated';
import { AppError } from '../errors.ts';
import { SCHEDULER_COLLECTIONS, type DocumentCollection, type EdgeName } from './collections.ts';
import type { CollectionDocs } from './wire.ts';

type WorkflowSpec = components['schemas']['workflow_specification_model'];
type JobSpec = components['schemas']['job_specification_model'];
export type SchedulerCollection = (typeof SCHEDULER_COLLECTIONS)[number];

/** The resource requirements a job without any gets; its name in a specification. */
export const DEFAULT_RESOURCE_REQUIREMENTS_NAME = 'default';

/** How many problems one 400 lists before it says "and N more". */
const MAX_REPORTED = 10;

/** A job's name-valued list fields: the collection they name, and the edge each name becomes. */
export const LIST_RELATIONS = [
  { field: 'input_files', collection: 'files', edge: 'needs' },
  { field: 'output_files', collection: 'files', edge: 'produces' },
  { field: 'input_user_data', collection: 'user_data', edge: 'consumes' },
  { field: 'output_user_data', collection: 'user_data', edge: 'stores' },
] as const satisfies readonly { field: keyof JobSpec; collection: DocumentCollection; edge: EdgeName }[];

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

/** A specification whose names have all been checked, with every reference resolved to an index. */
export interface Plan {
  jobs: JobSpec[];
  lists: { [C in 'files' | 'user_data' | 'resource_requirements' | SchedulerCollection]: CollectionDocs[C][] };
  /** Per job: indexes of its blockers, of its files/user data per relation, its RR and scheduler. */
  refs: {
    blockers: number[];
    lists: number[][];
    rr?: number;
    scheduler?: { collection: SchedulerCollection; index: number };
    scheduleOn?: { collection: SchedulerCollection; index: number };
  }[];
}

/** Checks the whole specification before anything is written; every problem found is a 400. */
export function planSpecification(spec: WorkflowSpec): Plan {
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
