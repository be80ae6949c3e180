/** One page of a Torc list: `{items, skip, count, total_count, has_more}`. */
export interface ListPage<T> {
  items?: T[];
  skip?: number;
  count?: number;
  total_count?: number;
  has_more?: boolean;
}

/** Page size the workflow functions use for lists (the server caps pages at 100,000). */
export const DEFAULT_PAGE_SIZE = 10_000;

/**
 * Walks every item of a Torc list, one page at a time (`skip`/`limit`), so lists of any length can be
 * read without one huge response. `fetchPage` asks for one page; it is called until `has_more` is false.
 *
 * Lists are ordered by key, so the walk is stable as long as no item leaves the filtered set while it
 * runs; collect first and then change things, not the other way round.
 *
 * @example
 * ```ts
 * import { createPipeloomClient, iterateItems, unwrap } from '@pipeloom/sdk';
 *
 * const client = createPipeloomClient({ baseUrl: 'http://localhost:8080' });
 * for await (const job of iterateItems(({ skip, limit }) =>
 *   unwrap(client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: '42' }, query: { skip, limit } } })))) {
 *   console.log(job._key, job.status);
 * }
 * ```
 */
export async function* iterateItems<T>(
  fetchPage: (page: { skip: number; limit: number }) => Promise<ListPage<T>>,
  options: { pageSize?: number } = {},
): AsyncGenerator<T, void, undefined> {
  const limit = options.pageSize ?? DEFAULT_PAGE_SIZE;
  let skip = 0;
  for (;;) {
    const page = await fetchPage({ skip, limit });
    const items = page.items ?? [];
    yield* items;
    const count = page.count ?? items.length;
    if (!page.has_more || count === 0) return;
    skip += count;
  }
}

/**
 * Reads a whole Torc list into an array, page by page; see {@link iterateItems}.
 *
 * @example
 * ```ts
 * const files = await listAllItems(({ skip, limit }) =>
 *   unwrap(client.GET('/torc-service/workflows/{workflow}/files', { params: { path: { workflow: '42' }, query: { skip, limit } } })));
 * ```
 */
export async function listAllItems<T>(
  fetchPage: (page: { skip: number; limit: number }) => Promise<ListPage<T>>,
  options: { pageSize?: number } = {},
): Promise<T[]> {
  const all: T[] = [];
  for await (const item of iterateItems(fetchPage, options)) all.push(item);
  return all;
}

/** Runs `fn` over `items` with at most `concurrency` calls in flight; results keep the input order. */
export async function mapConcurrent<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(lanes);
  return results;
}
