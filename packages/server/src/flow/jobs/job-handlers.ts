// Flow's job endpoint: replace the pipelines assigned to a job.
import type { HandlerMap } from '../../http/handler.ts';
import type { JobPipelineService } from './job-pipeline-service.ts';

export function jobHandlers({ jobPipelines }: { jobPipelines: JobPipelineService }) {
  return {
    flow_update_job_pipelines: async ({ identity, body }) => ({
      status: 200,
      body: { status: 'OK', updated_pipelines: await jobPipelines.replace(identity, body.job_id, body.pipeline_ids) },
    }),
  } satisfies HandlerMap;
}
