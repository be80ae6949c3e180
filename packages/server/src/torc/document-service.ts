// Torc's rules for the plain per-workflow collections (semantics.md §6): list with exact-match filters,
// POST, DELETE all, GET/PUT/DELETE one; PUT needs the current `_rev`; deleting a vertex deletes its edges.
import { AppError, notFound } from '../errors.ts';
import { COLLECTIONS, type CollectionSpec, type DocumentCollection } from './collections.ts';
import { compact, conflict, docIdentity, listQuery, page, parseKey, requireRevision, type Page } from './documents.ts';
import type { DocumentRepository, Row, TxDocuments } from './document-repository.ts';
import type { WorkflowService } from './workflow-service.ts';

export type Doc = Record<string, unknown>;

const IDENTITY_FIELDS = new Set(['_key', '_id', '_rev', '_oldRev']);

/** A stored row as Torc's document. */
export function toWire(spec: CollectionSpec, row: Row, oldRev?: number): Doc {
  const doc: Doc = docIdentity(spec.name, row.workflowId, row.id, row.rev);
  if (oldRev !== undefined) doc._oldRev = String(oldRev);
  for (const field of Object.keys(spec.fields)) doc[field] = row[field];
  if (spec.openFields && row.extra && typeof row.extra === 'object') Object.assign(doc, row.extra, { ...doc });
  return compact(doc);
}

/** The columns a body writes; unknown fields only survive in open collections. */
export function fromWire(spec: CollectionSpec, body: Doc): Doc {
  const data: Doc = {};
  const extra: Doc = {};
  for (const [k, v] of Object.entries(body)) {
    if (IDENTITY_FIELDS.has(k) || v === undefined) continue;
    if (Object.hasOwn(spec.fields, k)) data[k] = v;
    else if (spec.openFields) extra[k] = v;
  }
  if (spec.openFields && Object.keys(extra).length) data.extra = extra;
  return data;
}

export class DocumentService {
  constructor(
    private readonly repo: DocumentRepository,
    private readonly workflows: WorkflowService,
  ) {}

  /** The workflow's integer id, or a 404 naming the key. */
  async workflowId(key: string): Promise<number> {
    return (await this.workflows.require(key)).id;
  }

  async list(collection: DocumentCollection, workflowKey: string, query: Doc): Promise<Page<Doc>> {
    const spec = COLLECTIONS[collection];
    const workflowId = await this.workflowId(workflowKey);
    const q = listQuery(query, Object.keys(spec.fields));
    const { rows, total } = await this.repo.reader.list(spec.model, workflowId, q);
    return page(rows.map((r) => toWire(spec, r)), q.skip, total);
  }

  async get(collection: DocumentCollection, workflowKey: string, key: string): Promise<Doc> {
    const spec = COLLECTIONS[collection];
    const workflowId = await this.workflowId(workflowKey);
    const row = await this.repo.reader.get(spec.model, workflowId, parseKey(key, collection));
    if (!row) throw notFound(`${collection} document ${key} of workflow ${workflowKey}`);
    return toWire(spec, row);
  }

  async create(collection: DocumentCollection, workflowKey: string, body: Doc): Promise<Doc> {
    const spec = COLLECTIONS[collection];
    const workflowId = await this.workflowId(workflowKey);
    rejectIdentity(body, collection);
    return toWire(spec, await this.repo.reader.create(spec.model, workflowId, this.prepare(collection, fromWire(spec, body))));
  }

  /** Creates documents inside an existing transaction (workflow specifications). */
  async createManyIn(tx: TxDocuments, collection: DocumentCollection, workflowId: number, bodies: Doc[]): Promise<Row[]> {
    const spec = COLLECTIONS[collection];
    return tx.createMany(spec.model, workflowId, bodies.map((b) => this.prepare(collection, fromWire(spec, b))));
  }

  async update(collection: DocumentCollection, workflowKey: string, key: string, body: Doc): Promise<Doc> {
    const spec = COLLECTIONS[collection];
    const workflowId = await this.workflowId(workflowKey);
    const rev = requireRevision(body as { _key?: string; _rev?: string }, key, `${collection} document`);
    const data = fromWire(spec, body);
    // Events keep the time the server first stored them.
    if (collection === 'events') delete data.timestamp;
    const result = await this.repo.reader.update(spec.model, workflowId, parseKey(key, collection), rev, data);
    if (!result.ok) {
      if (!result.current) throw notFound(`${collection} document ${key} of workflow ${workflowKey}`);
      throw conflict(`${collection} document`, key, body._rev as string, result.current.rev);
    }
    return toWire(spec, result.row, rev);
  }

  async remove(collection: DocumentCollection, workflowKey: string, key: string): Promise<Doc> {
    const spec = COLLECTIONS[collection];
    const workflowId = await this.workflowId(workflowKey);
    const row = await this.repo.transaction((tx) => tx.delete(spec.model, collection, workflowId, parseKey(key, collection)));
    if (!row) throw notFound(`${collection} document ${key} of workflow ${workflowKey}`);
    return toWire(spec, row);
  }

  async removeAll(collection: DocumentCollection, workflowKey: string): Promise<{ message: string }> {
    const spec = COLLECTIONS[collection];
    const workflowId = await this.workflowId(workflowKey);
    const count = await this.repo.transaction((tx) => tx.deleteAll(spec.model, collection, workflowId));
    return { message: `Deleted ${count} documents in ${collection}__${workflowId}` };
  }

  /** Server-set fields on create. */
  private prepare(collection: DocumentCollection, data: Doc): Doc {
    if (collection === 'events') data.timestamp = Date.now();
    return data;
  }
}

/** Keys are the server's to give. */
export function rejectIdentity(body: Doc, what: string): void {
  for (const f of ['_key', '_id', '_rev']) {
    if (body[f] !== undefined) throw new AppError('INVALID_ARGUMENT', `a new ${what} document gets its ${f} from the server; leave it out`);
  }
}
