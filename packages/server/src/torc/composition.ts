// Torc's composition root: the only place that builds Torc's repositories and services, and the only place
// that hands them to Torc's handler groups.
import type { Database } from '../db/client.ts';
import type { HandlerMap } from '../http/handler.ts';
import { changeHandlers } from './change-handlers.ts';
import { collectionHandlers } from './collection-handlers.ts';
import type { TorcDeps } from './deps.ts';
import { DocumentRepository } from './document-repository.ts';
import { DocumentService } from './document-service.ts';
import { EdgeService } from './edge-service.ts';
import { graphHandlers } from './graph-handlers.ts';
import { torcHandlers } from './handlers.ts';
import { JobService } from './job-service.ts';
import { lifecycleHandlers } from './lifecycle-handlers.ts';
import { LifecycleService } from './lifecycle-service.ts';
import type { TorcConfig } from './module.ts';
import { queryHandlers } from './query-handlers.ts';
import { specificationHandlers } from './specification-handlers.ts';
import { WorkflowRepository } from './workflow-repository.ts';
import { WorkflowService } from './workflow-service.ts';

export interface TorcComposition extends TorcDeps {
  lifecycle: LifecycleService;
}

export function createTorcServices(database: Database, config: TorcConfig): TorcComposition {
  const workflows = new WorkflowService(new WorkflowRepository(database.db));
  const documentRepository = new DocumentRepository(database.db, database.provider);
  return {
    db: database.db,
    provider: database.provider,
    workflows,
    documentRepository,
    documents: new DocumentService(documentRepository, workflows),
    jobs: new JobService(documentRepository, workflows),
    edges: new EdgeService(documentRepository, workflows),
    lifecycle: new LifecycleService(database.db, database.provider, workflows, {
      claimSeconds: config.claimLeaseSeconds,
      nodeSeconds: config.nodeLeaseSeconds,
    }),
  };
}

export function createTorcHandlers(torc: TorcComposition): HandlerMap {
  return {
    ...collectionHandlers(torc.documents),
    ...torcHandlers(torc),
    ...queryHandlers(torc),
    ...specificationHandlers(torc),
    ...lifecycleHandlers(torc.lifecycle),
    ...graphHandlers(torc),
    ...changeHandlers(torc),
  };
}
