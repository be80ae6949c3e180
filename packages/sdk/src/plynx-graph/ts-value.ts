// TypeScript literal for an exposed parameter's value in a generated program: the value the
// `@pipeloom/sdk/plynx` operation factories take, chosen the way the Python generator chooses its value.
import { enumChoice, toPythonInt } from './param-value.js';
import type { PlynxParameter } from './types.js';

/**
 * A JSON value as a TypeScript literal: strings double-quoted (JSON escapes), lists as `[a, b]`.
 * @example
 * ```ts
 * tsLiteral(['a', "it's", 1, true, null]); // `["a", "it's", 1, true, null]`
 * ```
 */
export function tsLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(tsLiteral).join(', ')}]`;
  if (typeof value === 'object') {
    const items = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${tsLiteral(v)}`);
    return items.length === 0 ? '{}' : `{ ${items.join(', ')} }`;
  }
  return JSON.stringify(String(value));
}

/** An integer as int() reads it, as a number literal; anything int() refuses keeps its own literal. */
function intLiteral(value: unknown): string {
  if (value === null || value === undefined) return '0';
  if (typeof value === 'boolean') return tsLiteral(value);
  const parsed = toPythonInt(value);
  return parsed === undefined ? tsLiteral(value) : parsed;
}

const DEFAULT_LITERALS: Readonly<Record<string, string>> = {
  str: '""',
  text: '""',
  code: '""',
  int: '0',
  bool: 'false',
  list_str: '[]',
  list_int: '[]',
};

/**
 * The TypeScript literal for a parameter, as the Python generator picks its value: `str`/`text` as string
 * literals, `int` as a number (stored text that int() reads included), `bool` as true/false, `enum` as the
 * chosen entry (the factory maps it back to its index; `null` when the index points nowhere), `list_str` and
 * `list_int` as arrays, `code` as its text. A null value stands for the type's default.
 * @example
 * ```ts
 * tsParameterLiteral({ name: 'codec', parameter_type: 'enum', value: { values: ['gzip', 'xz'], index: '1' } }); // '"xz"'
 * tsParameterLiteral({ name: 'sizes', parameter_type: 'list_int', value: [1, '2'] });                           // '[1, 2]'
 * ```
 */
export function tsParameterLiteral(parameter: PlynxParameter): string {
  const type = parameter.parameter_type ?? 'str';
  const value: unknown = parameter.value;
  if (value === null || value === undefined) return type === 'enum' ? 'null' : DEFAULT_LITERALS[type] ?? 'null';
  switch (type) {
    case 'int': return intLiteral(value);
    case 'enum': {
      const chosen = enumChoice(value);
      return chosen === undefined ? 'null' : tsLiteral(chosen.choice);
    }
    case 'list_int': return Array.isArray(value) ? `[${value.map(intLiteral).join(', ')}]` : tsLiteral(value);
    case 'code': {
      if (typeof value !== 'object') return tsLiteral(value);
      const text = (value as { value?: unknown }).value;
      return text === null || text === undefined ? '""' : tsLiteral(text);
    }
    default: return tsLiteral(value);
  }
}
