import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  EmptyGraphError, generatePythonCode, operationClassName, parameterLiteral, pyRepr, pyStrRepr,
  pythonScriptHeader, pythonVarName, type PlynxGraph, type PlynxParameter,
} from '@pipeloom/sdk/plynx-graph';
import { anomalyGraph, file, fixtureGraph, fixtureText, graphOf, oid, operation } from './plynx-graph-builders.js';

const sha1Prefix = (text: string): string => createHash('sha1').update(text).digest('hex').slice(0, 4);
const exposed = (parameter: PlynxParameter): PlynxParameter => ({ ...parameter, widget: { alias: 'x' } });

/** Checks that every `name.outputs.` reference in a script comes after `name = ...` (or is undefined). */
function referencesBeforeAssignment(code: string): string[] {
  const assigned = new Set<string>();
  const early: string[] = [];
  for (const line of code.split('\n')) {
    for (const [, name] of line.matchAll(/([A-Za-z0-9_]+)\.outputs\./g)) if (!assigned.has(name ?? '')) early.push(name ?? '');
    const assignment = /^([A-Za-z0-9_]+) = /.exec(line);
    if (assignment) assigned.add(assignment[1] ?? '');
  }
  return early;
}

describe('GENERATE_CODE', () => {
  it.each(['graph_docs_hello_world', 'graph_grep_sum'])('writes exactly what upstream writes for %s', (name) => {
    expect(generatePythonCode(fixtureGraph(name))).toBe(fixtureText(`${name}.code.txt`));
  });

  it('rejects a graph without nodes with EmptyGraphError', () => {
    expect(() => generatePythonCode(graphOf([]))).toThrow(EmptyGraphError);
  });

  it('builds the runnable prelude the editor puts above the code', () => {
    expect(pythonScriptHeader({ token: 'tok', endpoint: 'http://h/plynx/api/v0' })).toBe(
      "#!/usr/bin/env python\nfrom plynx.api import Operation, File, Graph, Client\n\n" +
      "TOKEN = 'tok'\nENDPOINT = 'http://h/plynx/api/v0'\n\n\n",
    );
  });

  describe('parameter values', () => {
    const cases: [string, PlynxParameter, string][] = [
      ['str', { parameter_type: 'str', value: 'ERROR' }, "'ERROR'"],
      ['str with a quote', { parameter_type: 'str', value: "it's" }, '"it\'s"'],
      ['str with both quotes', { parameter_type: 'str', value: `a'b"c` }, `'a\\'b"c'`],
      ['str without a type', { value: 'plain' }, "'plain'"],
      ['null str', { parameter_type: 'str', value: null }, "''"],
      ['text', { parameter_type: 'text', value: 'l1\nl2\t\\ é\u200b😀' }, "'l1\\nl2\\t\\\\ é\\u200b😀'"],
      ['int', { parameter_type: 'int', value: 42 }, '42'],
      ['negative int', { parameter_type: 'int', value: -7 }, '-7'],
      ['int stored as text', { parameter_type: 'int', value: '600' }, '600'],
      ['null int', { parameter_type: 'int', value: null }, '0'],
      ['int that is not a number', { parameter_type: 'int', value: 'abc' }, "'abc'"],
      ['bool true', { parameter_type: 'bool', value: true }, 'True'],
      ['bool false', { parameter_type: 'bool', value: false }, 'False'],
      ['bool as a number', { parameter_type: 'bool', value: 1 }, '1'],
      ['null bool', { parameter_type: 'bool', value: null }, 'False'],
      ['enum', { parameter_type: 'enum', value: { values: ['gzip', 'bzip2', 'xz'], index: '1' } }, "'bzip2'"],
      ['enum with a numeric index', { parameter_type: 'enum', value: { values: ['gzip', 'bzip2'], index: 0 } }, "'gzip'"],
      ['enum with index -1 (last)', { parameter_type: 'enum', value: { values: ['a', 'b', 'c'], index: -1 } }, "'c'"],
      ['enum out of range', { parameter_type: 'enum', value: { values: ['a'], index: 3 } }, 'None'],
      ['empty enum', { parameter_type: 'enum', value: null }, 'None'],
      ['list_str', { parameter_type: 'list_str', value: ['host', "it's"] }, `['host', "it's"]`],
      ['empty list_str', { parameter_type: 'list_str', value: [] }, '[]'],
      ['list_int', { parameter_type: 'list_int', value: [1, '2', -3, ' 4 '] }, '[1, 2, -3, 4]'],
      ['null list_int', { parameter_type: 'list_int', value: null }, '[]'],
      ['code', { parameter_type: 'code', value: { value: 'print("hi")\n', mode: 'python' } }, `'print("hi")\\n'`],
      ['null code', { parameter_type: 'code', value: null }, "''"],
    ];
    it.each(cases)('writes %s as a Python literal', (_, parameter, literal) => {
      expect(parameterLiteral(parameter)).toBe(literal);
    });

    it('passes only exposed parameters, named as Python identifiers', () => {
      const code = generatePythonCode(graphOf([operation({
        id: oid('1'), title: 'Op',
        parameters: [
          exposed({ name: 'max-count', parameter_type: 'int', value: 3 }),
          { name: 'hidden', parameter_type: 'str', value: 'no', widget: null },
          exposed({ name: 'mode', parameter_type: 'enum', value: { values: ['a', 'b'], index: '1' } }),
        ],
      })]));
      expect(code).toContain("    params=['max-count', 'mode'],\n");
      expect(code).toContain("op_0_0 = Op(\n    max_count=3,\n    mode='b',\n)\n");
      expect(code).not.toContain('hidden=');
    });
  });

  describe('Python repr', () => {
    it('quotes and escapes strings as Python 3 does', () => {
      expect(pyStrRepr('')).toBe("''");
      expect(pyStrRepr('a\\b')).toBe("'a\\\\b'");
      expect(pyStrRepr('\x00\x1f\x7f\x80\xa0\xad')).toBe("'\\x00\\x1f\\x7f\\x80\\xa0\\xad'");
      expect(pyStrRepr('\u2028\ufeff\u{e0001}')).toBe("'\\u2028\\ufeff\\U000e0001'");
      expect(pyStrRepr('\ud800')).toBe("'\\ud800'");
      expect(pyStrRepr('日本 ü')).toBe("'日本 ü'");
    });

    it('writes JSON values as Python literals', () => {
      expect(pyRepr(null)).toBe('None');
      expect(pyRepr([1, 'a', true, 0.5, 1.25e-7, 1e-5, 1e300])).toBe("[1, 'a', True, 0.5, 1.25e-07, 1e-05, 1e+300]");
      expect(pyRepr(2 ** 53 - 1)).toBe('9007199254740991');
      expect(pyRepr(-2.5e-300)).toBe('-2.5e-300');
      expect(pyRepr({ a: [], b: 'x' })).toBe("{'a': [], 'b': 'x'}");
    });
  });

  describe('names', () => {
    it('makes operation classes from the letters of the title, capitalised', () => {
      expect(operationClassName('word2vec embed')).toBe('WordVecEmbed');
      expect(operationClassName('GREP-lines')).toBe('GrepLines');
      expect(operationClassName('seq 100')).toBe('Seq');
      expect(operationClassName('Ünï')).toBe('N');
    });

    it('makes variables by replacing every other character with _', () => {
      expect(pythonVarName('my file-2.csv')).toBe('my_file_2_csv');
      expect(pythonVarName('Ünï😀')).toBe('_n__');
    });

    it('names files after their title and calls after the lower-cased title, column and row', () => {
      const [f, op] = [oid('1'), oid('2')];
      const code = generatePythonCode(graphOf([
        file(f, 'Raw Data.csv'),
        operation({ id: op, title: 'Count Lines!', inputs: { 'in-put': [[f, 'out']] } }),
      ]));
      expect(code).toContain(`Raw_Data_csv = File(\n    id='f${f.slice(1)}',\n    title='Raw Data.csv',\n    description='a file',\n)\n`);
      expect(code).toContain('count_lines__1_0 = CountLines(\n    in_put=Raw_Data_csv.outputs.out,\n)\n');
      expect(code).toContain('    targets=[count_lines__1_0]\n');
    });

    it('writes titles and descriptions unescaped, as upstream', () => {
      const graph: PlynxGraph = { ...graphOf([operation({ id: oid('1'), title: "it's" })]), description: "a 'quoted' one" };
      const code = generatePythonCode(graph);
      expect(code).toContain("    title='it's',\n");
      expect(code).toContain("    description='a 'quoted' one',\n");
    });

    it('gives a taken name a suffix derived from the library node id, the same on every call', () => {
      const [p1, p2, p3] = [oid('a1'), oid('a2'), oid('a3')];
      const graph = graphOf([
        operation({ id: oid('1'), title: 'Grep', parent: p1 }),
        operation({ id: oid('2'), title: 'grep', parent: p2 }),
        { ...file(oid('3'), 'Grep', p3) },
      ]);
      const code = generatePythonCode(graph);
      expect(code).toContain(`Grep = Operation(\n    id='${p1}'`);
      expect(code).toContain(`Grep_${sha1Prefix(p2)} = Operation(\n    id='${p2}'`);
      expect(code).toContain(`Grep_${sha1Prefix(p3)} = File(\n    id='${p3}'`);
      expect(generatePythonCode(graph)).toBe(code);
    });
  });

  describe('structure', () => {
    it('defines each library node once, from the last graph node made from it', () => {
      const library = oid('aa');
      const code = generatePythonCode(graphOf([
        operation({ id: oid('1'), title: 'Old title', parent: library }),
        operation({ id: oid('2'), title: 'New title', parent: library }),
      ]));
      expect(code.match(/= Operation\(/g)).toHaveLength(1);
      expect(code).toContain(`NewTitle = Operation(\n    id='${library}',\n    title='New title',`);
      expect(code).toContain('old_title_0_0 = NewTitle(');
      expect(code).toContain('new_title_0_1 = NewTitle(');
    });

    it('passes several links of one input as a list and leaves unlinked inputs out', () => {
      const [a, b, op] = [oid('1'), oid('2'), oid('3')];
      const code = generatePythonCode(graphOf([
        file(a, 'a'), file(b, 'b'),
        operation({ id: op, title: 'join', inputs: { files: [[a, 'out'], [b, 'out']], extra: [] } }),
      ]));
      expect(code).toContain('join_1_0 = Join(\n    files=[a.outputs.out, b.outputs.out],\n)\n');
    });

    it('leaves out links to nodes that are not in the graph', () => {
      const code = generatePythonCode(graphOf([
        operation({ id: oid('1'), title: 'op', inputs: { in: [[oid('404'), 'out']] } }),
      ]));
      expect(code).toContain('op_0_0 = Op(\n\n)\n');
    });

    it('lists every level-0 node, files included, as targets', () => {
      const code = generatePythonCode(graphOf([file(oid('1'), 'lonely'), operation({ id: oid('2'), title: 'solo' })]));
      expect(code).toContain('    targets=[lonely, solo_0_1]\n');
    });
  });

  describe('graphs upstream cannot generate code for', () => {
    it('writes a source laid out below its consumer before that consumer', () => {
      const code = generatePythonCode(anomalyGraph());
      expect(referencesBeforeAssignment(code)).toEqual([]);
      // F sits at level 3 (column 1) but feeds P at level 4 (column 0): F's call comes first, names unchanged.
      expect(code.indexOf('f_1_0 = F(')).toBeLessThan(code.indexOf('p_0_0 = P(\n    data=f_1_0.outputs.out,'));
    });

    it('never refers to a variable before assigning it on random acyclic graphs', () => {
      let seed = 42;
      const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      for (let round = 0; round < 200; round++) {
        const count = 4 + Math.floor(random() * 12);
        const ids = Array.from({ length: count }, (_, i) => oid((round * 100 + i).toString(16)));
        // Links only run from later to earlier nodes, so the graph has no cycle.
        const nodes = ids.map((id, i) => operation({
          id, title: `n${i}`,
          inputs: { in: ids.slice(i + 1).filter(() => random() < 0.3).map((source) => [source, 'out'] as const) },
        }));
        const code = generatePythonCode(graphOf(nodes));
        expect(referencesBeforeAssignment(code)).toEqual([]);
        expect(code.match(/^n\d+_\d+_\d+ = /gm)?.length ?? 0).toBe(count);
      }
    });

    it('still writes a script for a graph with a cycle', () => {
      const [a, b, c] = [oid('a'), oid('b'), oid('c')];
      const withCycle = graphOf([
        operation({ id: a, title: 'a', inputs: { in: [[b, 'out']] } }),
        operation({ id: b, title: 'b', inputs: { in: [[a, 'out']] } }),
        operation({ id: c, title: 'c', inputs: { in: [[a, 'out']] } }),
      ]);
      expect(generatePythonCode(withCycle)).toContain('    targets=[c_3_0]\n');
      const onlyCycle = graphOf((withCycle.nodes ?? []).slice(0, 2));
      const code = generatePythonCode(onlyCycle);
      expect(code).toContain('A = Operation(');
      expect(code).toContain('    targets=[]\n');
    });
  });
});
