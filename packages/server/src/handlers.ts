// Wires repositories into services and services into each family's handlers. The only composition root.
import type { Database } from './db/client.ts';
import type { HandlerMap } from './http/handler.ts';
import { changeHandlers } from './torc/change-handlers.ts';
import { collectionHandlers } from './torc/collection-handlers.ts';
import { graphHandlers } from './torc/graph-handlers.ts';
import type { TorcDeps } from './torc/deps.ts';
import { queryHandlers } from './torc/query-handlers.ts';
import { specificationHandlers } from './torc/specification-handlers.ts';
import { DocumentRepository } from './torc/document-repository.ts';
import { DocumentService } from './torc/document-service.ts';
import { EdgeService } from './torc/edge-service.ts';
import { torcHandlers } from './torc/handlers.ts';
import { JobService } from './torc/job-service.ts';
import { lifecycleHandlers } from './torc/lifecycle-handlers.ts';
import { DEFAULT_LEASES, LifecycleService, type Leases } from './torc/lifecycle-service.ts';
import { WorkflowRepository } from './torc/workflow-repository.ts';
import { WorkflowService } from './torc/workflow-service.ts';

export function buildHandlers(database: Database, leases: Leases = DEFAULT_LEASES): HandlerMap {
  const workflows = new WorkflowService(new WorkflowRepository(database.db));
  const documentRepository = new DocumentRepository(database.db, database.provider);
  const torc: TorcDeps = {
    db: database.db,
    provider: database.provider,
    workflows,
    documentRepository,
    documents: new DocumentService(documentRepository, workflows),
    jobs: new JobService(documentRepository, workflows),
    edges: new EdgeService(documentRepository, workflows),
  };
  return {
    ...collectionHandlers(torc.documents),
    ...torcHandlers(torc),
    ...queryHandlers(torc),
    ...specificationHandlers(torc),
    ...lifecycleHandlers(new LifecycleService(database.db, database.provider, workflows, leases)),
    ...graphHandlers(torc),
    ...changeHandlers(torc),
  };
}
