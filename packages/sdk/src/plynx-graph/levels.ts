// The level/row grid behind REARRANGE (and the order GENERATE_CODE walks nodes in), computed exactly the
// way PLynx 0.2.x does it, quirks included.
import { indexGraph, type GraphIndex } from './node-keys.js';
import { EmptyGraphError, type PlynxGraph, type PlynxNode } from './types.js';

/** Heights (px) used to size nodes, as the PLynx editor draws them. */
export const NODE_HEIGHTS = {
  header: 23,
  description: 20,
  footer: 10,
  borders: 2,
  /** Per input/output row. */
  item: 20,
  /** Per exposed `code` parameter (drawn as an extra line). */
  specialParameter: 20,
} as const;

/** The level/row grid of a graph. Level 0 holds the sinks; higher levels are further upstream. */
export interface GraphLayers {
  readonly index: GraphIndex;
  /** Highest level, or -1 when no node got one (every node sits on a cycle with no sink below it). */
  readonly maxLevel: number;
  /** Level of every placed node. Nodes that never got a level are absent (they are not placed). */
  readonly levelOf: ReadonlyMap<string, number>;
  /** `levels[level]` = node keys of that level in row order (row 0 first). */
  readonly levels: readonly (readonly string[])[];
  /** `rowHeights[row]` = tallest node in that row across all levels. */
  readonly rowHeights: readonly number[];
}

/** Drawn height of a node: header, description, footer, borders, one line per input/output row, exposed code. */
export function nodeHeight(node: PlynxNode): number {
  const h = NODE_HEIGHTS;
  const rows = Math.max(node.inputs?.length ?? 0, node.outputs?.length ?? 0);
  const special = (node.parameters ?? []).filter((p) => p.parameter_type === 'code' && p.widget != null).length;
  return h.header + h.description + h.footer + h.borders + h.item * rows + h.specialParameter * special;
}

/**
 * Assigns levels like upstream: sinks start at 0 and are queued (FIFO, in node order); a popped node takes
 * max(its level, each consumer's level + 1), then raises each source to at least its own level + 1 and
 * queues that source only the first time it is seen. Sources are never re-queued, so when a node is
 * raised after it was popped its own sources stay where they were: an ancestor can end up at a level
 * <= its descendant's. That is reproduced on purpose (it is what upstream lays out).
 */
function assignLevels(index: GraphIndex): Map<string, number> {
  const level = new Map<string, number>();
  const levelOrUnset = (key: string): number => level.get(key) ?? -1;
  // Upstream walks the sinks in set (hash) order, which is not stable between processes; node order is.
  const queue = index.keys.filter((key) => (index.consumers.get(key)?.size ?? 0) === 0);
  for (const sink of queue) level.set(sink, 0);
  const queued = new Set<string>();
  for (let head = 0; head < queue.length; head++) {
    const key = queue[head] as string;
    let own = levelOrUnset(key);
    for (const consumer of index.consumers.get(key) ?? []) own = Math.max(own, levelOrUnset(consumer) + 1);
    level.set(key, own);
    for (const source of index.sources.get(key) ?? []) {
      level.set(source, Math.max(own + 1, levelOrUnset(source)));
      if (!queued.has(source)) {
        queue.push(source);
        queued.add(source);
      }
    }
  }
  return level;
}

/** Lexicographic comparison of equal-length number tuples. */
function compareTuples(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Computes the level/row grid of a graph: levels as {@link assignLevels} describes, then, from the
 * highest level down, each level sorted by (for every higher level L from the top: the row of the first
 * node of L that feeds this node, or -1) and then by node id; finally the height of every row.
 * @example
 * ```ts
 * import { computeGraphLayers } from '@pipeloom/sdk/plynx-graph';
 * const { maxLevel, levels } = computeGraphLayers(graph);
 * for (let level = maxLevel; level >= 0; level--) {
 *   levels[level]?.forEach((nodeId, row) => console.log(`column ${maxLevel - level}, row ${row}: ${nodeId}`));
 * }
 * ```
 * @throws {EmptyGraphError} when the graph has no nodes.
 */
export function computeGraphLayers(graph: PlynxGraph): GraphLayers {
  if ((graph.nodes ?? []).length === 0) throw new EmptyGraphError();
  const index = indexGraph(graph);
  const levelOf = new Map([...assignLevels(index)].filter(([, level]) => level >= 0));
  const maxLevel = Math.max(-1, ...levelOf.values());
  const levels: string[][] = Array.from({ length: maxLevel + 1 }, () => []);
  for (const [key, level] of levelOf) levels[level]?.push(key);

  const rowHeights: number[] = [];
  for (let level = maxLevel; level >= 0; level--) {
    const ranked = (levels[level] ?? []).map((key) => {
      const sources = new Set(index.sources.get(key));
      const rank: number[] = [];
      for (let upper = maxLevel; upper > level; upper--) {
        rank.push((levels[upper] ?? []).findIndex((candidate) => sources.has(candidate)));
      }
      return { key, rank };
    });
    ranked.sort((a, b) => compareTuples(a.rank, b.rank) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const ordered = ranked.map(({ key }) => key);
    levels[level] = ordered;
    ordered.forEach((key, row) => {
      const node = index.nodes.get(key);
      const height = node === undefined ? 0 : nodeHeight(node);
      rowHeights[row] = Math.max(rowHeights[row] ?? 0, height);
    });
  }
  return { index, maxLevel, levelOf, levels, rowHeights };
}
