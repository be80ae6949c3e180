// The fixed specification documents: an example that POSTs as it is, and an empty template whose config
// shows every default.
import type { components } from '@pipeloom/sdk/generated';
import { DEFAULT_RESOURCE_STATS } from './workflow-service.ts';

type WorkflowSpec = components['schemas']['workflow_specification_model'];
type WorkflowConfig = components['schemas']['workflow_config_model'];

export const DEFAULT_CONFIG = {
  compute_node_resource_stats: DEFAULT_RESOURCE_STATS,
  compute_node_expiration_buffer_seconds: 120,
  compute_node_wait_for_new_jobs_seconds: 0,
  compute_node_ignore_workflow_completion: false,
  compute_node_wait_for_healthy_database_minutes: 20,
  prepare_jobs_sort_method: 'gpus_runtime_memory',
} as const satisfies WorkflowConfig;

// ---- fixed documents ----

/** A small specification that POSTs as it is: two jobs chained by a file, with two sets of requirements. */
export function exampleSpecification(): WorkflowSpec {
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
export function templateSpecification(): WorkflowSpec {
  return {
    name: '',
    description: '',
    user: '',
    files: [],
    user_data: [],
    jobs: [],
    resource_requirements: [],
    schedulers: { aws_schedulers: [], local_schedulers: [], slurm_schedulers: [] },
    config: structuredClone(DEFAULT_CONFIG),
  };
}
