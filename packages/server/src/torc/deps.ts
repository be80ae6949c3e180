import type { Db } from '../db/client.ts';
import type { DocumentRepository } from './document-repository.ts';
import type { DocumentService } from './document-service.ts';
import type { EdgeService } from './edge-service.ts';
import type { JobService } from './job-service.ts';
import type { WorkflowService } from './workflow-service.ts';

/** What Torc's handler groups are built from (see ../handlers.ts, the composition root). */
export interface TorcDeps {
  db: Db;
  provider: 'sqlite' | 'postgresql';
  workflows: WorkflowService;
  documents: DocumentService;
  documentRepository: DocumentRepository;
  jobs: JobService;
  edges: EdgeService;
}
