// Torc's rules for the plain per-workflow collections (semantics.md §6): list with exact-match filters,
// POST, DELETE all, GET/PUT/DELETE one; PUT needs the current `_rev`; deleting a vertex deletes its edges.
// Methods are generic in the collection, so each answers in that collection's contract type.
import { notFound } from '../errors.ts';
import type { JsonStream } from '../http/json-stream.ts';
import { COLLECTIONS, type CollectionSpec, type DocumentCollection } from './collections.ts';
import { checkIntegers, conflict, listQuery, mapRows, parseKey, rejectIdentity, requireRevision, streamPage, type Page } from './documents.ts';
import type { DocumentRepository } from './document-repository.ts';
import { documentToWire, fromWire, type CollectionDocs, type Doc } from './wire.ts';
import type { WorkflowService } from './workflow-service.ts';

export type { Doc } from './wire.ts';

const intFieldsOf = (spec: CollectionSpec) => Object.keys(spec.fields).filter((f) => spec.fields[f] === 'int');
const specOf = (collection: DocumentCollection): CollectionSpec => COLLECTIONS[collection];

/** A PUT body: the document with the `_key` and `_rev` it was read at. */
type Revised = { _key?: string; _rev?: string };

export class DocumentService {
  constructor(
    private readonly repo: DocumentRepository,
    private readonly workflows: WorkflowService,
  ) {}

  /** One page, streamed; the query is checked and the matches counted before anything is sent. */
  async list<C extends DocumentCollection>(collection: C, workflowKey: string, query: Doc): Promise<JsonStream<Page<CollectionDocs[C]>>> {
    const spec = specOf(collection);
    const workflowId = await this.workflows.idOf(workflowKey);
    const q = listQuery(query, Object.keys(spec.fields), { nullable: spec.nullable, ints: intFieldsOf(spec) });
    const { rows, total } = await this.repo.list(collection, workflowId, q);
    return streamPage(mapRows(rows, (r) => documentToWire(collection, r)), q.skip, total);
  }

  async get<C extends DocumentCollection>(collection: C, workflowKey: string, key: string): Promise<CollectionDocs[C]> {
    const spec = specOf(collection);
    const workflowId = await this.workflows.idOf(workflowKey);
    const row = await this.repo.reader.get(collection, workflowId, parseKey(key, collection));
    if (!row) throw notFound(`${collection} document ${key} of workflow ${workflowKey}`);
    return documentToWire(collection, row);
  }

  async create<C extends DocumentCollection>(collection: C, workflowKey: string, body: CollectionDocs[C]): Promise<CollectionDocs[C]> {
    const spec = specOf(collection);
    const workflowId = await this.workflows.idOf(workflowKey);
    rejectIdentity(body, collection);
    const data = fromWire(collection, body);
    checkIntegers(data, intFieldsOf(spec), collection);
    return documentToWire(collection, await this.repo.reader.create(collection, workflowId, this.prepare(collection, data)));
  }

  async update<C extends DocumentCollection>(collection: C, workflowKey: string, key: string, body: CollectionDocs[C] & Revised): Promise<CollectionDocs[C]> {
    const spec = specOf(collection);
    const workflowId = await this.workflows.idOf(workflowKey);
    const rev = requireRevision(body, key, `${collection} document`);
    const id = parseKey(key, collection);
    const data = fromWire(collection, body);
    checkIntegers(data, intFieldsOf(spec), collection);
    // Events keep the time the server first stored them.
    if (collection === 'events') delete data.timestamp;
    // Fields that are sent replace the stored ones and the others stay (Torc's update), free-form ones included.
    const result = spec.openFields && data.extra
      ? await this.repo.transaction(async (tx) => {
        const current = await tx.get(collection, workflowId, id);
        if (current?.rev === rev && current.extra && typeof current.extra === 'object') data.extra = { ...current.extra, ...(data.extra as Doc) };
        return tx.update(collection, workflowId, id, rev, data);
      })
      : await this.repo.reader.update(collection, workflowId, id, rev, data);
    if (!result.ok) {
      if (!result.current) throw notFound(`${collection} document ${key} of workflow ${workflowKey}`);
      throw conflict(`${collection} document`, key, body._rev, result.current.rev);
    }
    return documentToWire(collection, result.row, rev);
  }

  async remove<C extends DocumentCollection>(collection: C, workflowKey: string, key: string): Promise<CollectionDocs[C]> {
    const spec = specOf(collection);
    const workflowId = await this.workflows.idOf(workflowKey);
    const row = await this.repo.transaction((tx) => tx.delete(collection, workflowId, parseKey(key, collection)));
    if (!row) throw notFound(`${collection} document ${key} of workflow ${workflowKey}`);
    return documentToWire(collection, row);
  }

  async removeAll(collection: DocumentCollection, workflowKey: string): Promise<{ message: string }> {
    const spec = specOf(collection);
    const workflowId = await this.workflows.idOf(workflowKey);
    const count = await this.repo.transaction((tx) => tx.deleteAll(collection, workflowId));
    return { message: `Deleted ${count} documents in ${collection}__${workflowId}` };
  }

  /** Server-set fields on create. */
  private prepare(collection: DocumentCollection, data: Doc): Doc {
    if (collection === 'events') data.timestamp = Date.now();
    return data;
  }
}
