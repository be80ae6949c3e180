// Wires repositories into services and services into each family's handlers. The only composition root.
import type { Database } from './db/client.ts';
import type { HandlerMap } from './http/handler.ts';
import { torcHandlers } from './torc/handlers.ts';
import { WorkflowRepository } from './torc/workflow-repository.ts';
import { WorkflowService } from './torc/workflow-service.ts';

export function buildHandlers(database: Database): HandlerMap {
  const workflows = new WorkflowService(new WorkflowRepository(database.db));
  return {
    ...torcHandlers({ workflows }),
  };
}
