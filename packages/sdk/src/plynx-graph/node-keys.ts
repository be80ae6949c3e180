// Identity of nodes and links inside one graph. ObjectIds compare case-insensitively, so 24-hex ids are
// folded to lower case; anything else is kept verbatim.
import type { PlynxGraph, PlynxNode } from './types.js';

const OBJECT_ID = /^[0-9a-fA-F]{24}$/;

/** Normalises an ObjectId-like string so equal ids compare equal (lower-case hex). */
export function normalizeId(id: string): string {
  return OBJECT_ID.test(id) ? id.toLowerCase() : id;
}

/** The nodes of a graph keyed by their `_id`, with the link structure resolved against those keys. */
export interface GraphIndex {
  /** Keys in node order, each once (a repeated `_id` keeps its first position). */
  readonly keys: readonly string[];
  /** Key → node. When two nodes share an `_id` the later one wins, as a map keyed by id does. */
  readonly nodes: ReadonlyMap<string, PlynxNode>;
  /** Key → keys of the nodes feeding it, in input/value order (repeats kept, links to unknown nodes dropped). */
  readonly sources: ReadonlyMap<string, readonly string[]>;
  /** Key → keys of the nodes it feeds. */
  readonly consumers: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The key of a node: its normalised `_id`, or a position-based stand-in when it has none. */
export function nodeKey(node: PlynxNode, position: number): string {
  // A node without `_id` cannot be the target of a link; the stand-in only has to be unique and to sort
  // after real ids (upstream would have given it a fresh, hence greatest, ObjectId).
  return node._id === undefined ? `~${String(position).padStart(10, '0')}` : normalizeId(node._id);
}

/**
 * Indexes the nodes of a graph. Links naming a node that is not in the graph are ignored everywhere
 * (upstream fails with an internal error on them; a layout or a script has no use for them).
 */
export function indexGraph(graph: PlynxGraph): GraphIndex {
  const graphNodes = graph.nodes ?? [];
  const keys: string[] = [];
  const nodes = new Map<string, PlynxNode>();
  graphNodes.forEach((node, position) => {
    const key = nodeKey(node, position);
    if (!nodes.has(key)) keys.push(key);
    nodes.set(key, node);
  });
  const sources = new Map<string, string[]>();
  const consumers = new Map<string, Set<string>>(keys.map((key) => [key, new Set<string>()]));
  for (const key of keys) {
    const linked: string[] = [];
    for (const input of nodes.get(key)?.inputs ?? []) {
      for (const value of input.values ?? []) {
        const source = value.node_id === undefined ? undefined : normalizeId(value.node_id);
        if (source === undefined || !nodes.has(source)) continue;
        linked.push(source);
        consumers.get(source)?.add(key);
      }
    }
    sources.set(key, linked);
  }
  return { keys, nodes, sources, consumers };
}
