// Small builders for PLynx graph documents used by the layout and code generation tests.
import { readFileSync } from 'node:fs';
import type { PlynxGraph, PlynxNode, PlynxParameter } from '@pipeloom/sdk/plynx-graph';

const FIXTURES = new URL('../fixtures/plynx/', import.meta.url);

/** Reads a fixture file of test/fixtures/plynx as text. */
export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** Reads a fixture graph of test/fixtures/plynx. */
export function fixtureGraph(name: string): PlynxGraph {
  return JSON.parse(fixtureText(`${name}.json`)) as PlynxGraph;
}

/** A 24-hex id ending in `suffix`, so tests can order ids at will. */
export function oid(suffix: string): string {
  return suffix.padStart(24, '0');
}

/** A link into an input: `[sourceNodeId, outputName]`. */
export type Link = readonly [string, string];

export interface OperationSpec {
  id: string;
  title: string;
  parent?: string;
  inputs?: Record<string, Link[]>;
  outputs?: string[];
  parameters?: PlynxParameter[];
}

/** An operation node with the given links (every input accepts any number of files). */
export function operation(spec: OperationSpec): PlynxNode {
  return {
    _id: spec.id,
    title: spec.title,
    description: `${spec.title} description`,
    base_node_name: 'bash_jinja2',
    parent_node: spec.parent ?? `f${spec.id.slice(1)}`,
    inputs: Object.entries(spec.inputs ?? {}).map(([name, links]) => ({
      name,
      file_types: ['file'],
      values: links.map(([nodeId, output]) => ({ node_id: nodeId, output_id: output, resource_id: null })),
      min_count: 1,
      max_count: -1,
    })),
    outputs: (spec.outputs ?? ['out']).map((name) => ({ name, file_type: 'file', resource_id: null })),
    parameters: spec.parameters ?? [],
    x: 0,
    y: 0,
  };
}

/** A file node. */
export function file(id: string, title: string, parent = `f${id.slice(1)}`): PlynxNode {
  return {
    _id: id,
    title,
    description: 'a file',
    base_node_name: 'file',
    parent_node: parent,
    outputs: [{ name: 'out', file_type: 'file', resource_id: 'r' }],
    node_running_status: 'STATIC',
    x: 0,
    y: 0,
  };
}

/** A graph around the given nodes. */
export function graphOf(nodes: PlynxNode[], title = 'Test graph'): PlynxGraph {
  return { _id: oid('9999'), title, description: 'For tests', nodes };
}

/**
 * A graph the upstream layering puts out of order: P sits two levels below S via A, but four via
 * B ← C ← D, and D only raises P after P was dequeued, so P's own source F stays at level 3 while P ends
 * at level 4.
 */
export function anomalyGraph(): PlynxGraph {
  const [s, a, b, c, d, p, f] = ['05', '0a', '0b', '0c', '0d', '0e', '0f'].map(oid) as [string, string, string, string, string, string, string];
  return graphOf([
    operation({ id: s, title: 'S', inputs: { left: [[a, 'out']], right: [[b, 'out']] } }),
    operation({ id: a, title: 'A', inputs: { data: [[p, 'out']] } }),
    operation({ id: b, title: 'B', inputs: { data: [[c, 'out']] } }),
    operation({ id: c, title: 'C', inputs: { data: [[d, 'out']] } }),
    operation({ id: d, title: 'D', inputs: { data: [[p, 'out']] } }),
    operation({ id: p, title: 'P', inputs: { data: [[f, 'out']] } }),
    operation({ id: f, title: 'F' }),
  ], 'Anomaly');
}
