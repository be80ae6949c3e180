// Torc's rules for workflows, their config and their status (semantics.md §1, §6, §7).
import type { components } from '@pipeloom/sdk/generated';
import { AppError, notFound } from '../errors.ts';
import { compact, conflict, identity, listQuery, page, parseKey, requireRevision, type Page } from './documents.ts';
import type {
  Versioned, WorkflowConfigRow, WorkflowFilter, WorkflowRepository, WorkflowRow, WorkflowSortField, WorkflowStatusRow,
} from './workflow-repository.ts';

type Workflow = components['schemas']['workflow_model'];
type WorkflowConfig = components['schemas']['workflow_config_model'];
type WorkflowStatus = components['schemas']['workflow_status_model'];
type ResourceStats = components['schemas']['compute_node_resource_stats_model'];

export const DEFAULT_RESOURCE_STATS: Required<ResourceStats> = {
  cpu: true, disk: false, memory: true, network: false, process: false, include_child_processes: true,
  recurse_child_processes: false, monitor_type: 'aggregation', make_plots: true, interval: 10,
};

export interface WorkflowListQuery {
  skip?: number;
  limit?: number;
  sort_by?: '_key' | 'name' | 'user' | 'description' | 'timestamp' | 'is_archived';
  reverse_sort?: boolean;
  _key?: string;
  name?: string;
  user?: string;
  description?: string;
  is_archived?: boolean;
}

const SORT_FIELDS: Record<NonNullable<WorkflowListQuery['sort_by']>, WorkflowSortField> = {
  _key: 'id', name: 'name', user: 'user', description: 'description', timestamp: 'timestamp', is_archived: 'isArchived',
};

export function workflowToWire(row: WorkflowRow, oldRev?: number): Workflow {
  return compact({
    ...identity('workflows', row.id, row.rev),
    ...(oldRev !== undefined ? { _oldRev: String(oldRev) } : {}),
    name: row.name,
    user: row.user,
    description: row.description,
    timestamp: row.timestamp,
    is_archived: row.isArchived,
    queue: row.queue,
  }) as Workflow;
}

function configToWire(row: WorkflowConfigRow, oldRev?: number): WorkflowConfig {
  return compact({
    ...identity('workflow_configs', row.id, row.rev),
    ...(oldRev !== undefined ? { _oldRev: String(oldRev) } : {}),
    workflow_startup_script: row.workflowStartupScript,
    workflow_completion_script: row.workflowCompletionScript,
    worker_startup_script: row.workerStartupScript,
    compute_node_resource_stats: row.computeNodeResourceStats as ResourceStats,
    compute_node_expiration_buffer_seconds: row.computeNodeExpirationBufferSeconds,
    compute_node_wait_for_new_jobs_seconds: row.computeNodeWaitForNewJobsSeconds,
    compute_node_ignore_workflow_completion: row.computeNodeIgnoreWorkflowCompletion,
    compute_node_wait_for_healthy_database_minutes: row.computeNodeWaitForHealthyDatabaseMinutes,
    prepare_jobs_sort_method: row.prepareJobsSortMethod as WorkflowConfig['prepare_jobs_sort_method'],
  }) as WorkflowConfig;
}

function statusToWire(row: WorkflowStatusRow, oldRev?: number): WorkflowStatus {
  return compact({
    ...identity('workflow_statuses', row.id, row.rev),
    ...(oldRev !== undefined ? { _oldRev: String(oldRev) } : {}),
    run_id: row.runId,
    is_canceled: row.isCanceled,
    auto_tune_status: row.autoTuneStatus as WorkflowStatus['auto_tune_status'],
    has_detected_need_to_run_completion_script: row.hasDetectedNeedToRunCompletionScript,
  }) as WorkflowStatus;
}

/** Maps the result of a conditional write to the document, a 404 or a 409. */
function settle<T extends { rev: number }>(result: Versioned<T>, what: string, key: string, sentRev: string | undefined): T {
  if (result.ok) return result.row;
  if (!result.current) throw notFound(`${what} ${key}`);
  throw conflict(what, key, sentRev, result.current.rev);
}

export class WorkflowService {
  constructor(private readonly repo: WorkflowRepository) {}

  /** A page of the workflows matching `q`; only those `visibleTo` may read when it is given. */
  async list(q: WorkflowListQuery, visibleTo?: string): Promise<Page<Workflow>> {
    // One list query for every collection: the workflow fields map onto its columns.
    const { where, orderBy, skip, take } = listQuery(
      { ...q, sort_by: q.sort_by && q.sort_by !== '_key' ? SORT_FIELDS[q.sort_by] : q.sort_by, is_archived: undefined, isArchived: q.is_archived },
      ['name', 'user', 'description', 'timestamp', 'isArchived'],
      { nullable: ['name', 'description'] },
    );
    const { rows, total } = await this.repo.list({ ...(where as WorkflowFilter), visibleTo }, orderBy, skip, take);
    return page(rows.map((r) => workflowToWire(r)), skip, total);
  }

  /** Looks the workflow up or answers 404; other services use this to scope their collections. */
  async require(key: string): Promise<WorkflowRow> {
    const row = await this.repo.get(parseKey(key, 'workflow'));
    if (!row) throw notFound(`workflow ${key}`);
    return row;
  }

  /** The workflow's integer id, or a 404 naming the key. */
  async idOf(key: string): Promise<number> {
    return (await this.require(key)).id;
  }

  async get(key: string): Promise<Workflow> {
    return workflowToWire(await this.require(key));
  }

  /** Creates the workflow, owned by `creator`. */
  async create(body: Workflow, creator: string): Promise<Workflow> {
    if (body._key !== undefined || body._rev !== undefined || body._id !== undefined) {
      throw new AppError('INVALID_ARGUMENT', 'a new workflow gets its _key, _id and _rev from the server; leave them out');
    }
    const row = await this.repo.create(
      {
        name: body.name ?? null,
        user: body.user,
        description: body.description ?? null,
        timestamp: body.timestamp || new Date().toISOString(),
        isArchived: body.is_archived ?? false,
        queue: body.queue || null,
        creator,
      },
      { computeNodeResourceStats: DEFAULT_RESOURCE_STATS },
      { autoTuneStatus: { enabled: false, job_keys: [] }, scheduledComputeNodeIds: [] },
    );
    return workflowToWire(row);
  }

  async update(key: string, body: Workflow): Promise<Workflow> {
    const rev = requireRevision(body, key, 'workflow');
    const id = parseKey(key, 'workflow');
    // Torc patches the top-level fields it is sent; the validator has already applied schema defaults.
    const result = await this.repo.update(id, rev, {
      ...compact({ name: body.name, user: body.user, description: body.description, timestamp: body.timestamp, isArchived: body.is_archived }),
      // An empty queue takes the workflow off its queue; a missing one leaves it as it is.
      ...(body.queue === undefined ? {} : { queue: body.queue || null }),
    });
    return workflowToWire(settle(result, 'workflow', key, body._rev), rev);
  }

  async remove(key: string): Promise<Workflow> {
    const row = await this.repo.delete(parseKey(key, 'workflow'));
    if (!row) throw notFound(`workflow ${key}`);
    return workflowToWire(row);
  }

  async getConfig(key: string): Promise<WorkflowConfig> {
    const row = await this.repo.getConfig(parseKey(key, 'workflow'));
    if (!row) throw notFound(`workflow ${key}`);
    return configToWire(row);
  }

  async updateConfig(key: string, body: WorkflowConfig): Promise<WorkflowConfig> {
    const current = await this.repo.getConfig(parseKey(key, 'workflow'));
    if (!current) throw notFound(`workflow ${key}`);
    const rev = requireRevision(body, String(current.id), 'workflow config');
    const result = await this.repo.updateConfig(current.workflowId, rev, compact({
      workflowStartupScript: body.workflow_startup_script,
      workflowCompletionScript: body.workflow_completion_script,
      workerStartupScript: body.worker_startup_script,
      computeNodeResourceStats: body.compute_node_resource_stats ? { ...DEFAULT_RESOURCE_STATS, ...body.compute_node_resource_stats } : undefined,
      computeNodeExpirationBufferSeconds: body.compute_node_expiration_buffer_seconds,
      computeNodeWaitForNewJobsSeconds: body.compute_node_wait_for_new_jobs_seconds,
      computeNodeIgnoreWorkflowCompletion: body.compute_node_ignore_workflow_completion,
      computeNodeWaitForHealthyDatabaseMinutes: body.compute_node_wait_for_healthy_database_minutes,
      prepareJobsSortMethod: body.prepare_jobs_sort_method,
    }));
    return configToWire(settle(result, 'workflow config', String(current.id), body._rev), rev);
  }

  async getStatus(key: string): Promise<WorkflowStatus> {
    const row = await this.repo.getStatus(parseKey(key, 'workflow'));
    if (!row) throw notFound(`workflow ${key}`);
    return statusToWire(row);
  }

  async updateStatus(key: string, body: WorkflowStatus): Promise<WorkflowStatus> {
    const current = await this.repo.getStatus(parseKey(key, 'workflow'));
    if (!current) throw notFound(`workflow ${key}`);
    const rev = requireRevision(body, String(current.id), 'workflow status');
    const result = await this.repo.updateStatus(current.workflowId, rev, compact({
      runId: body.run_id,
      isCanceled: body.is_canceled,
      autoTuneStatus: { enabled: body.auto_tune_status.enabled ?? false, job_keys: body.auto_tune_status.job_keys ?? [] },
      hasDetectedNeedToRunCompletionScript: body.has_detected_need_to_run_completion_script,
    }));
    return statusToWire(settle(result, 'workflow status', String(current.id), body._rev), rev);
  }
}
