// PLynx's composition root: its repositories and services from the shared database, identity store and
// content store, and its handlers from those services. Each area (graphs, nodes, resources, sessions) has
// its own services and handler file; this is the one place that wires them together.
import { runTransaction, type DbTx } from '../db/transaction.ts';
import type { FamilyContext } from '../family/module.ts';
import type { HandlerMap } from '../http/handler.ts';
import type { PlynxConfig } from './config.ts';
import { graphEditingService } from './graphs/graph-editing-service.ts';
import { graphHandlers } from './graphs/graph-handlers.ts';
import { graphRepository } from './graphs/graph-repository.ts';
import { graphService } from './graphs/graph-service.ts';
import { nodeHandlers } from './nodes/node-handlers.ts';
import { nodeRepository } from './nodes/node-repository.ts';
import { nodeService } from './nodes/node-service.ts';
import { resourcesDict } from './resources/plugins.ts';
import { createResourceHandlers } from './resources/resource-handlers.ts';
import { createResourceService } from './resources/resource-service.ts';
import { executionHandlers } from './runs/execution-handlers.ts';
import { executionService } from './runs/execution-service.ts';
import { graphRuns } from './runs/graph-runs.ts';
import { runRepository } from './runs/run-repository.ts';
import { runWorkers } from './runs/run-workers.ts';
import { createSessionHandlers } from './session/session-handlers.ts';
import { createSessionServices } from './session/session-services.ts';
import { authorDirectory } from './users/author-directory.ts';

export function createPlynxServices(context: FamilyContext<PlynxConfig>) {
  const { database, clock, identity, config, engine, content } = context;
  const { db, provider } = database;
  const graphs = graphRepository(db, provider);
  const nodes = nodeRepository(db, provider);
  const runs = runRepository(db);
  const authors = authorDirectory(identity);
  const inTransaction = <T>(fn: (repos: { graphs: ReturnType<typeof graphRepository>; nodes: ReturnType<typeof nodeRepository>; tx: DbTx }) => Promise<T>) =>
    runTransaction(db, (tx) => fn({ graphs: graphRepository(tx, provider), nodes: nodeRepository(tx, provider), tx }));
  const nodeSvc = nodeService({ nodes, authors, clock, resourcesDict, transaction: inTransaction });
  const running = graphRuns({ db, provider, engine, clock, queue: config.queue });
  return {
    context,
    graphs: graphService({ graphs, nodes, authors, clock, transaction: inTransaction, runs: running, webUrl: config.webUrl, resourcesDict }),
    editing: graphEditingService({ graphs, nodes, clock, transaction: inTransaction, current: running.current }),
    nodes: nodeSvc,
    execution: executionService({ graphs, runs, engine, content, clock, webUrl: config.webUrl }),
    session: createSessionServices(context, runWorkers({ engine, runs, graphs, graphRuns: running })),
    resources: createResourceService({ content: context.content, clock, config, saveFileNode: nodeSvc.saveFileNode }),
  };
}

export type PlynxServices = ReturnType<typeof createPlynxServices>;

export function createPlynxHandlers(services: PlynxServices): HandlerMap {
  return {
    ...graphHandlers(services),
    ...nodeHandlers(services),
    ...createSessionHandlers(services.session),
    ...createResourceHandlers(services),
    ...executionHandlers(services),
  };
}
