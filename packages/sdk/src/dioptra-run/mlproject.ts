/**
 * MLflow projects as Dioptra runs them: the `MLproject` file's entry points, their typed parameters, and
 * the shell command `mlflow run -e <entry point> -P name=value ...` would execute.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { EntryPointError, shellWords, shlexQuote } from './shell-words.js';

/** One declared parameter: MLflow's types are `string` (the default), `float`, `path` and `uri`. */
export interface MlProjectParameter {
  type: string;
  /** The default as text; undefined when the parameter must be given. */
  default?: string;
}

export interface MlProjectEntryPoint {
  command: string;
  parameters: Map<string, MlProjectParameter>;
}

/** An `MLproject` file: its entry points by name (other keys such as `conda_env` are not used). */
export interface MlProject {
  name?: string;
  entryPoints: Map<string, MlProjectEntryPoint>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A YAML default as Python's `str()` would print it (MLflow reads the file with PyYAML). */
function defaultText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  throw new EntryPointError(`a parameter default must be a single value, not ${JSON.stringify(value)}`);
}

function parseParameter(entryPoint: string, name: string, spec: unknown): MlProjectParameter {
  if (typeof spec === 'string') return { type: spec };
  if (spec === null || spec === undefined) return { type: 'string' };
  if (!isRecord(spec)) throw new EntryPointError(`parameter "${name}" of entry point "${entryPoint}" must be a type or {type, default}`);
  const type = spec.type ?? 'string';
  if (typeof type !== 'string') throw new EntryPointError(`parameter "${name}" of entry point "${entryPoint}" has a type that is not a name`);
  const fallback = defaultText(spec.default);
  return fallback === undefined ? { type } : { type, default: fallback };
}

/**
 * Reads the text of an `MLproject` file. Each entry point needs a `command`; each parameter is either a
 * type name or `{type, default}`.
 * @throws {@link EntryPointError} when the YAML is invalid or does not describe entry points.
 * @example
 * ```ts
 * const project = parseMlProject('entry_points:\n  main:\n    parameters: {epochs: {type: float, default: 3}}\n    command: python train.py --epochs {epochs}\n');
 * project.entryPoints.get('main')?.parameters.get('epochs'); // { type: 'float', default: '3' }
 * ```
 */
export function parseMlProject(text: string): MlProject {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new EntryPointError(`the MLproject file is not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (document === null || document === undefined) document = {};
  if (!isRecord(document)) throw new EntryPointError('the MLproject file must be a YAML mapping');
  const declared = document.entry_points ?? {};
  if (!isRecord(declared)) throw new EntryPointError('`entry_points` of the MLproject file must be a mapping');
  const entryPoints = new Map<string, MlProjectEntryPoint>();
  for (const [name, spec] of Object.entries(declared)) {
    if (!isRecord(spec) || typeof spec.command !== 'string') throw new EntryPointError(`entry point "${name}" of the MLproject file has no command`);
    const parameters = spec.parameters ?? {};
    if (!isRecord(parameters)) throw new EntryPointError(`the parameters of entry point "${name}" must be a mapping`);
    entryPoints.set(name, {
      command: spec.command,
      parameters: new Map(Object.entries(parameters).map(([key, value]) => [key, parseParameter(name, key, value)])),
    });
  }
  return { ...(typeof document.name === 'string' ? { name: document.name } : {}), entryPoints };
}

/**
 * The `-P name=value` / `-Pname=value` overrides of a job's `entry_point_kwargs`, in order, split as
 * `shlex.split` would (quotes honoured). Other options (`--param-list` included) are refused, as are a
 * value without `=` and a name given twice, with MLflow's messages.
 * @example
 * ```ts
 * parseEntryPointKwargs("-P epochs=3 -P 'title=a b'"); // Map { 'epochs' => '3', 'title' => 'a b' }
 * ```
 */
export function parseEntryPointKwargs(kwargs: string | null | undefined): Map<string, string> {
  const values = new Map<string, string>();
  const words = shellWords(kwargs ?? '');
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i]!;
    let pair: string;
    if (word === '-P') {
      if (i + 1 >= words.length) throw new EntryPointError('-P at the end of the entry point arguments needs name=value');
      pair = words[++i]!;
    } else if (word.startsWith('-P')) {
      pair = word.slice(2);
    } else {
      throw new EntryPointError(`unexpected argument ${JSON.stringify(word)} in the entry point arguments: only -P name=value is accepted`);
    }
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new EntryPointError(`Invalid format for -P parameter: '${pair}'. Use -P name=value.`);
    const name = pair.slice(0, equals);
    if (values.has(name)) throw new EntryPointError(`Repeated parameter: '${name}'`);
    values.set(name, pair.slice(equals + 1));
  }
  return values;
}

const URI_SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/** Python's `float()` accepts this much: decimals, exponents, `_` between digits, inf and nan. */
const FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*\.|inf(?:inity)?|nan)$/i;

/** A parameter's value as the command gets it (before quoting), or an EntryPointError. */
function parameterValue(name: string, parameter: MlProjectParameter, value: string, projectDir: string): string {
  switch (parameter.type) {
    case 'float':
      if (!FLOAT.test(value.trim())) throw new EntryPointError(`parameter "${name}" must be a float, not ${JSON.stringify(value)}`);
      return value;
    case 'uri':
      if (!URI_SCHEME.test(value)) throw new EntryPointError(`Expected URI for parameter ${name} but got ${value}`);
      return value;
    case 'path': {
      const scheme = URI_SCHEME.exec(value)?.[1]?.toLowerCase();
      // Remote paths (s3://...) go on unchanged: MLflow would download them, the worker does not.
      if (scheme !== undefined && scheme !== 'file') return value;
      const local = path.resolve(projectDir, scheme === 'file' ? value.replace(/^file:(\/\/)?/i, '') : value);
      if (!fs.existsSync(local)) throw new EntryPointError(`Got value ${value} for parameter ${name}, but no such file or directory was found.`);
      return local;
    }
    default:
      return value;
  }
}

/** Python's `str.format` with named fields only: `{name}` replaced, `{{` and `}}` kept as braces. */
function formatCommand(template: string, values: Map<string, string>, entryPoint: string): string {
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}|[{}]/g, (match, field: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    if (field === undefined) throw new EntryPointError(`the command of entry point "${entryPoint}" has an unmatched \`${match}\` (write \`${match}${match}\` for a brace)`);
    const value = values.get(field);
    if (value === undefined) throw new EntryPointError(`the command of entry point "${entryPoint}" uses {${field}}, which is not one of its parameters`);
    return value;
  });
}

export interface ResolveEntryPointOptions {
  /** The folder of the `MLproject` file: paths resolve against it and scripts must lie in it. */
  projectDir: string;
  /** The interpreter for an undeclared `.py` entry point (default `python3`). */
  python?: string;
}

/**
 * The shell command of `entryPoint` with the `-P` values `given`, built as MLflow builds it: every
 * declared parameter takes its given value or its default (none: an error), checked by type (`float` must
 * be a number, `uri` must have a scheme, a local `path` must exist and becomes absolute), is quoted with
 * `shlex.quote` and replaces `{name}` in the command. A value for a parameter the entry point does not
 * declare is an error. An entry point that is not declared but names a `.py` or `.sh` file of the project
 * runs as `python3 <file>` / `bash <file>` with every value appended as `--name value`.
 * @throws {@link EntryPointError} with a message for the user.
 * @example
 * ```ts
 * const command = resolveEntryPoint(project, 'main', parseEntryPointKwargs('-P epochs=3'), { projectDir: '/tmp/job/workflow' });
 * // 'python train.py --epochs 3'
 * ```
 */
export function resolveEntryPoint(project: MlProject, entryPoint: string, given: Map<string, string>, options: ResolveEntryPointOptions): string {
  const declared = project.entryPoints.get(entryPoint);
  if (!declared) return scriptCommand(project, entryPoint, given, options);
  for (const name of given.keys()) {
    if (!declared.parameters.has(name)) throw new EntryPointError(`entry point "${entryPoint}" has no parameter "${name}"`);
  }
  const values = new Map<string, string>();
  const missing: string[] = [];
  for (const [name, parameter] of declared.parameters) {
    const value = given.get(name) ?? parameter.default;
    if (value === undefined) missing.push(name);
    else values.set(name, shlexQuote(parameterValue(name, parameter, value, options.projectDir)));
  }
  if (missing.length > 0) throw new EntryPointError(`No value given for missing parameters: ${missing.map((name) => `'${name}'`).join(', ')}`);
  return formatCommand(declared.command, values, entryPoint);
}

const SCRIPT_PROGRAMS: Record<string, (options: ResolveEntryPointOptions) => string> = {
  '.py': (options) => options.python ?? 'python3',
  '.sh': () => 'bash',
};

function scriptCommand(project: MlProject, entryPoint: string, given: Map<string, string>, options: ResolveEntryPointOptions): string {
  const program = SCRIPT_PROGRAMS[path.extname(entryPoint)];
  const file = path.resolve(options.projectDir, entryPoint);
  const inside = file.startsWith(path.resolve(options.projectDir) + path.sep);
  if (!program || !inside || !fs.statSync(file, { throwIfNoEntry: false })?.isFile()) {
    const names = [...project.entryPoints.keys()].map((name) => `"${name}"`).join(', ') || 'none';
    throw new EntryPointError(`unknown entry point "${entryPoint}": the MLproject declares ${names}, and it is not a .py or .sh file of the project`);
  }
  const extras = [...given].map(([name, value]) => `--${name} ${shlexQuote(value)}`);
  return [`${program(options)} ${shlexQuote(entryPoint)}`, ...extras].join(' ');
}
