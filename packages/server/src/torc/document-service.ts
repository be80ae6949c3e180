// Torc's rules for the plain per-workflow collections (semantics.md §6): list with exact-match filters,
// POST, DELETE all, GET/PUT/DELETE one; PUT needs the current `_rev`; deleting a vertex deletes its edges.
import { AppError, notFound } from '../errors.ts';
import { COLLECTIONS, type CollectionSpec, type DocumentCollection } from './collections.ts';
import { compact, conflict, docIdentity, fitsInt, INT_MAX, INT_MIN, listQuery, page, parseKey, requireRevision, type Page } from './documents.ts';
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

/** Integer columns are 32-bit on PostgreSQL; a value that does not fit is the caller's mistake on every database. */
export function checkIntegers(data: Doc, intFields: readonly string[], what: string): void {
  for (const f of intFields) {
    if (!fitsInt(data[f])) throw new AppError('INVALID_ARGUMENT', `${what}.${f} must be between ${INT_MIN} and ${INT_MAX}; got ${String(data[f])}`);
  }
}

const intFieldsOf = (spec: CollectionSpec) => Object.keys(spec.fields).filter((f) => spec.fields[f] === 'int');
const specOf = (collection: DocumentCollection): CollectionSpec => COLLECTIONS[collection];

export class DocumentService {
  constructor(
    private readonly repo: DocumentRepository,
    private readonly workflows: WorkflowService,
  ) {}

  async list(collection: DocumentCollection, workflowKey: string, query: Doc): Promise<Page<Doc>> {
    const spec = specOf(collection);
    const workflowId = await this.workflows.idOf(workflowKey);
    const q = listQuery(query, Object.keys(spec.fields), { nullable: spec.nullable, ints: intFieldsOf(spec) });
    const { rows, total } = await this.repo.reader.list(spec.model, workflowId, q);
    return page(rows.map((r) => toWire(spec, r)), q.skip, total);
  }

  async get(collection: DocumentCollection, workflowKey: string, key: string): Promise<Doc> {
    const spec = COLLECTIONS[collection];
    const workflowId = await this.workflows.idOf(workflowKey);
    const row = await this.repo.reader.get(spec.model, workflowId, parseKey(key, collection));
    if (!row) throw notFound(`${collection} document ${key} of workflow ${workflowKey}`);
    return toWire(spec, row);
  }

  async create(collection: DocumentCollection, workflowKey: string, body: Doc): Promise<Doc> {
    const spec = COLLECTIONS[collection];
    const workflowId = await this.workflows.idOf(workflowKey);
    rejectIdentity(body, collection);
    const data = fromWire(spec, body);
    checkIntegers(data, intFieldsOf(spec), collection);
    return toWire(spec, await this.repo.reader.create(spec.model, workflowId, this.prepare(collection, data)));
  }

  /** Creates documents inside an existing transaction (workflow specifications). */
  async createManyIn(tx: TxDocuments, collection: DocumentCollection, workflowId: number, bodies: Doc[]): Promise<Row[]> {
    const spec = COLLECTIONS[collection];
    const data = bodies.map((b) => fromWire(spec, b));
    data.forEach((d) => checkIntegers(d, intFieldsOf(spec), collection));
    return tx.createMany(spec.model, workflowId, data.map((d) => this.prepare(collection, d)));
  }

  async update(collection: DocumentCollection, workflowKey: string, key: string, body: Doc): Promise<Doc> {
    const spec = specOf(collection);
    const workflowId = await this.workflows.idOf(workflowKey);
    const rev = requireRevision(body as { _key?: string; _rev?: string }, key, `${collection} document`);
    const id = parseKey(key, collection);
    const data = fromWire(spec, body);
    checkIntegers(data, intFieldsOf(spec), collection);
    // Events keep the time the server first stored them.
    if (collection === 'events') delete data.timestamp;
    // Fields that are sent replace the stored ones and the others stay (Torc's update), free-form ones included.
    const result = spec.openFields && data.extra
      ? await this.repo.transaction(async (tx) => {
        const current = await tx.get(spec.model, workflowId, id);
        if (current?.rev === rev && current.extra && typeof current.extra === 'object') data.extra = { ...current.extra, ...(data.extra as Doc) };
        return tx.update(spec.model, workflowId, id, rev, data);
      })
      : await this.repo.reader.update(spec.model, workflowId, id, rev, data);
    if (!result.ok) {
      if (!result.current) throw notFound(`${collection} document ${key} of workflow ${workflowKey}`);
      throw conflict(`${collection} document`, key, body._rev as string, result.current.rev);
    }
    return toWire(spec, result.row, rev);
  }

  async remove(collection: DocumentCollection, workflowKey: string, key: string): Promise<Doc> {
    const spec = COLLECTIONS[collection];
    const workflowId = await this.workflows.idOf(workflowKey);
    const row = await this.repo.transaction((tx) => tx.delete(spec.model, collection, workflowId, parseKey(key, collection)));
    if (!row) throw notFound(`${collection} document ${key} of workflow ${workflowKey}`);
    return toWire(spec, row);
  }

  async removeAll(collection: DocumentCollection, workflowKey: string): Promise<{ message: string }> {
    const spec = COLLECTIONS[collection];
    const workflowId = await this.workflows.idOf(workflowKey);
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
