// Torc's composition root: the only place that builds Torc's repositories and services. Handler groups
// receive these ready-built services and never construct their own, so every service shares one
// configuration (the lease lengths above all).
import type { Database } from '../db/client.ts';
import type { Provider } from '../db/migrate.ts';
import { DocumentRepository } from './document-repository.ts';
import { DocumentService } from './document-service.ts';
import { EdgeService } from './edge-service.ts';
import { GraphRepository } from './graph-repository.ts';
import { GraphService } from './graph-service.ts';
import { JobService } from './job-service.ts';
import { DEFAULT_LEASES, LifecycleService, type Leases } from './lifecycle-service.ts';
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
  /** The one lifecycle service, with the configured leases; anything needing lifecycle rules gets this one. */
  lifecycle: LifecycleService;
}

/**
 * What change-handlers.ts is still built from: the services plus the database it builds its own
 * repository on. Once change detection takes a ready-built service, `db` and `provider` go.
 */
export interface TorcDeps extends TorcServices {
  db: Database['db'];
  provider: Provider;
}

export function createTorcServices(database: Database, leases: Leases = DEFAULT_LEASES): TorcDeps {
  const { db, provider } = database;
  const workflows = new WorkflowService(new WorkflowRepository(db));
  const documentRepository = new DocumentRepository(db, provider);
  return {
    db,
    provider,
    workflows,
    documents: new DocumentService(documentRepository, workflows),
    jobs: new JobService(documentRepository, workflows),
    edges: new EdgeService(documentRepository, workflows),
    graphs: new GraphService(new GraphRepository(db, provider), workflows),
    queries: new QueryService(new QueryRepository(db), workflows),
    specifications: new SpecificationService(new SpecificationRepository(db, provider), workflows),
    lifecycle: new LifecycleService(db, provider, workflows, leases),
  };
}
