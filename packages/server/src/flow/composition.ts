// Flow's composition root: its repositories and services from the shared database and identity store, and
// its handlers from those services.
import { runTransaction } from '../db/transaction.ts';
import type { FamilyContext } from '../family/module.ts';
import type { HandlerMap } from '../http/handler.ts';
import { jobDirectory } from './jobs/job-directory.ts';
import { jobHandlers } from './jobs/job-handlers.ts';
import { jobPipelineService } from './jobs/job-pipeline-service.ts';
import { pipelineHandlers } from './pipelines/pipeline-handlers.ts';
import { pipelineRepository, type PipelineRepository } from './pipelines/pipeline-repository.ts';
import { pipelineService } from './pipelines/pipeline-service.ts';

export function createFlowServices({ database, identity }: FamilyContext<Record<string, never>>) {
  const { db } = database;
  const transaction = <T>(fn: (pipelines: PipelineRepository) => Promise<T>) => runTransaction(db, (tx) => fn(pipelineRepository(tx)));
  return {
    pipelines: pipelineService({ pipelines: pipelineRepository(db), identity, transaction }),
    jobPipelines: jobPipelineService({ jobs: jobDirectory(db), transaction }),
  };
}

export type FlowServices = ReturnType<typeof createFlowServices>;

export function createFlowHandlers(services: FlowServices): HandlerMap {
  return { ...pipelineHandlers(services), ...jobHandlers(services) };
}
