// Dioptra's composition root: repositories and services from the shared database and clock, and handlers
// from those services. Jobs and task plugins will join here.
import type { FamilyContext } from '../family/module.ts';
import type { HandlerMap } from '../http/handler.ts';
import { experimentHandlers } from './experiments/experiment-handlers.ts';
import { experimentRepository } from './experiments/experiment-repository.ts';
import { experimentService } from './experiments/experiment-service.ts';
import { queueHandlers } from './queues/queue-handlers.ts';
import { queueRepository } from './queues/queue-repository.ts';
import { queueService } from './queues/queue-service.ts';

export function createDioptraServices(context: FamilyContext<Record<string, never>>) {
  const { database, clock } = context;
  return {
    experiments: experimentService(experimentRepository(database.db), clock),
    queues: queueService(queueRepository(database.db), clock),
  };
}

export type DioptraServices = ReturnType<typeof createDioptraServices>;

export function createDioptraHandlers(services: DioptraServices): HandlerMap {
  return { ...experimentHandlers(services), ...queueHandlers(services) };
}
