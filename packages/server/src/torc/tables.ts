// The Torc tables and columns that raw SQL may name (see db/sql.ts): table and column names are checked
// against this list where a statement is built. test/db/sql.test.ts holds it equal to the migrated schema.
import type { TableMap } from '../db/sql.ts';

export const TORC_TABLES = {
  torc_workflow: ['id', 'rev', 'name', 'user_name', 'description', 'timestamp', 'is_archived', 'queue', 'owned_by', 'creator'],
  torc_workflow_share: ['id', 'workflow_id', 'username', 'access'],
  torc_workflow_config: [
    'id', 'rev', 'workflow_id', 'workflow_startup_script', 'workflow_completion_script', 'worker_startup_script',
    'compute_node_resource_stats', 'compute_node_expiration_buffer_seconds',
    'compute_node_wait_for_new_jobs_seconds', 'compute_node_ignore_workflow_completion',
    'compute_node_wait_for_healthy_database_minutes', 'prepare_jobs_sort_method',
  ],
  torc_workflow_status: [
    'id', 'rev', 'workflow_id', 'run_id', 'is_canceled', 'auto_tune_status',
    'has_detected_need_to_run_completion_script', 'scheduled_compute_node_ids',
  ],
  torc_job: [
    'id', 'rev', 'workflow_id', 'name', 'command', 'invocation_script', 'status', 'cancel_on_blocking_job_failure',
    'supports_termination', 'schedule_compute_nodes', 'internal_memory_bytes', 'internal_num_cpus',
    'internal_num_gpus', 'internal_num_nodes', 'internal_runtime_seconds', 'internal_scheduler_config_id',
    'internal_hash', 'claimed_at',
  ],
  torc_file: ['id', 'rev', 'workflow_id', 'name', 'path', 'st_mtime'],
  torc_user_data: ['id', 'rev', 'workflow_id', 'name', 'is_ephemeral', 'data'],
  torc_resource_requirements: [
    'id', 'rev', 'workflow_id', 'name', 'num_cpus', 'num_gpus', 'num_nodes', 'memory', 'runtime',
  ],
  torc_result: [
    'id', 'rev', 'workflow_id', 'job_key', 'run_id', 'return_code', 'exec_time_minutes', 'completion_time',
    'status',
  ],
  torc_event: ['id', 'rev', 'workflow_id', 'category', 'type', 'message', 'timestamp', 'extra'],
  torc_compute_node: [
    'id', 'rev', 'workflow_id', 'hostname', 'pid', 'start_time', 'duration_seconds', 'is_active', 'resources',
    'scheduler', 'last_seen',
  ],
  torc_compute_node_stats: ['id', 'rev', 'workflow_id', 'hostname', 'stats', 'timestamp'],
  torc_job_process_stats: [
    'id', 'rev', 'workflow_id', 'job_key', 'run_id', 'avg_cpu_percent', 'max_cpu_percent', 'avg_rss', 'max_rss',
    'num_samples', 'timestamp',
  ],
  torc_aws_scheduler: ['id', 'rev', 'workflow_id', 'name'],
  torc_local_scheduler: ['id', 'rev', 'workflow_id', 'name', 'memory', 'num_cpus'],
  torc_slurm_scheduler: [
    'id', 'rev', 'workflow_id', 'name', 'account', 'nodes', 'walltime', 'partition', 'qos', 'gres', 'mem', 'tmp',
    'ntasks_per_node', 'extra',
  ],
  torc_scheduled_compute_node: ['id', 'rev', 'workflow_id', 'scheduler_id', 'scheduler_config_id', 'status'],
  torc_edge: ['id', 'rev', 'workflow_id', 'name', 'from_collection', 'from_id', 'to_collection', 'to_id', 'data'],
} as const satisfies TableMap;

export type TorcTable = keyof typeof TORC_TABLES;
