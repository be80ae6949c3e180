// Dioptra's composition root: repositories and services from the shared database and clock, and handlers
// from those services. Jobs will join here.
import path from 'node:path';
import type { FamilyContext } from '../family/module.ts';
import type { HandlerMap } from '../http/handler.ts';
import { experimentHandlers } from './experiments/experiment-handlers.ts';
import { experimentRepository } from './experiments/experiment-repository.ts';
import { experimentService } from './experiments/experiment-service.ts';
import { queueHandlers } from './queues/queue-handlers.ts';
import { queueRepository } from './queues/queue-repository.ts';
import { queueService } from './queues/queue-service.ts';
import type { DioptraConfig } from './module.ts';
import { pluginFolder, writablePluginFolder } from './task-plugins/plugin-store.ts';
import { taskPluginHandlers } from './task-plugins/task-plugin-handlers.ts';
import { taskPluginService } from './task-plugins/task-plugin-service.ts';

export function createDioptraServices(context: FamilyContext<DioptraConfig>) {
  const { database, clock, config, dataDir } = context;
  // The folder is resolved when first used: listing operations builds services without a data folder.
  const customPlugins = writablePluginFolder(() => {
    if (!dataDir) throw new Error('Dioptra task plugins need the server data folder');
    return path.join(dataDir, 'dioptra', 'task-plugins', 'dioptra_custom');
  });
  return {
    experiments: experimentService(experimentRepository(database.db), clock),
    queues: queueService(queueRepository(database.db), clock),
    taskPlugins: taskPluginService(pluginFolder(config.builtinsDir), customPlugins),
  };
}

export type DioptraServices = ReturnType<typeof createDioptraServices>;

export function createDioptraHandlers(services: DioptraServices): HandlerMap {
  return { ...experimentHandlers(services), ...queueHandlers(services), ...taskPluginHandlers(services) };
}
