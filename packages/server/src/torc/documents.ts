// Torc's document identity on the wire: string `_key`, `<collection>/<_key>` as `_id`, and a `_rev` that
// changes on every write. Inside, keys are integer surrogates and revisions are integer counters.
import { AppError } from '../errors.ts';
import { JsonStream } from '../http/json-stream.ts';

export const MAX_LIMIT = 100_000;

/** The range of an integer column (32-bit on PostgreSQL); values outside it can be neither stored nor matched. */
export const INT_MIN = -(2 ** 31);
export const INT_MAX = 2 ** 31 - 1;
export const fitsInt = (v: unknown) => typeof v !== 'number' || (v >= INT_MIN && v <= INT_MAX);

/** A decimal key or revision we could have issued (ids and revisions are 32-bit integer columns), else undefined. */
export function parseId(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^\d{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= INT_MAX ? n : undefined;
}

export function identity(collection: string, id: number, rev: number) {
  return { _key: String(id), _id: `${collection}/${id}`, _rev: String(rev) };
}

/** Parses a `_key` from a path or body; anything that is not one of our keys cannot exist. */
export function parseKey(key: string | undefined, what: string): number {
  const n = parseId(key);
  if (n === undefined) throw new AppError('DOCUMENT_NOT_FOUND', `${what} ${key} was not found`);
  return n;
}

/** A `_rev` we never issued is simply stale. */
export function parseRev(rev: string | undefined): number {
  return parseId(rev) ?? -1;
}

/** PUT bodies must name the document they update and the revision they read (Torc's rule). */
export function requireRevision(body: { _key?: string; _rev?: string }, key: string, what: string): number {
  if (body._key === undefined) throw new AppError('REVISION_REQUIRED', `updating ${what} ${key} needs its _key in the body`);
  if (body._key !== key) {
    throw new AppError('REVISION_REQUIRED', `the body's _key ${body._key} does not match the ${what} key ${key}`);
  }
  if (body._rev === undefined) throw new AppError('REVISION_REQUIRED', `updating ${what} ${key} needs the _rev you read`);
  return parseRev(body._rev);
}

export function conflict(what: string, key: string | number, sent: string | undefined, current: number): AppError {
  return new AppError('REVISION_CONFLICT', `conflicting revision: ${what} ${key} is at _rev ${current}, not ${sent}`);
}

export interface Page<T> {
  items: T[];
  skip: number;
  max_limit: number;
  count: number;
  total_count: number;
  has_more: boolean;
}

export function page<T>(items: T[], skip: number, total: number): Page<T> {
  return { items, skip, max_limit: MAX_LIMIT, count: items.length, total_count: total, has_more: skip + items.length < total };
}

/**
 * One page whose items are written as they are read: `total` is counted before anything is sent, and
 * `count`/`has_more` follow the items, so the page reads the same as one built whole by `page`.
 */
export function streamPage<T>(items: AsyncIterable<T>, skip: number, total: number): JsonStream<Page<T>> {
  return JsonStream.of<Page<T>, 'items', T>('items', items, (count) =>
    ({ skip, max_limit: MAX_LIMIT, count, total_count: total, has_more: skip + count < total }));
}

/** `rows` mapped one by one, as they are read. */
export async function* mapRows<R, T>(rows: AsyncIterable<R>, map: (row: R) => T): AsyncGenerator<T> {
  for await (const row of rows) yield map(row);
}

export const clampLimit = (limit: number | undefined) => Math.min(limit ?? MAX_LIMIT, MAX_LIMIT);

/** Drops undefined and null fields so optional fields are absent rather than null, as in Torc. */
export function compact<T extends Record<string, unknown>>(doc: T): T {
  // A copy, not deletes: an object that loses properties turns into a slow dictionary for every later use.
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(doc)) if (doc[k] !== undefined && doc[k] !== null) out[k] = doc[k];
  return out as T;
}

/** The `_id` of a document in a per-workflow collection (`files__17/42`). */
export function documentId(collection: string, workflowId: number, id: number): string {
  return `${collection}__${workflowId}/${id}`;
}

/** `_key`/`_id`/`_rev` of a document in a per-workflow collection (`files__17/42`). */
export function docIdentity(collection: string, workflowId: number, id: number, rev: number) {
  return { _key: String(id), _id: documentId(collection, workflowId, id), _rev: String(rev) };
}

/** Splits `files__17/42` into its collection, workflow and key; undefined when it is not of that form. */
export function parseDocumentId(id: string): { collection: string; workflowId: number; id: number } | undefined {
  const m = /^([a-z_]+?)__(\d{1,15})\/(\d{1,15})$/.exec(id);
  return m ? { collection: m[1]!, workflowId: Number(m[2]), id: Number(m[3]) } : undefined;
}

export type SortOrder = 'asc' | 'desc' | { sort: 'asc' | 'desc'; nulls: 'first' | 'last' };

export interface ListFields {
  /** Fields that may be absent (NULL): sorted as the smallest values, as ArangoDB does, on every database. */
  nullable?: readonly string[];
  /** Integer columns: a filter value out of their range matches nothing. */
  ints?: readonly string[];
}

/** The `sort_by` / exact-match filter part of a list query, checked against the collection's fields. */
export function listQuery(query: Record<string, unknown>, fields: readonly string[], kinds: ListFields = {}) {
  let where: Record<string, unknown> = {};
  let impossible = false;
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || ['skip', 'limit', 'sort_by', 'reverse_sort'].includes(name)) continue;
    if (name === '_key') where.id = parseId(value) ?? -1;
    else if (fields.includes(name)) {
      if (kinds.ints?.includes(name) && !fitsInt(value)) impossible = true;
      where[name] = value;
    }
  }
  if (impossible) where = { id: -1 };
  const sortBy = query.sort_by as string | undefined;
  if (sortBy !== undefined && sortBy !== '_key' && !fields.includes(sortBy)) {
    throw new AppError('INVALID_ARGUMENT', `sort_by must be _key or one of ${fields.join(', ')}; got ${sortBy}`);
  }
  const direction = query.reverse_sort === true ? 'desc' : 'asc';
  // SQLite puts NULLs first and PostgreSQL last; name the order so both agree (absent is smallest).
  const order: SortOrder = kinds.nullable?.includes(sortBy ?? '') ? { sort: direction, nulls: direction === 'asc' ? 'first' : 'last' } : direction;
  const orderBy: Record<string, SortOrder>[] = sortBy && sortBy !== '_key' ? [{ [sortBy]: order }, { id: 'asc' }] : [{ id: direction }];
  const skip = (query.skip as number | undefined) ?? 0;
  return { where, orderBy, skip, take: clampLimit(query.limit as number | undefined) };
}

/** Integer columns are 32-bit on PostgreSQL; a value that does not fit is the caller's mistake on every database. */
export function checkIntegers(data: Record<string, unknown>, intFields: readonly string[], what: string): void {
  for (const f of intFields) {
    if (!fitsInt(data[f])) throw new AppError('INVALID_ARGUMENT', `${what}.${f} must be between ${INT_MIN} and ${INT_MAX}; got ${String(data[f])}`);
  }
}

/** Keys are the server's to give. */
export function rejectIdentity(body: { _key?: unknown; _id?: unknown; _rev?: unknown }, what: string): void {
  for (const f of ['_key', '_id', '_rev'] as const) {
    if (body[f] !== undefined) throw new AppError('INVALID_ARGUMENT', `a new ${what} document gets its ${f} from the server; leave it out`);
  }
}
