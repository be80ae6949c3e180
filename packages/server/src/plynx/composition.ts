// PLynx's composition root: its repositories and services from the shared database, identity store and
// content store, and its handlers from those services. Each area (graphs, nodes, resources, sessions) has
// its own services and handler file; this is the one place that wires them together.
import type { FamilyContext } from '../family/module.ts';
import type { HandlerMap } from '../http/handler.ts';
import type { PlynxConfig } from './config.ts';
import { fileNodeRepository } from './resources/file-node-repository.ts';
import { createResourceHandlers } from './resources/resource-handlers.ts';
import { createResourceService } from './resources/resource-service.ts';

export function createPlynxServices(context: FamilyContext<PlynxConfig>) {
  return {
    context,
    resources: createResourceService({
      content: context.content,
      clock: context.clock,
      config: context.config,
      saveFileNode: fileNodeRepository(context.database.db, context.clock).saveFileNode,
    }),
  };
}

export type PlynxServices = ReturnType<typeof createPlynxServices>;

export function createPlynxHandlers(services: PlynxServices): HandlerMap {
  return {
    ...createResourceHandlers(services),
  };
}
