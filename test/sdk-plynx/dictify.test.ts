// The graph document the SDK builds equals what PLynx's python client builds for the same program: the
// re-enactment of the python client used by the replay test is the oracle, on the same library nodes.
import { describe, expect, it } from 'vitest';
import { dictifyGraph, File, InvalidTypeArgumentError, Operation, type NodeInstance, type PlynxGraph } from '@pipeloom/sdk/plynx';
import { file as pyFile, mergeInto, operation as pyOperation, walkFromTargets, type ScriptNode } from '../plynx/python-client/graph-script.ts';
import { pyDeepCopy, pyDict, pyDumps, pyLoads, type PyDict } from '../plynx/python-client/python-json.ts';
import { IDS, LIBRARY } from './library.ts';

const GREP_PARAMS = ['template', 'mode', 'script', 'max-count', 'invert.match'] as const;

/** Node ids are random on both sides: number them in node order, everywhere they appear. */
function numbered(doc: string, ids: string[]): string {
  return ids.reduce((text, id, i) => text.replaceAll(id, `node-${i}`), doc);
}

async function sdkDocument() {
  const Grep = Operation({ id: IDS.grep, title: 'Grep', inputs: ['input'], params: GREP_PARAMS, outputs: ['output'] });
  const Sum = Operation({ id: IDS.sum, title: 'Sum', inputs: ['input'], params: [], outputs: ['output'] });
  const seq = File({ id: IDS.file, title: 'seq 100' });
  const a = Grep({ input: seq.outputs.out, template: '^1', mode: 'exact', script: 'grep -c "$x"', max_count: 3, invert_match: true });
  const b = Grep({ input: seq.outputs.out, template: '^2 ünïcode', title: '' });
  const total = Sum({ input: [a.outputs.output, b.outputs.output] });
  const fetched: string[] = [];
  const doc = await dictifyGraph({ title: 'Grep and sum — ü', description: 'Example', targets: [total] }, async (id) => {
    fetched.push(id);
    return structuredClone(LIBRARY[id] ?? {});
  });
  return { doc, fetched, ids: [total, a, b, seq].map((n: NodeInstance) => n._id) };
}

function pythonDocument() {
  const Grep = pyOperation({ id: IDS.grep, title: 'Grep', inputs: ['input'], params: [...GREP_PARAMS], outputs: ['output'] });
  const Sum = pyOperation({ id: IDS.sum, title: 'Sum', inputs: ['input'], params: [], outputs: ['output'] });
  const seq = pyFile({ id: IDS.file, title: 'seq 100' });
  const a = Grep({ input: seq.output('out'), template: '^1', mode: 'exact', script: 'grep -c "$x"', max_count: 3n, invert_match: true });
  const b = Grep({ input: seq.output('out'), template: '^2 ünïcode', title: '' });
  const total = Sum({ input: [a.output('output'), b.output('output')] });
  const nodes = walkFromTargets([total]);
  const library = (id: string) => pyLoads(JSON.stringify(LIBRARY[id])) as PyDict;
  const merged = nodes.map((n: ScriptNode) => mergeInto(pyDeepCopy(library(n.parentNode)), n.dictify()));
  const graph = pyDict([['title', 'Grep and sum — ü'], ['description', 'Example'], ['graph_running_status', 'CREATED'], ['nodes', merged]]);
  return { text: pyDumps(graph), ids: [total, a, b, seq].map((n) => n._id) };
}

describe('Graph documents (_dictify)', () => {
  it('When the issue-style program is dictified, then the document equals the python client\'s, key order included', async () => {
    const ours = await sdkDocument();
    const theirs = pythonDocument();
    // Python's json.dumps escapes non-ASCII and spaces its separators; parsing both compares the documents.
    const oursText = numbered(JSON.stringify(ours.doc), ours.ids);
    const theirsText = numbered(JSON.stringify(JSON.parse(theirs.text)), theirs.ids);
    expect(oursText).toBe(theirsText);
  });

  it('When several instances share a library node, then each library node is fetched once, in first-seen order', async () => {
    const { fetched } = await sdkDocument();
    expect(fetched).toEqual([IDS.sum, IDS.grep, IDS.file]);
  });

  it('When values are merged, then enums become indexes, code fills value.value, links are appended and falsy fields keep the library\'s', async () => {
    const { doc, ids } = await sdkDocument();
    const [sum, a, b, seq] = doc.nodes ?? [];
    const param = (node: typeof a, name: string) => node?.parameters?.find((p) => p.name === name);
    expect(doc.nodes?.map((n) => n._id)).toEqual(ids);
    expect(sum?.inputs?.[0]?.values).toEqual([
      { node_id: ids[1], output_id: 'output', resource_id: null },
      { node_id: ids[2], output_id: 'output', resource_id: null },
    ]);
    expect(param(a, 'mode')?.value).toEqual({ values: ['fast', 'exact'], index: 1 });
    expect(param(a, 'script')?.value).toEqual({ value: 'grep -c "$x"', mode: 'sh' });
    expect(param(a, 'max-count')?.value).toBe(3);
    expect(param(a, 'invert.match')?.value).toBe(true);
    // Left out: the library's values; an empty title and x/y 0: the library's too.
    expect(param(b, 'mode')?.value).toEqual({ values: ['fast', 'exact'], index: 0 });
    expect(param(b, 'script')?.value).toEqual({ value: 'cat', mode: 'sh' });
    expect(b?.title).toBe('Grep');
    expect([b?.x, b?.y]).toEqual([5, 7]);
    expect(seq?.node_running_status).toBe('STATIC');
    expect(a?.node_running_status).toBe('CREATED');
    expect(a?.parent_node).toBe(IDS.grep);
    expect(seq?.outputs).toEqual([{ name: 'out', file_type: 'file', resource_id: 'r-seq' }]);
  });

  it('When a list parameter is given, then it replaces the library value', async () => {
    const Grep = Operation({ id: IDS.grep, inputs: ['input'], params: ['columns'], outputs: ['output'] });
    const doc: PlynxGraph = await dictifyGraph({ title: 't', description: 'd', targets: [Grep({ columns: ['host', 'hits'] })] }, async (id) => structuredClone(LIBRARY[id] ?? {}));
    expect(doc.nodes?.[0]?.parameters?.find((p) => p.name === 'columns')?.value).toEqual(['host', 'hits']);
  });

  it('When an enum value is not among the choices, then dictify throws InvalidTypeArgumentError', async () => {
    const Grep = Operation({ id: IDS.grep, inputs: ['input'], params: ['mode'], outputs: ['output'] });
    const fetchNode = async (id: string) => structuredClone(LIBRARY[id] ?? {});
    await expect(dictifyGraph({ title: 't', description: 'd', targets: [Grep({ mode: 'slow' })] }, fetchNode)).rejects.toThrow(InvalidTypeArgumentError);
    await expect(dictifyGraph({ title: 't', description: 'd', targets: [Grep({ mode: 'slow' })] }, fetchNode)).rejects.toThrow(/Enum is invalid. Expected one of `\["fast","exact"\]`, but got `"slow"`/);
  });
});
