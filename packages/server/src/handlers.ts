// Wires repositories into services and services into each family's handlers. The only composition root.
import { systemClock, type Clock } from './clock.ts';
import type { Database } from './db/client.ts';
import type { HandlerMap } from './http/handler.ts';
import { changeHandlers } from './torc/change-handlers.ts';
import { ChangeService } from './torc/change-service.ts';
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
import { ClaimService } from './torc/lifecycle/claims.ts';
import { InitializeService } from './torc/lifecycle/initialize.ts';
import { InputHasher } from './torc/lifecycle/input-hash.ts';
import { DEFAULT_LEASES, LeaseService, type Leases } from './torc/lifecycle/leases.ts';
import { LifecycleRepository } from './torc/lifecycle/lifecycle-repository.ts';
import { RunControlService } from './torc/lifecycle/run-control.ts';
import { TransitionService } from './torc/lifecycle/transitions.ts';
import { WorkflowGate } from './torc/lifecycle/workflow-gate.ts';
import { WorkflowRepository } from './torc/workflow-repository.ts';
import { WorkflowService } from './torc/workflow-service.ts';

export function buildHandlers(database: Database, leases: Leases = DEFAULT_LEASES, clock: Clock = systemClock): HandlerMap {
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
  const lifecycleRepository = new LifecycleRepository(database.db, database.provider);
  const gate = new WorkflowGate(workflows, lifecycleRepository);
  const hasher = new InputHasher(lifecycleRepository.jobs);
  const leaseService = new LeaseService(lifecycleRepository, gate, clock, leases);
  const lifecycle = {
    initialize: new InitializeService(lifecycleRepository, gate),
    claims: new ClaimService(lifecycleRepository, gate, leaseService, clock),
    leases: leaseService,
    transitions: new TransitionService(lifecycleRepository, gate, leaseService, hasher, clock),
    runs: new RunControlService(lifecycleRepository, gate),
  };
  return {
    ...collectionHandlers(torc.documents),
    ...torcHandlers(torc),
    ...queryHandlers(torc),
    ...specificationHandlers(torc),
    ...lifecycleHandlers(lifecycle),
    ...graphHandlers(torc),
    ...changeHandlers(new ChangeService(lifecycleRepository, gate, hasher, clock)),
  };
}
