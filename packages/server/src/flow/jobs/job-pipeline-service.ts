// Assigning pipelines to a job (Instabase's POST /api/v1/jobs/pipelines): the job's pipelines become
// exactly the list sent. Instabase does not document who may do this; here the caller must own the job (the
// user its run belongs to) and needs `write`, `manage_pipelines` or the manager role on every pipeline
// added or removed; site administrators may do it for any job and pipeline.
// Pipelines the job keeps need nothing, so a caller can add their own pipeline next to someone else's, and
// re-sending a job's current list changes nothing and needs nothing.
import type { components } from '@pipeloom/sdk/generated';
import { AppError } from '../../errors.ts';
import { NO_GRANT, canAssign } from '../permissions.ts';
import type { PipelineRepository } from '../pipelines/pipeline-repository.ts';
import type { Caller } from '../pipelines/pipeline-service.ts';
import type { JobDirectory } from './job-directory.ts';

type UpdatedPipeline = components['schemas']['FlowUpdatedPipeline'];

export interface JobPipelineServiceDeps {
  jobs: JobDirectory;
  transaction: <T>(fn: (pipelines: PipelineRepository) => Promise<T>) => Promise<T>;
}

export function jobPipelineService({ jobs, transaction }: JobPipelineServiceDeps) {
  return {
    /** Replaces the job's pipelines and answers them afterwards, by name. Nothing changes on any failure. */
    async replace(caller: Caller, jobId: string, pipelineIds: string | string[]): Promise<UpdatedPipeline[]> {
      const wanted = [...new Set(typeof pipelineIds === 'string' ? [pipelineIds] : pipelineIds)];
      const owner = await jobs.ownerOf(jobId);
      if (owner === null) throw new AppError('DOCUMENT_NOT_FOUND', `Job ${jobId} was not found`);
      return transaction(async (repo) => {
        const found = await repo.findMany(wanted);
        const missing = wanted.filter((id) => !found.some((p) => p.id === id));
        if (missing.length) throw new AppError('DOCUMENT_NOT_FOUND', `Pipeline ${missing.join(', ')} was not found`);
        const current = (await repo.jobPipelines(jobId)).map((p) => p.id);
        const changed = [...wanted.filter((id) => !current.includes(id)), ...current.filter((id) => !wanted.includes(id))];
        if (!caller.isAdmin && changed.length) {
          if (owner !== caller.user) throw new AppError('FORBIDDEN', `You may not change the pipelines of job ${jobId}; its run is ${owner}'s`);
          const grants = await repo.grants(caller.user, changed);
          const refused = changed.filter((id) => !canAssign(grants.get(id) ?? NO_GRANT));
          if (refused.length) throw new AppError('FORBIDDEN', `You may not assign or remove pipeline ${refused.join(', ')}`);
        }
        await repo.replaceJobPipelines(jobId, wanted);
        return found.map((p) => ({ flowPipelineName: p.name, flowPipelineId: p.id }));
      });
    },
  };
}

export type JobPipelineService = ReturnType<typeof jobPipelineService>;
