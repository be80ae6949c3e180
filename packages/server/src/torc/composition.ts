// Torc's composition root: the only place that builds Torc's repositories and services, and the only place
// that hands them to Torc's handler groups. Handler groups never construct their own, so every service
// shares one configuration (the lease lengths above all) and one clock.
import { systemClock, type Clock } from '../clock.ts';
import type { Database } from '../db/client.ts';
import { runTransaction } from '../db/transaction.ts';
import type { RunEngine } from '../engine/run-engine.ts';
import type { HandlerMap } from '../http/handler.ts';
import type { IdentityService } from '../identity/identity-service.ts';
import { guardAccess } from './access.ts';
import { AccessService } from './access-service.ts';
import { changeHandlers } from './change-handlers.ts';
import { collectionHandlers } from './collection-handlers.ts';
import { graphHandlers } from './graph-handlers.ts';
import { guardOwnedWorkflows } from './ownership.ts';
import { workflowHandlers } from './workflow-handlers.ts';
import { lifecycleHandlers } from './lifecycle-handlers.ts';
import { queryHandlers } from './query-handlers.ts';
import { ShareRepository } from './share-repository.ts';
import { shareHandlers } from './share-handlers.ts';
import { specificationHandlers } from './specification-handlers.ts';
import { DocumentRepository } from './document-repository.ts';
import { DocumentService } from './document-service.ts';
import { EdgeService } from './edge-service.ts';
import { GraphRepository } from './graph-repository.ts';
import { GraphService } from './graph-service.ts';
import { JobService } from './job-service.ts';
import { ChangeService } from './change-service.ts';
import type { LifecycleServices } from './lifecycle-handlers.ts';
import { ClaimService } from './lifecycle/claims.ts';
import { InitializeService } from './lifecycle/initialize.ts';
import { InputHasher } from './lifecycle/input-hash.ts';
import { DEFAULT_LEASES, LeaseService, type Leases } from './lifecycle/leases.ts';
import { LifecycleRepository } from './lifecycle/lifecycle-repository.ts';
import { QueueClaimService } from './lifecycle/queue-claims.ts';
import { RunControlService } from './lifecycle/run-control.ts';
import { TransitionService } from './lifecycle/transitions.ts';
import { WorkflowGate } from './lifecycle/workflow-gate.ts';
import { QueryRepository } from './query-repository.ts';
import { QueryService } from './query-service.ts';
import { SpecificationRepository } from './specification-repository.ts';
import { SpecificationService } from './specification-service.ts';
import { WorkflowRepository } from './workflow-repository.ts';
import { WorkflowService } from './workflow-service.ts';

/** Every Torc service, built once per server. */
export interface TorcServices {
  workflows: WorkflowService;
  documents: DocumentService;
  jobs: JobService;
  edges: EdgeService;
  graphs: GraphService;
  queries: QueryService;
  specifications: SpecificationService;
  /** The job lifecycle, with the configured leases; anything needing lifecycle rules gets these. */
  lifecycle: LifecycleServices;
  changes: ChangeService;
  /** Who may read, run or change each workflow, and its shares. */
  access: AccessService;
}

export function createTorcServices(database: Database, identity: IdentityService, engine: RunEngine, leases: Leases = DEFAULT_LEASES, clock: Clock = systemClock): TorcServices {
  const { db, provider, driver } = database;
  const workflows = new WorkflowService(new WorkflowRepository(db, driver));
  const documentRepository = new DocumentRepository(db, provider);
  const lifecycleRepository = new LifecycleRepository(driver, provider);
  const gate = new WorkflowGate(workflows, lifecycleRepository);
  const hasher = new InputHasher(lifecycleRepository.jobs);
  const leaseService = new LeaseService(lifecycleRepository, gate, clock, leases);
  return {
    workflows,
    documents: new DocumentService(documentRepository, workflows),
    jobs: new JobService(documentRepository, workflows),
    edges: new EdgeService(documentRepository, workflows),
    graphs: new GraphService(new GraphRepository(db, provider), workflows),
    queries: new QueryService(new QueryRepository(db), workflows),
    specifications: new SpecificationService(new SpecificationRepository(db, provider), workflows),
    lifecycle: {
      initialize: new InitializeService(lifecycleRepository, gate),
      claims: new ClaimService(lifecycleRepository, gate, leaseService, clock),
      queueClaims: new QueueClaimService(lifecycleRepository, leaseService, clock),
      leases: leaseService,
      transitions: new TransitionService(lifecycleRepository, gate, leaseService, hasher, clock),
      runs: new RunControlService(lifecycleRepository, gate, (key) => runTransaction(db, (tx) => engine.cancelRun(tx, key))),
    },
    changes: new ChangeService(lifecycleRepository, gate, hasher, clock),
    access: new AccessService(workflows, new ShareRepository(db, driver), identity),
  };
}

export function createTorcHandlers(torc: TorcServices): HandlerMap {
  // Every call on a workflow first checks the caller's access to it (access.ts); workflows a family runs are
  // also read-only in structure through the Torc API (ownership.ts).
  return guardAccess(guardOwnedWorkflows({
    ...collectionHandlers(torc.documents),
    ...workflowHandlers(torc),
    ...queryHandlers(torc.queries),
    ...specificationHandlers(torc.specifications),
    ...lifecycleHandlers(torc.lifecycle),
    ...graphHandlers(torc.graphs),
    ...changeHandlers(torc.changes),
    ...shareHandlers(torc.access),
  }, torc.workflows), torc.access);
}
