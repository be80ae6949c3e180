// Dioptra's composition root: repositories and services from the shared database and clock, and handlers
// from those services. Jobs run as runs of the shared job lifecycle engine and keep their files in the
// shared content store.
import path from 'node:path';
import type { FamilyContext } from '../family/module.ts';
import type { HandlerMap } from '../http/handler.ts';
import { experimentHandlers } from './experiments/experiment-handlers.ts';
import { experimentRepository } from './experiments/experiment-repository.ts';
import { experimentService } from './experiments/experiment-service.ts';
import { jobExecution } from './jobs/job-execution.ts';
import { jobHandlers } from './jobs/job-handlers.ts';
import { JOB_OWNER, jobRuns } from './jobs/job-runs.ts';
import { jobSubmission } from './jobs/job-submission.ts';
import { queueHandlers } from './queues/queue-handlers.ts';
import { queueRepository } from './queues/queue-repository.ts';
import { queueService } from './queues/queue-service.ts';
import type { DioptraConfig } from './module.ts';
import { pluginFolder, writablePluginFolder } from './task-plugins/plugin-store.ts';
import { taskPluginHandlers } from './task-plugins/task-plugin-handlers.ts';
import { BUILTINS, CUSTOM, taskPluginService } from './task-plugins/task-plugin-service.ts';
import { visibility } from './visibility.ts';

export function createDioptraServices(context: FamilyContext<DioptraConfig>) {
  const { database, clock, config, dataDir, content, engine } = context;
  // The folder is resolved when first used: listing operations builds services without a data folder.
  const customPlugins = writablePluginFolder(() => {
    if (!dataDir) throw new Error('Dioptra task plugins need the server data folder');
    return path.join(dataDir, 'dioptra', 'task-plugins', 'dioptra_custom');
  });
  const builtinPlugins = pluginFolder(config.builtinsDir);
  const seen = visibility(config.sharing);
  const experiments = experimentRepository(database.db);
  const queues = queueService(queueRepository(database.db), clock);
  const runs = jobRuns(database.db, engine);
  // A run's one job is named after the Dioptra job.
  engine.onCancel(JOB_OWNER, (tx, run) => runs.canceled(tx, run.jobNames, new Date(clock.now())));
  return {
    experiments: experimentService(experiments, clock, seen),
    queues,
    taskPlugins: taskPluginService({ builtins: builtinPlugins, custom: customPlugins, uploadMaxBytes: config.uploadMaxBytes }),
    jobSubmission: jobSubmission({ db: database.db, clock, content, experiments, queues, runs, uploadMaxBytes: config.uploadMaxBytes, seen }),
    jobExecution: jobExecution({
      db: database.db, clock, content, engine, runs,
      pluginCollections: [{ name: BUILTINS, folder: builtinPlugins }, { name: CUSTOM, folder: customPlugins }],
      seen,
    }),
  };
}

export type DioptraServices = ReturnType<typeof createDioptraServices>;

export function createDioptraHandlers(services: DioptraServices): HandlerMap {
  return { ...experimentHandlers(services), ...queueHandlers(services), ...taskPluginHandlers(services), ...jobHandlers(services) };
}
