// The generic collections' endpoints, generated from their specs in collections.ts. These six operations
// per collection share one shape; their typing is checked by response validation in the test suite
// rather than per handler, since the collection is chosen at run time.
import type { HandlerMap } from '../http/handler.ts';
import { COLLECTIONS, type DocumentCollection } from './collections.ts';
import type { Doc, DocumentService } from './document-service.ts';

type Ctx = { params: { workflow: string; key?: string }; query: Doc; body: Doc };
type Generic = (ctx: Ctx) => Promise<{ status: 200; body: unknown }>;

export function collectionHandlers(documents: DocumentService): HandlerMap {
  const map: Record<string, Generic> = {};
  for (const collection of Object.keys(COLLECTIONS) as DocumentCollection[]) {
    const { ops } = COLLECTIONS[collection];
    map[ops.list] = async ({ params, query }) => ({ status: 200, body: await documents.list(collection, params.workflow, query) });
    map[ops.add] = async ({ params, body }) => ({ status: 200, body: await documents.create(collection, params.workflow, body) });
    map[ops.deleteAll] = async ({ params }) => ({ status: 200, body: await documents.removeAll(collection, params.workflow) });
    map[ops.get] = async ({ params }) => ({ status: 200, body: await documents.get(collection, params.workflow, params.key!) });
    map[ops.modify] = async ({ params, body }) => ({ status: 200, body: await documents.update(collection, params.workflow, params.key!, body) });
    map[ops.remove] = async ({ params }) => ({ status: 200, body: await documents.remove(collection, params.workflow, params.key!) });
  }
  return map as unknown as HandlerMap;
}
