// Python literal for an exposed parameter's value in a generated script.
import { pyNumberRepr, pyRepr, pyStr, pyStrRepr } from './py-repr.js';
import type { PlynxParameter } from './types.js';

// What Python's int() accepts from ASCII text: optional surrounding whitespace and sign, digits with
// single underscores between them.
const INT_TEXT = /^\s*([+-]?)(\d+(?:_\d+)*)\s*$/;

/** Python int() of a JSON value, as a decimal string; undefined when int() would refuse it. */
export function toPythonInt(value: unknown): string | undefined {
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return Number.isFinite(value) ? BigInt(Math.trunc(value)).toString() : undefined;
  if (typeof value !== 'string') return undefined;
  const match = INT_TEXT.exec(value);
  if (match === null) return undefined;
  return BigInt(`${match[1] ?? ''}${(match[2] ?? '0').replaceAll('_', '')}`).toString();
}

/**
 * `int` values are written as they are stored (upstream formats the stored value with `str()`): a
 * number as a Python number, a string that int() accepts verbatim, a boolean as True/False.
 * A string int() would refuse cannot be stored upstream; it is written as a string literal so the
 * script stays valid Python.
 */
function intLiteral(value: unknown): string {
  if (value === null || value === undefined) return '0';
  if (typeof value === 'number') return pyNumberRepr(value);
  if (typeof value === 'string') return INT_TEXT.test(value) ? value : pyStrRepr(value);
  return pyRepr(value);
}

/**
 * The chosen `enum` entry, with Python indexing (`int(index)`, negative counts from the end); undefined
 * when the index is out of range or not a number (which includes the default index -1 of an empty list).
 */
export function enumChoice(value: unknown): { choice: unknown } | undefined {
  if (value === null || value === undefined || typeof value !== 'object') return undefined;
  const { values, index } = value as { values?: unknown; index?: unknown };
  const choices = Array.isArray(values) ? values : [];
  // The index is stored as text (str() of what was posted) and read back with int().
  const indexText =
    index === null || index === undefined ? '-1'
    : typeof index === 'number' ? (Number.isInteger(index) ? String(index) : undefined)
    : typeof index === 'string' ? index
    : undefined;
  const parsed = indexText === undefined ? undefined : toPythonInt(indexText);
  if (parsed === undefined) return undefined;
  let position = Number(parsed);
  if (position < 0) position += choices.length;
  if (position < 0 || position >= choices.length) return undefined;
  return { choice: choices[position] };
}

/** The chosen `enum` entry as a string literal; upstream fails with an internal error where this writes `None`. */
function enumLiteral(value: unknown): string {
  const chosen = enumChoice(value);
  return chosen === undefined ? 'None' : pyStrRepr(pyStr(chosen.choice));
}

/**
 * A `list_int` value as a Python list of ints, e.g. `[1, 2, 3]`. Upstream (under Python 3) prints
 * `<map object at 0x...>` here, which is not a usable literal; this is a deliberate fix. An element int()
 * would refuse is kept as its own literal.
 */
function listIntLiteral(value: unknown): string {
  if (!Array.isArray(value)) return value === null || value === undefined ? '[]' : pyRepr(value);
  return `[${value.map((item) => toPythonInt(item) ?? pyRepr(item)).join(', ')}]`;
}

/** `code` values are the script text (`value.value`) as a string literal. */
function codeLiteral(value: unknown): string {
  if (value === null || value === undefined) return "''";
  if (typeof value !== 'object') return pyRepr(value);
  const text = (value as { value?: unknown }).value;
  return pyStrRepr(text === null || text === undefined ? '' : pyStr(text));
}

const DEFAULT_LITERALS: Readonly<Record<string, string>> = {
  str: "''",
  text: "''",
  bool: 'False',
  list_str: '[]',
};

/**
 * The Python literal upstream's generator writes for a parameter: ints raw, enums as the chosen entry,
 * code as its text, everything else via `repr()` (strings quoted, booleans True/False, lists in brackets).
 * A null value stands for the type's default.
 * @example
 * ```ts
 * parameterLiteral({ name: 'codec', parameter_type: 'enum', value: { values: ['gzip', 'xz'], index: '1' } }); // "'xz'"
 * ```
 */
export function parameterLiteral(parameter: PlynxParameter): string {
  const type = parameter.parameter_type ?? 'str';
  const value: unknown = parameter.value;
  switch (type) {
    case 'int': return intLiteral(value);
    case 'enum': return enumLiteral(value);
    case 'list_int': return listIntLiteral(value);
    case 'code': return codeLiteral(value);
    default:
      if (value === null || value === undefined) return DEFAULT_LITERALS[type] ?? 'None';
      return pyRepr(value);
  }
}
