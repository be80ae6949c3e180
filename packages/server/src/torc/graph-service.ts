// Views over a workflow's graph and event log (semantics.md §6): the newest event time, events after a time,
// DOT drawings of the job dependencies, and collections joined through an edge. Every view answers 404 for
// an unknown workflow and 400 for a name, collection, edge or filter it cannot use.
import { AppError } from '../errors.ts';
import { EDGES, isEdgeName, matchableColumns, VERTEX_COLLECTIONS, type EdgeName, type VertexCollection } from './collections.ts';
import { clampLimit, fitsInt, page, type Page } from './documents.ts';
import type { ColumnMatch, GraphRepository, Vertex } from './graph-repository.ts';
import { documentToWire, edgeToWire, vertexToWire, type CollectionDocs, type Doc, type JoinRow } from './wire.ts';
import type { WorkflowService } from './workflow-service.ts';

/** What each DOT graph draws: its edges, and the collection at the far end besides jobs. */
export const DOT_GRAPHS = {
  job_job_dependencies: { edges: ['blocks'], others: undefined },
  job_file_dependencies: { edges: ['produces', 'needs'], others: 'files' },
  job_user_data_dependencies: { edges: ['stores', 'consumes'], others: 'user_data' },
} as const satisfies Record<string, { edges: readonly EdgeName[]; others: VertexCollection | undefined }>;

export type DotGraphName = keyof typeof DOT_GRAPHS;

/** A Graphviz quoted string: backslashes and quotes escaped, line breaks as `\n`, other control characters dropped. */
export function dotString(text: string): string {
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r\n|\r|\n/g, '\\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
  return `"${escaped}"`;
}

export interface JoinQuery {
  collection_key?: string;
  collection_name?: string;
  skip?: number;
  limit?: number;
}

export class GraphService {
  constructor(
    private readonly repo: GraphRepository,
    private readonly workflows: WorkflowService,
  ) {}

  // ---- events ----

  async latestEventTimestamp(workflowKey: string): Promise<{ timestamp: number | null }> {
    return { timestamp: await this.repo.latestEventTimestamp(await this.workflows.idOf(workflowKey)) };
  }

  /**
   * Events strictly later than `timestamp`, oldest first (then by key), at most `limit`. `skip` is ignored, as
   * upstream: a watcher pages by asking again after the newest timestamp it saw. `total_count` counts every
   * later event, so `has_more` tells it to ask again.
   */
  async eventsAfter(workflowKey: string, timestamp: number, query: { category?: string; limit?: number }): Promise<Page<CollectionDocs['events']>> {
    if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
      throw new AppError('INVALID_ARGUMENT', `timestamp must be milliseconds since the epoch; got ${String(timestamp)}`);
    }
    const workflowId = await this.workflows.idOf(workflowKey);
    const { rows, total } = await this.repo.eventsAfter(workflowId, timestamp, query.category, clampLimit(query.limit));
    return page(rows.map((r) => documentToWire('events', r)), 0, total);
  }

  // ---- DOT ----

  /**
   * A `strict digraph` of the chosen relations: every job of the workflow, the files or user data at the ends
   * of the drawn edges, and the edges in their stored direction. Node ids are `_id`s; labels are the document
   * `name` (its `_key` when it has none), always quoted, so any name gives valid DOT.
   */
  async dotGraph(workflowKey: string, name: string): Promise<{ graph: string }> {
    if (!Object.hasOwn(DOT_GRAPHS, name)) {
      throw new AppError('INVALID_ARGUMENT', `unknown graph ${name}; use one of ${Object.keys(DOT_GRAPHS).join(', ')}`);
    }
    const spec = DOT_GRAPHS[name as DotGraphName];
    const workflowId = await this.workflows.idOf(workflowKey);
    const [jobs, others, edges] = await Promise.all([
      this.repo.vertices('jobs', workflowId),
      spec.others ? this.repo.verticesAtEdges(spec.others, workflowId, spec.edges, 'to') : Promise.resolve([] as Vertex[]),
      this.repo.edges(workflowId, spec.edges),
    ]);
    const endId = (collection: string, id: number) => dotString(`${collection}__${workflowId}/${id}`);
    const node = (collection: VertexCollection, v: Vertex) =>
      `  ${endId(collection, Number(v.id))} [label=${dotString(v.name === null || v.name === '' ? String(v.id) : v.name)}]`;
    const lines = [
      `strict digraph ${dotString(name)} {`,
      `  label=${dotString(name)}`,
      ...jobs.map((v) => node('jobs', v)),
      ...(spec.others ? others.map((v) => node(spec.others, v)) : []),
      ...edges.map((e) => `  ${endId(e.from_collection, e.from_id)} -> ${endId(e.to_collection, e.to_id)} [label=${dotString(e.name)}]`),
      '}',
    ];
    return { graph: lines.join('\n') };
  }

  // ---- joins ----

  /**
   * Rows `{from, to, edge}` for every `edge` at each document of `collection` that matches the filter (body
   * and `collection_key` / `collection_name`), ordered by base `_key` and then edge `_key`. Outbound rows have
   * the base document as `from`, inbound rows as `to`. `skip`/`limit` count rows and `total_count` is the
   * number of rows in all, so clients can page with `skip += count` while `has_more`.
   */
  async join(workflowKey: string, direction: 'outbound' | 'inbound', collection: string, edge: string, filter: Doc, query: JoinQuery): Promise<Page<JoinRow>> {
    const base = VERTEX_COLLECTIONS.find((c) => c === collection);
    if (base === undefined) {
      throw new AppError('INVALID_ARGUMENT', `unknown collection ${collection}; use one of ${VERTEX_COLLECTIONS.join(', ')}`);
    }
    if (!isEdgeName(edge)) throw new AppError('INVALID_ARGUMENT', `unknown edge collection ${edge}; use one of ${Object.keys(EDGES).join(', ')}`);
    const outbound = direction === 'outbound';
    const ends = (outbound ? EDGES[edge].from : EDGES[edge].to) as readonly VertexCollection[];
    if (!ends.includes(base)) {
      const fitting = (Object.keys(EDGES) as EdgeName[]).filter((n) => ((outbound ? EDGES[n].from : EDGES[n].to) as readonly string[]).includes(base));
      throw new AppError('INVALID_ARGUMENT', `${edge} edges do not ${outbound ? 'leave' : 'enter'} ${base}; `
        + (fitting.length ? `${outbound ? 'outbound' : 'inbound'} edges of ${base} are ${fitting.join(', ')}` : `no edge ${outbound ? 'leaves' : 'enters'} ${base}`));
    }
    const where = baseFilter(base, filter ?? {}, query);
    const workflowId = await this.workflows.idOf(workflowKey);
    const skip = query.skip ?? 0;
    if (where === undefined) return page([], skip, 0);

    const { links, total } = await this.repo.joinPage({ workflowId, collection: base, edge, outbound, where, skip, take: clampLimit(query.limit) });
    const others = new Map<VertexCollection, number[]>();
    for (const l of links) {
      const ids = others.get(l.otherCollection);
      if (ids) ids.push(l.otherId);
      else others.set(l.otherCollection, [l.otherId]);
    }
    const [bases, edges, ...neighbours] = await Promise.all([
      this.repo.byIds(base, workflowId, links.map((l) => l.baseId)),
      this.repo.edgesByIds(workflowId, links.map((l) => l.edgeId)),
      ...[...others].map(async ([c, ids]) => [c, await this.repo.byIds(c, workflowId, ids)] as const),
    ]);
    const byCollection = new Map(neighbours);
    const items: JoinRow[] = [];
    for (const l of links) {
      const b = bases.get(l.baseId);
      const o = byCollection.get(l.otherCollection)?.get(l.otherId);
      const e = edges.get(l.edgeId);
      // A document deleted between the two reads drops its row.
      if (!b || !o || !e) continue;
      const [baseDoc, otherDoc] = [vertexToWire(base, b), vertexToWire(l.otherCollection, o)];
      items.push(outbound ? { from: baseDoc, to: otherDoc, edge: edgeToWire(e) } : { from: otherDoc, to: baseDoc, edge: edgeToWire(e) });
    }
    return page(items, skip, total);
  }
}

/**
 * The body's exact-match filter and the `collection_key` / `collection_name` query as column conditions;
 * undefined when they can match nothing (a `_key` that is not one of ours, an integer out of range).
 */
function baseFilter(collection: VertexCollection, filter: Doc, query: JoinQuery): ColumnMatch[] | undefined {
  const columns = matchableColumns(collection);
  const conditions: ColumnMatch[] = [];
  let impossible = false;
  const matchKey = (value: unknown, what: string) => {
    if (typeof value !== 'string') throw new AppError('INVALID_ARGUMENT', `${what} must be a string _key; got ${JSON.stringify(value)}`);
    if (/^\d{1,15}$/.test(value)) conditions.push({ column: 'id', value: Number(value) });
    else impossible = true;
  };
  if (query.collection_key !== undefined) matchKey(query.collection_key, 'collection_key');
  if (query.collection_name !== undefined) {
    if (!Object.hasOwn(columns, 'name')) throw new AppError('INVALID_ARGUMENT', `${collection} documents have no name; collection_name cannot be used`);
    conditions.push({ column: 'name', value: query.collection_name });
  }
  for (const [field, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (field === '_key') {
      matchKey(value, 'the _key filter');
      continue;
    }
    const kind = Object.hasOwn(columns, field) ? columns[field] : undefined;
    if (!kind) {
      throw new AppError('INVALID_ARGUMENT', `cannot filter ${collection} on ${field}; use _key or one of ${Object.keys(columns).join(', ')}`);
    }
    if (value === null) {
      conditions.push({ column: field, value: null });
      continue;
    }
    const fits = kind === 'string' ? typeof value === 'string'
      : kind === 'bool' ? typeof value === 'boolean'
        : kind === 'int' ? Number.isInteger(value) : typeof value === 'number' && Number.isFinite(value);
    if (!fits) throw new AppError('INVALID_ARGUMENT', `${collection}.${field} is ${kind === 'bool' ? 'a boolean' : `a${kind === 'int' ? 'n integer' : kind === 'float' ? ' number' : ' string'}`}; cannot match ${JSON.stringify(value)}`);
    if (kind === 'int' && !fitsInt(value)) impossible = true;
    conditions.push({ column: field, value: value as string | number | boolean });
  }
  return impossible ? undefined : conditions;
}
