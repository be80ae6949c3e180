// MLproject entry points resolved as `mlflow run -e <entry point> -P name=value` would build them.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findMlProject, parseEntryPointKwargs, parseMlProject, resolveEntryPoint, shlexQuote } from '../../packages/sdk/src/dioptra-run/index.ts';
import { Scratch } from './helpers.ts';

const scratch = new Scratch();
afterEach(() => scratch.cleanUp());

const MLPROJECT = `
name: mnist
entry_points:
  train:
    parameters:
      epochs: {type: float, default: 3}
      learning_rate: {type: float, default: 0.001}
      title: {type: string, default: "first run"}
      optimizer: string
      data_dir: {type: path, default: data}
      tracking: {type: uri, default: "s3://bucket/runs"}
    command: >-
      python src/train.py --epochs {epochs} --lr {learning_rate} --title {title}
      --optimizer {optimizer} --data {data_dir} --tracking {tracking}
  braces:
    parameters:
      n: {type: float, default: 1}
    command: "echo {{literal}} {n}"
  flags:
    parameters:
      verbose: {type: string, default: true}
      nothing: {type: string, default: null}
    command: "run {verbose}"
`;

function projectDir(): string {
  const dir = scratch.dir();
  fs.mkdirSync(path.join(dir, 'data'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'src', 'train.py'), 'print(1)\n');
  fs.writeFileSync(path.join(dir, 'attack.sh'), 'echo attack\n');
  return dir;
}

function resolve(entryPoint: string, kwargs: string, dir = projectDir()): string {
  return resolveEntryPoint(parseMlProject(MLPROJECT), entryPoint, parseEntryPointKwargs(kwargs), { projectDir: dir });
}

describe('MLproject entry points', () => {
  it('When an MLproject is read, then parameters are types or {type, default}, defaults as Python prints them', () => {
    const project = parseMlProject(MLPROJECT);
    expect(project.name).toBe('mnist');
    expect([...project.entryPoints.keys()]).toEqual(['train', 'braces', 'flags']);
    const train = project.entryPoints.get('train')!;
    expect(Object.fromEntries(train.parameters)).toEqual({
      epochs: { type: 'float', default: '3' },
      learning_rate: { type: 'float', default: '0.001' },
      title: { type: 'string', default: 'first run' },
      optimizer: { type: 'string' },
      data_dir: { type: 'path', default: 'data' },
      tracking: { type: 'uri', default: 's3://bucket/runs' },
    });
    expect(Object.fromEntries(project.entryPoints.get('flags')!.parameters)).toEqual({ verbose: { type: 'string', default: 'True' }, nothing: { type: 'string' } });
  });

  it('When values are given with -P, then they override defaults, paths become absolute and every value is shlex-quoted', () => {
    const dir = projectDir();
    const command = resolve('train', `-P optimizer=adam -Pepochs=10 -P "title=it's mine"`, dir);
    expect(command).toBe(
      `python src/train.py --epochs 10 --lr 0.001 --title 'it'"'"'s mine' --optimizer adam --data ${path.join(dir, 'data')} --tracking s3://bucket/runs`,
    );
  });

  it('When a value holds shell syntax, then it reaches the command quoted, never as shell', () => {
    const command = resolve('train', `-P 'optimizer=$(touch pwned); rm -rf /' -P title=`);
    expect(command).toContain(`--optimizer '$(touch pwned); rm -rf /'`);
    expect(command).toContain(`--title ''`);
    expect(shlexQuote('plain-value_1.0/x:y@z%+=,')).toBe('plain-value_1.0/x:y@z%+=,');
  });

  it('When `{{` and `}}` appear in a command, then they are literal braces', () => {
    expect(resolve('braces', '')).toBe('echo {literal} 1');
  });

  it('When a float parameter is not a number, then the entry point is refused; Python float spellings pass', () => {
    expect(() => resolve('train', '-P optimizer=sgd -P epochs=ten')).toThrow('parameter "epochs" must be a float, not "ten"');
    expect(() => resolve('train', '-P optimizer=sgd -P epochs=')).toThrow('must be a float');
    for (const value of ['1e-5', '-2.5', '.5', '3.', '1_000', 'inf', 'NaN', '+7']) {
      expect(resolve('train', `-P optimizer=sgd -P epochs=${value}`)).toContain(`--epochs ${value}`);
    }
  });

  it('When a parameter is unknown or a required one is missing, then the entry point is refused', () => {
    expect(() => resolve('train', '-P optimizer=sgd -P batch=32')).toThrow('entry point "train" has no parameter "batch"');
    expect(() => resolve('train', '')).toThrow("No value given for missing parameters: 'optimizer'");
    expect(() => resolve('flags', '')).toThrow("No value given for missing parameters: 'nothing'");
  });

  it('When a uri has no scheme or a local path does not exist, then the entry point is refused', () => {
    expect(() => resolve('train', '-P optimizer=sgd -P tracking=/local/runs')).toThrow('Expected URI for parameter tracking but got /local/runs');
    expect(() => resolve('train', '-P optimizer=sgd -P data_dir=missing')).toThrow('Got value missing for parameter data_dir, but no such file or directory was found.');
    expect(resolve('train', '-P optimizer=sgd -P data_dir=s3://bucket/data')).toContain('--data s3://bucket/data');
  });

  it('When the arguments are not -P name=value, then they are refused with MLflow messages', () => {
    expect(() => parseEntryPointKwargs('--param-list a=1')).toThrow('only -P name=value is accepted');
    expect(() => parseEntryPointKwargs('-P a')).toThrow("Invalid format for -P parameter: 'a'. Use -P name=value.");
    expect(() => parseEntryPointKwargs('-P a=1 -P a=2')).toThrow("Repeated parameter: 'a'");
    expect(() => parseEntryPointKwargs('-P')).toThrow('needs name=value');
    expect(() => parseEntryPointKwargs('-P a=1; rm -rf /')).toThrow('shell operator');
    expect(parseEntryPointKwargs(null)).toEqual(new Map());
    expect(parseEntryPointKwargs('-P a=1=2 -P "b=x y" -P c=$HOME')).toEqual(new Map([['a', '1=2'], ['b', 'x y'], ['c', '$HOME']]));
  });

  it('When the entry point is not declared but names a .py or .sh file of the project, then it runs that script with --name value', () => {
    const dir = projectDir();
    expect(resolve('src/train.py', `-P epochs=3 -P 'title=a b'`, dir)).toBe(`python3 src/train.py --epochs 3 --title 'a b'`);
    expect(resolve('attack.sh', '', dir)).toBe('bash attack.sh');
    const project = parseMlProject(MLPROJECT);
    expect(resolveEntryPoint(project, 'src/train.py', new Map(), { projectDir: dir, python: '/opt/py/bin/python' })).toBe('/opt/py/bin/python src/train.py');
  });

  it('When the entry point is neither declared nor a script of the project, then it is refused', () => {
    expect(() => resolve('evaluate', '')).toThrow('unknown entry point "evaluate": the MLproject declares "train", "braces", "flags"');
    expect(() => resolve('missing.py', '')).toThrow('unknown entry point "missing.py"');
    expect(() => resolve('../outside.py', '')).toThrow('unknown entry point');
    expect(() => resolve('notes.txt', '')).toThrow('unknown entry point');
  });

  it('When the MLproject file is not a mapping of entry points, then it is refused', () => {
    expect(() => parseMlProject('entry_points: [a, b]')).toThrow('`entry_points` of the MLproject file must be a mapping');
    expect(() => parseMlProject('entry_points:\n  main:\n    parameters: {}\n')).toThrow('entry point "main" of the MLproject file has no command');
    expect(() => parseMlProject('entry_points: {main: {command: "x", parameters: {a: {default: [1]}}}}')).toThrow('a parameter default must be a single value');
    expect(() => parseMlProject('a: [')).toThrow('not valid YAML');
    expect(() => resolveEntryPoint(parseMlProject('entry_points: {main: {command: "run {b}"}}'), 'main', new Map(), { projectDir: '/' })).toThrow('uses {b}, which is not one of its parameters');
  });

  it('When a workflow holds several MLproject files, then the shallowest is chosen, ties by path', async () => {
    const root = scratch.dir();
    for (const folder of ['b/deep/er', 'b', 'a', 'c/x']) {
      fs.mkdirSync(path.join(root, folder), { recursive: true });
      fs.writeFileSync(path.join(root, folder, 'MLproject'), folder);
    }
    expect(await findMlProject(root)).toBe(path.join(root, 'a', 'MLproject'));
    fs.writeFileSync(path.join(root, 'MLproject'), 'top');
    expect(await findMlProject(root)).toBe(path.join(root, 'MLproject'));
    expect(await findMlProject(scratch.dir())).toBeUndefined();
  });
});
