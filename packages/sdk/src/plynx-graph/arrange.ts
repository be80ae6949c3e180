// REARRANGE: place every node on the level/row grid.
import { computeGraphLayers } from './levels.js';
import { nodeKey } from './node-keys.js';
import type { PlynxGraph } from './types.js';

/** Spacing (px) of the automatic layout. */
export const LAYOUT_SPACING = {
  /** Vertical gap between rows. */
  rowGap: 50,
  left: 30,
  top: 80,
  /** Horizontal distance between levels. */
  levelWidth: 252,
} as const;

/**
 * Lays a graph out the way PLynx's REARRANGE action does: the most upstream level at the left
 * (x = 30 + (maxLevel - level) * 252), rows stacked with a 50 px gap and every level centred vertically
 * against the tallest one (y = 80 + padding + top of its row).
 *
 * Returns a new graph; the input is not modified. Nodes that get no level (only possible on a cycle that
 * has no sink below it) keep their coordinates, as upstream leaves them. Nodes sharing an `_id` all get
 * that id's position (upstream moves only the last of them).
 * @example
 * ```ts
 * import { arrangeGraph } from '@pipeloom/sdk/plynx-graph';
 * const arranged = arrangeGraph(graph);
 * arranged.nodes?.map(({ title, x, y }) => `${title}: ${x},${y}`); // e.g. ['seq 100: 30,142', 'Grep: 282,80', ...]
 * ```
 * @throws {EmptyGraphError} when the graph has no nodes.
 */
export function arrangeGraph(graph: PlynxGraph): PlynxGraph {
  const { maxLevel, levels, rowHeights } = computeGraphLayers(graph);
  const s = LAYOUT_SPACING;
  const rowTops = [0];
  for (const height of rowHeights) rowTops.push((rowTops.at(-1) ?? 0) + height + s.rowGap);
  const fullHeight = Math.max(...rowTops);

  const positions = new Map<string, { x: number; y: number }>();
  for (let level = maxLevel; level >= 0; level--) {
    const rows = levels[level] ?? [];
    const padding = Math.floor((fullHeight - (rowTops[rows.length] ?? 0)) / 2);
    rows.forEach((key, row) => {
      positions.set(key, { x: s.left + (maxLevel - level) * s.levelWidth, y: s.top + padding + (rowTops[row] ?? 0) });
    });
  }
  return {
    ...graph,
    nodes: (graph.nodes ?? []).map((node, position) => {
      const placed = positions.get(nodeKey(node, position));
      return placed === undefined ? { ...node } : { ...node, ...placed };
    }),
  };
}
