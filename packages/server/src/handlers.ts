// Wires each family's services into its handlers. Services are built in the family's composition root
// (torc/deps.ts); this file only joins the handler groups.
import type { Clock } from './clock.ts';
import type { Database } from './db/client.ts';
import type { HandlerMap } from './http/handler.ts';
import { changeHandlers } from './torc/change-handlers.ts';
import { collectionHandlers } from './torc/collection-handlers.ts';
import { createTorcServices } from './torc/deps.ts';
import { graphHandlers } from './torc/graph-handlers.ts';
import { torcHandlers } from './torc/handlers.ts';
import { lifecycleHandlers } from './torc/lifecycle-handlers.ts';
import { DEFAULT_LEASES, type Leases } from './torc/lifecycle/leases.ts';
import { queryHandlers } from './torc/query-handlers.ts';
import { specificationHandlers } from './torc/specification-handlers.ts';

export function buildHandlers(database: Database, leases: Leases = DEFAULT_LEASES, clock?: Clock): HandlerMap {
  const torc = createTorcServices(database, leases, clock);
  return {
    ...collectionHandlers(torc.documents),
    ...torcHandlers(torc),
    ...queryHandlers(torc.queries),
    ...specificationHandlers(torc.specifications),
    ...lifecycleHandlers(torc.lifecycle),
    ...graphHandlers(torc.graphs),
    ...changeHandlers(torc.changes),
  };
}
