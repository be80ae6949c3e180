// GENERATE_CODE in TypeScript: the program for `@pipeloom/sdk/plynx` has the Python script's structure,
// typed literals for every parameter type, valid identifiers, and type-checks
// under `tsc --strict`. The Python output is the one upstream writes, unchanged.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  generateCode, generatePythonCode, generateTypeScriptCode, tsIdentifier, tsParameterLiteral,
  type PlynxGraph, type PlynxParameter,
} from '@pipeloom/sdk/plynx-graph';
import { file, fixtureGraph, fixtureText, graphOf, oid, operation } from './plynx-graph-builders.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const exposed = (parameter: PlynxParameter): PlynxParameter => ({ ...parameter, widget: { alias: parameter.name ?? '' } });

/** One operation taking a file, with an exposed parameter of every type (and one that is not exposed). */
function allParameterTypes(): PlynxGraph {
  const [data, op] = [oid('1'), oid('2')];
  return { ...graphOf([
    file(data, 'input.csv'),
    operation({
      id: op, title: 'Configure all', inputs: { data: [[data, 'out']] }, outputs: ['report'],
      parameters: [
        exposed({ name: 'label', parameter_type: 'str', value: 'say "hi"' }),
        exposed({ name: 'max-count', parameter_type: 'int', value: '600' }),
        exposed({ name: 'verbose', parameter_type: 'bool', value: true }),
        exposed({ name: 'notes', parameter_type: 'text', value: 'line 1\nline 2 é' }),
        exposed({ name: 'codec', parameter_type: 'enum', value: { values: ['gzip', 'bzip2', 'xz'], index: '1' } }),
        exposed({ name: 'hosts', parameter_type: 'list_str', value: ['a', "it's"] }),
        exposed({ name: 'sizes', parameter_type: 'list_int', value: [1, '2', -3] }),
        exposed({ name: 'cmd', parameter_type: 'code', value: { mode: 'sh', value: 'set -e\necho "${x}" `date`\n' } }),
        exposed({ name: 'empty', parameter_type: 'str', value: null }),
        { name: '_timeout', parameter_type: 'int', value: 600, widget: null },
      ],
    }),
  ], 'Every parameter'), description: 'All "types"' };
}

/** Inputs with several links (files and operations mixed), one with a single link, one without. */
function multiInputLists(): PlynxGraph {
  const [a, b, x, y, merge] = [oid('1'), oid('2'), oid('3'), oid('4'), oid('5')];
  return graphOf([
    file(a, 'a'),
    file(b, 'b'),
    operation({ id: x, title: 'Clean', parent: oid('c1'), inputs: { in: [[a, 'out']] } }),
    operation({ id: y, title: 'Clean', parent: oid('c1'), inputs: { in: [[b, 'out']] } }),
    operation({ id: merge, title: 'Merge', inputs: { parts: [[a, 'out'], [x, 'out'], [y, 'out']], header: [[b, 'out']], extra: [] } }),
  ], 'Merge parts');
}

/** Four levels: a file split in two, both halves filtered, summed, reported; and a lone operation. */
function severalLevels(): PlynxGraph {
  const [seq, split, grepA, grepB, sum, report, notify] = ['1', '2', '3', '4', '5', '6', '7'].map(oid) as [string, string, string, string, string, string, string];
  const pattern = (value: string) => [exposed({ name: 'template', parameter_type: 'str', value })];
  return graphOf([
    file(seq, 'seq 100'),
    operation({ id: split, title: 'Split', inputs: { input: [[seq, 'out']] }, outputs: ['left', 'right'] }),
    operation({ id: grepA, title: 'Grep', parent: oid('e1'), inputs: { input: [[split, 'left']] }, parameters: pattern('^1') }),
    operation({ id: grepB, title: 'Grep', parent: oid('e1'), inputs: { input: [[split, 'right']] }, parameters: pattern('^2') }),
    operation({ id: sum, title: 'Sum', inputs: { input: [[grepA, 'out'], [grepB, 'out']] } }),
    operation({ id: report, title: 'Report', inputs: { input: [[sum, 'out']] } }),
    operation({ id: notify, title: 'Notify' }),
  ], 'Split, grep, sum');
}

/** Titles and names that are not identifiers, reserved words, or names the program uses itself. */
function awkwardNames(): PlynxGraph {
  const [f1, f2, op1, op2, op3] = [oid('1'), oid('2'), oid('3'), oid('4'), oid('5')];
  return graphOf([
    file(f1, 'client'),
    file(f2, 'default'),
    { ...operation({ id: op1, title: 'Graph', inputs: { 'max-count': [[f1, 'out']], '2nd': [[f2, 'out']], 'my input': [[f2, 'out']] } }), outputs: [{ name: 'out-file', file_type: 'file' }] },
    operation({ id: op2, title: '7z', inputs: { in: [[op1, 'out-file']] } }),
    operation({ id: op3, title: '', inputs: { in: [[op2, 'out']] } }),
  ]);
}

const GRAPHS = { allParameterTypes, multiInputLists, severalLevels } as const;

describe('GENERATE_CODE in TypeScript', () => {
  it('writes an operation with every parameter type as typed literals, exposed parameters only', () => {
    expect(generateTypeScriptCode(allParameterTypes())).toMatchInlineSnapshot(`
      "import { Client, File, Graph, Operation } from '@pipeloom/sdk/plynx';

      // The API base URL and the (refresh) token come from the environment.
      const client = new Client({ endpoint: process.env.PLYNX_ENDPOINT, token: process.env.PLYNX_TOKEN });

      const input_csv = File({
        id: "f00000000000000000000001",
        title: "input.csv",
        description: "a file",
      });

      const ConfigureAll = Operation({
        id: "f00000000000000000000002",
        title: "Configure all",
        inputs: ["data"],
        params: ["label", "max-count", "verbose", "notes", "codec", "hosts", "sizes", "cmd", "empty"],
        outputs: ["report"],
      });

      const configure_all_1_0 = ConfigureAll({
        data: input_csv.outputs.out,
        label: "say \\"hi\\"",
        max_count: 600,
        verbose: true,
        notes: "line 1\\nline 2 é",
        codec: "bzip2",
        hosts: ["a", "it's"],
        sizes: [1, 2, -3],
        cmd: "set -e\\necho \\"\${x}\\" \`date\`\\n",
        empty: "",
      });

      const graph = new Graph(client, {
        title: "Every parameter",
        description: "All \\"types\\"",
        targets: [configure_all_1_0],
      });

      await graph.approve().wait();
      "
    `);
  });

  it('passes an input with several links as an array and leaves unlinked inputs out', () => {
    expect(generateTypeScriptCode(multiInputLists())).toMatchInlineSnapshot(`
      "import { Client, File, Graph, Operation } from '@pipeloom/sdk/plynx';

      // The API base URL and the (refresh) token come from the environment.
      const client = new Client({ endpoint: process.env.PLYNX_ENDPOINT, token: process.env.PLYNX_TOKEN });

      const a = File({
        id: "f00000000000000000000001",
        title: "a",
        description: "a file",
      });

      const b = File({
        id: "f00000000000000000000002",
        title: "b",
        description: "a file",
      });

      const Clean = Operation({
        id: "0000000000000000000000c1",
        title: "Clean",
        inputs: ["in"],
        params: [],
        outputs: ["out"],
      });

      const Merge = Operation({
        id: "f00000000000000000000005",
        title: "Merge",
        inputs: ["parts", "header", "extra"],
        params: [],
        outputs: ["out"],
      });

      const clean_1_0 = Clean({
        in: a.outputs.out,
      });

      const clean_1_1 = Clean({
        in: b.outputs.out,
      });

      const merge_2_0 = Merge({
        parts: [a.outputs.out, clean_1_0.outputs.out, clean_1_1.outputs.out],
        header: b.outputs.out,
      });

      const graph = new Graph(client, {
        title: "Merge parts",
        description: "For tests",
        targets: [merge_2_0],
      });

      await graph.approve().wait();
      "
    `);
  });

  it('walks several levels from the most upstream one down, rows in layout order, level-0 nodes as targets', () => {
    expect(generateTypeScriptCode(severalLevels())).toMatchInlineSnapshot(`
      "import { Client, File, Graph, Operation } from '@pipeloom/sdk/plynx';

      // The API base URL and the (refresh) token come from the environment.
      const client = new Client({ endpoint: process.env.PLYNX_ENDPOINT, token: process.env.PLYNX_TOKEN });

      const seq_100 = File({
        id: "f00000000000000000000001",
        title: "seq 100",
        description: "a file",
      });

      const Split = Operation({
        id: "f00000000000000000000002",
        title: "Split",
        inputs: ["input"],
        params: [],
        outputs: ["left", "right"],
      });

      const Grep = Operation({
        id: "0000000000000000000000e1",
        title: "Grep",
        inputs: ["input"],
        params: ["template"],
        outputs: ["out"],
      });

      const Sum = Operation({
        id: "f00000000000000000000005",
        title: "Sum",
        inputs: ["input"],
        params: [],
        outputs: ["out"],
      });

      const Report = Operation({
        id: "f00000000000000000000006",
        title: "Report",
        inputs: ["input"],
        params: [],
        outputs: ["out"],
      });

      const Notify = Operation({
        id: "f00000000000000000000007",
        title: "Notify",
        inputs: [],
        params: [],
        outputs: ["out"],
      });

      const split_1_0 = Split({
        input: seq_100.outputs.out,
      });

      const grep_2_0 = Grep({
        input: split_1_0.outputs.left,
        template: "^1",
      });

      const grep_2_1 = Grep({
        input: split_1_0.outputs.right,
        template: "^2",
      });

      const sum_3_0 = Sum({
        input: [grep_2_0.outputs.out, grep_2_1.outputs.out],
      });

      const notify_4_0 = Notify({});

      const report_4_1 = Report({
        input: sum_3_0.outputs.out,
      });

      const graph = new Graph(client, {
        title: "Split, grep, sum",
        description: "For tests",
        targets: [notify_4_0, report_4_1],
      });

      await graph.approve().wait();
      "
    `);
  });

  it('has the structure of the Python script: the same definitions, calls and targets, in the same order', () => {
    for (const make of Object.values(GRAPHS)) {
      const graph = make();
      const py = generatePythonCode(graph);
      const tsCode = generateTypeScriptCode(graph);
      const pyAssignments = [...py.matchAll(/^(\w+) = (\w+)\(/gm)].map(([, name, callee]) => `${name}=${callee}`);
      const tsAssignments = [...tsCode.matchAll(/^const (\w+) = (\w+)\(/gm)].map(([, name, callee]) => `${name}=${callee}`);
      expect(tsAssignments).toEqual(pyAssignments.filter((a) => !a.startsWith('graph=')));
      expect(/targets: \[(.*)\]/.exec(tsCode)?.[1]).toBe(/targets=\[(.*)\]/.exec(py)?.[1]);
    }
  });

  it('writes the same program for the same graph every time', () => {
    expect(generateTypeScriptCode(severalLevels())).toBe(generateTypeScriptCode(severalLevels()));
  });

  it('produces syntactically valid ES modules for every graph', () => {
    for (const graph of [...Object.values(GRAPHS).map((make) => make()), awkwardNames(), fixtureGraph('graph_grep_sum'), fixtureGraph('graph_docs_hello_world')]) {
      const source = ts.createSourceFile('program.mts', generateTypeScriptCode(graph), ts.ScriptTarget.ES2022, true);
      const diagnostics = (source as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
      expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    }
  });

  describe('names', () => {
    it('turns titles into declarable identifiers: leading digits, reserved words and empty titles', () => {
      expect(tsIdentifier('seq 100', 'file')).toBe('seq_100');
      expect(tsIdentifier('7zip', 'file')).toBe('_7zip');
      expect(tsIdentifier('default', 'file')).toBe('default_');
      expect(tsIdentifier('await', 'node')).toBe('await_');
      expect(tsIdentifier('', 'Operation')).toBe('Operation');
      expect(tsIdentifier('Ünï😀', 'file')).toBe('_n__');
    });

    it('never reuses a name the program declares itself, passes names by keyword (`-`, `.` as `_`) and quotes the rest', () => {
      const code = generateTypeScriptCode(awkwardNames());
      const declared = [...code.matchAll(/^const (\w+) = /gm)].map(([, name]) => name);
      expect(new Set(declared).size).toBe(declared.length);
      for (const name of ['Client', 'File', 'Graph', 'Operation', 'client', 'graph']) expect(declared.filter((d) => d === name)).toHaveLength(name === 'client' || name === 'graph' ? 1 : 0);
      expect(declared).toContain('default_');
      expect(code).toMatch(/^ {2}max_count: client_[0-9a-f]{4}\.outputs\.out,$/m);
      expect(code).toMatch(/^ {2}"2nd": default_\.outputs\.out,$/m);
      expect(code).toMatch(/^ {2}"my input": default_\.outputs\.out,$/m);
      // Outputs are read under their keyword names too, as PLynx's client maps them (`-` and `.` as `_`).
      expect(code).toMatch(/^const _7z_2_0 = Z\(\{\n {2}in: graph_1_0\.outputs\.out_file,\n\}\);$/m);
      expect(code).toMatch(/^const node_3_0 = Operation_[0-9a-f]{4}\(\{\n {2}in: _7z_2_0\.outputs\.out,/m);
    });
  });

  describe('parameter literals', () => {
    const cases: [string, PlynxParameter, string][] = [
      ['str', { parameter_type: 'str', value: 'it\'s "x"' }, '"it\'s \\"x\\""'],
      ['null str', { parameter_type: 'str', value: null }, '""'],
      ['text', { parameter_type: 'text', value: 'a\nb\t\u2028' }, '"a\\nb\\t\u2028"'],
      ['int', { parameter_type: 'int', value: 42 }, '42'],
      ['int stored as text', { parameter_type: 'int', value: ' -7 ' }, '-7'],
      ['int that is not a number', { parameter_type: 'int', value: 'abc' }, '"abc"'],
      ['null int', { parameter_type: 'int', value: null }, '0'],
      ['bool', { parameter_type: 'bool', value: false }, 'false'],
      ['null bool', { parameter_type: 'bool', value: null }, 'false'],
      ['enum', { parameter_type: 'enum', value: { values: ['gzip', 'xz'], index: '1' } }, '"xz"'],
      ['enum with index -1 (last)', { parameter_type: 'enum', value: { values: ['a', 'b'], index: -1 } }, '"b"'],
      ['enum out of range', { parameter_type: 'enum', value: { values: ['a'], index: 3 } }, 'null'],
      ['list_str', { parameter_type: 'list_str', value: ['a', 'b c'] }, '["a", "b c"]'],
      ['null list_str', { parameter_type: 'list_str', value: null }, '[]'],
      ['list_int', { parameter_type: 'list_int', value: [1, '2', ' -3 '] }, '[1, 2, -3]'],
      ['code', { parameter_type: 'code', value: { value: 'print("hi")\n', mode: 'python' } }, '"print(\\"hi\\")\\n"'],
      ['null code', { parameter_type: 'code', value: null }, '""'],
    ];
    it.each(cases)('writes %s as a TypeScript literal', (_, parameter, literal) => {
      expect(tsParameterLiteral(parameter)).toBe(literal);
    });
  });
});

describe('generateCode', () => {
  it.each(['graph_docs_hello_world', 'graph_grep_sum'])('writes upstream\'s Python for %s by default, byte for byte', (name) => {
    expect(generateCode(fixtureGraph(name))).toBe(fixtureText(`${name}.code.txt`));
    expect(generateCode(fixtureGraph(name), { language: 'python' })).toBe(fixtureText(`${name}.code.txt`));
  });

  it('is offered by @pipeloom/sdk/plynx too', async () => {
    const plynx = await import('@pipeloom/sdk/plynx');
    expect(plynx.generateCode).toBe(generateCode);
    expect(plynx.CODE_LANGUAGES).toEqual(['python', 'typescript']);
  });

  it('writes the TypeScript program when asked for typescript', () => {
    const graph = fixtureGraph('graph_grep_sum');
    expect(generateCode(graph, { language: 'typescript' })).toBe(generateTypeScriptCode(graph));
  });
});

describe('the generated TypeScript against @pipeloom/sdk/plynx', () => {
  it('type-checks under tsc --strict for every test graph', async () => {
    // Inside the repository, so `@pipeloom/sdk` resolves through node_modules (to its sources).
    const dir = mkdtempSync(join(root, 'test/plynx/.generated-'));
    try {
      const graphs: [string, PlynxGraph][] = [...Object.entries(GRAPHS).map(([name, make]) => [name, make()] as [string, PlynxGraph]), ['awkwardNames', awkwardNames()], ['grepSum', fixtureGraph('graph_grep_sum')]];
      for (const [name, graph] of graphs) writeFileSync(join(dir, `${name}.mts`), generateTypeScriptCode(graph));
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
        compilerOptions: {
          target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', customConditions: ['pipeloom-source'],
          strict: true, noEmit: true, skipLibCheck: true, types: ['node'],
        },
        include: ['*.mts'],
      }));
      const tsc = join(root, 'node_modules/typescript/bin/tsc');
      const result = await promisify(execFile)(process.execPath, [tsc, '-p', dir, '--noEmit', '--strict'], { cwd: dir }).catch((e: { stdout: string }) => e);
      expect(result.stdout).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
