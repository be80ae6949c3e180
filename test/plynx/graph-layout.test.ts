import { describe, expect, it } from 'vitest';
import {
  arrangeGraph, computeGraphLayers, EmptyGraphError, nodeHeight, type PlynxGraph,
} from '@pipeloom/sdk/plynx-graph';
import { anomalyGraph, file, fixtureGraph, fixtureText, graphOf, oid, operation } from './plynx-graph-builders.js';

const positions = (graph: PlynxGraph): string[] =>
  (graph.nodes ?? []).map((node) => `${node.title} ${node._id} ${node.x} ${node.y}`);

describe('REARRANGE layout', () => {
  it('places the grep-and-sum example exactly where upstream places it', () => {
    const expected = fixtureText('graph_grep_sum.rearranged_xy.txt').trimEnd().split('\n');
    expect(positions(arrangeGraph(fixtureGraph('graph_grep_sum')))).toEqual(expected);
  });

  it('puts a lone node at the top-left corner (30, 80)', () => {
    const arranged = arrangeGraph(fixtureGraph('graph_docs_hello_world'));
    expect(arranged.nodes?.map(({ x, y }) => [x, y])).toEqual([[30, 80]]);
  });

  it('returns a new graph and leaves the input untouched', () => {
    const graph = fixtureGraph('graph_grep_sum');
    const before = JSON.stringify(graph);
    const arranged = arrangeGraph(graph);
    expect(JSON.stringify(graph)).toBe(before);
    expect(arranged).not.toBe(graph);
    expect(arranged.title).toBe(graph.title);
  });

  it('rejects a graph without nodes with EmptyGraphError', () => {
    expect(() => arrangeGraph(graphOf([]))).toThrow(EmptyGraphError);
    expect(() => arrangeGraph({})).toThrow(EmptyGraphError);
    expect(() => computeGraphLayers(graphOf([]))).toThrow(EmptyGraphError);
  });

  it('sizes nodes by their input/output rows and exposed code parameters', () => {
    const plain = operation({ id: oid('1'), title: 'x' });
    expect(nodeHeight(plain)).toBe(55 + 20);
    const tall = operation({
      id: oid('2'), title: 'y', inputs: { a: [], b: [], c: [] },
      parameters: [
        { name: 'cmd', parameter_type: 'code', value: { value: '', mode: 'sh' }, widget: { alias: 'Cmd' } },
        { name: 'hidden', parameter_type: 'code', value: null, widget: null },
        { name: 'n', parameter_type: 'int', value: 1, widget: { alias: 'N' } },
      ],
    });
    expect(nodeHeight(tall)).toBe(55 + 3 * 20 + 20);
    expect(nodeHeight({})).toBe(55);
  });

  it('stacks the nodes of one level by id with the tallest node of each row setting its height', () => {
    const graph = graphOf([
      operation({ id: oid('b'), title: 'second', inputs: { a: [], b: [] } }),
      operation({ id: oid('a'), title: 'first' }),
    ]);
    // Row 0 = "first" (75 px), row 1 = "second" (95 px): rows start at 0 and 75 + 50.
    expect(positions(arrangeGraph(graph))).toEqual([
      `second ${oid('b')} 30 205`,
      `first ${oid('a')} 30 80`,
    ]);
  });

  it('centres a short level against the tallest one', () => {
    const [f, g1, g2, g3, sum] = [oid('1'), oid('2'), oid('3'), oid('4'), oid('5')];
    const graph = graphOf([
      file(f, 'data'),
      ...[g1, g2, g3].map((id) => operation({ id, title: 'grep', inputs: { in: [[f, 'out']] } })),
      operation({ id: sum, title: 'sum', inputs: { in: [[g1, 'out'], [g2, 'out'], [g3, 'out']] } }),
    ]);
    // Three rows of 75 px: tops 0, 125, 250; full height 375; a one-node level is padded by (375-125)//2.
    expect(positions(arrangeGraph(graph)).map((line) => line.split(' ').slice(2).join(','))).toEqual([
      '30,205', '282,80', '282,205', '282,330', '534,205',
    ]);
  });

  it('orders a level by the rows of the nodes feeding it, highest level first', () => {
    const [f1, f2, x, y] = [oid('e1'), oid('e2'), oid('01'), oid('02')];
    // x is fed by the second file and y by the first, so y comes first despite its larger id.
    const graph = graphOf([
      file(f1, 'one'), file(f2, 'two'),
      operation({ id: y, title: 'y', inputs: { in: [[f1, 'out']] } }),
      operation({ id: x, title: 'x', inputs: { in: [[f2, 'out']] } }),
    ]);
    const layers = computeGraphLayers(graph);
    expect(layers.levels).toEqual([[y, x], [f1, f2]]);
  });

  it('reproduces the upstream layering where an ancestor stays at or below its descendant', () => {
    const layers = computeGraphLayers(anomalyGraph());
    const levelOf = Object.fromEntries([...layers.levelOf].map(([key, level]) => [key.slice(-2), level]));
    expect(levelOf).toEqual({ '05': 0, '0a': 1, '0b': 1, '0c': 2, '0d': 3, '0e': 4, '0f': 3 });
    expect(layers.levels.map((level) => level.map((key) => key.slice(-2)))).toEqual([
      ['05'], ['0b', '0a'], ['0c'], ['0f', '0d'], ['0e'],
    ]);
    expect(() => arrangeGraph(anomalyGraph())).not.toThrow();
  });

  it('ignores links to nodes that are not in the graph', () => {
    const graph = graphOf([operation({ id: oid('1'), title: 'lonely', inputs: { in: [[oid('404'), 'out']] } })]);
    expect(positions(arrangeGraph(graph))).toEqual([`lonely ${oid('1')} 30 80`]);
  });

  it('leaves nodes on a cycle without a sink where they are, and places the rest', () => {
    const [a, b, c] = [oid('a'), oid('b'), oid('c')];
    const graph = graphOf([
      { ...operation({ id: a, title: 'a', inputs: { in: [[b, 'out']] } }), x: 7, y: 9 },
      { ...operation({ id: b, title: 'b', inputs: { in: [[a, 'out']] } }), x: 8, y: 10 },
      operation({ id: c, title: 'c' }),
    ]);
    expect(arrangeGraph(graph).nodes?.map(({ x, y }) => [x, y])).toEqual([[7, 9], [8, 10], [30, 80]]);
    const allCycle = graphOf([graph.nodes?.[0] ?? {}, graph.nodes?.[1] ?? {}]);
    expect(computeGraphLayers(allCycle).maxLevel).toBe(-1);
    expect(arrangeGraph(allCycle).nodes?.map(({ x, y }) => [x, y])).toEqual([[7, 9], [8, 10]]);
  });

  it('matches ids case-insensitively, as ObjectIds', () => {
    const upper = 'ABCDEF0123456789ABCDEF01';
    const graph = graphOf([
      file(upper, 'src'),
      operation({ id: oid('2'), title: 'op', inputs: { in: [[upper.toLowerCase(), 'out']] } }),
    ]);
    expect(arrangeGraph(graph).nodes?.map(({ x, y }) => [x, y])).toEqual([[30, 80], [282, 80]]);
  });
});
