// Python identifiers derived from PLynx titles and names, as upstream's code generator derives them.
import { sha1Hex } from './sha1.js';

/**
 * Class name of an operation: the title split on every character that is not an ASCII letter, each piece
 * capitalised (first letter upper, rest lower) and the pieces joined. Digits are dropped with the rest:
 * `"seq 100"` → `Seq`, `"word2vec"` → `WordVec`. A title without letters gives an empty name (as upstream).
 */
export function operationClassName(title: string): string {
  return title
    .split(/[^a-zA-Z]/u)
    .map((piece) => piece.slice(0, 1).toUpperCase() + piece.slice(1).toLowerCase())
    .join('');
}

/** Variable name: every code point other than an ASCII letter or digit becomes `_`; case is kept. */
export function pythonVarName(text: string): string {
  return text.replace(/[^a-zA-Z0-9]/gu, '_');
}

/**
 * Picks a name not in `used` (and records it). A taken name gets `_` and four hex digits appended.
 * Upstream draws those digits from a time-based UUID, so its scripts differ between calls; here they are
 * the first four hex digits of SHA-1 of `seed` (the library node id), then of `seed#1`, `seed#2`, ... should
 * that be taken too, so the same graph always gives the same script.
 */
export function uniqueName(base: string, seed: string, used: Set<string>): string {
  let name = base;
  for (let attempt = 0; used.has(name); attempt++) {
    name = `${base}_${sha1Hex(attempt === 0 ? seed : `${seed}#${attempt}`).slice(0, 4)}`;
  }
  used.add(name);
  return name;
}

// Words a TypeScript module cannot declare as a variable: reserved words, strict-mode and module
// restrictions, and globals that must not be shadowed by a `const`.
const TS_RESERVED = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum',
  'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null',
  'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with',
  'implements', 'interface', 'let', 'package', 'private', 'protected', 'public', 'static', 'yield', 'await',
  'arguments', 'eval', 'undefined', 'NaN', 'Infinity', 'globalThis',
]);

/**
 * A TypeScript variable name made by {@link pythonVarName}'s rule, then made declarable: `fallback` when
 * nothing is left, `_` in front of a leading digit, `_` after a reserved word (`class` → `class_`).
 * @example
 * ```ts
 * tsIdentifier('seq 100', 'file'); // 'seq_100'
 * tsIdentifier('7zip', 'file');    // '_7zip'
 * tsIdentifier('', 'Operation');   // 'Operation'
 * ```
 */
export function tsIdentifier(text: string, fallback: string): string {
  const name = pythonVarName(text);
  if (name === '') return fallback;
  if (/^[0-9]/u.test(name)) return `_${name}`;
  return TS_RESERVED.has(name) ? `${name}_` : name;
}

/**
 * The keyword name under which PLynx's client (and `@pipeloom/sdk/plynx`) passes an input or parameter and
 * reads an output: `-` and `.` become `_`, everything else is kept.
 * @example
 * ```ts
 * pyKeywordName('max-count.v2'); // 'max_count_v2'
 * ```
 */
export function pyKeywordName(name: string): string {
  return name.replace(/[-.]/gu, '_');
}

/** Whether `name` can be written as a bare property name (`{ name: ... }`, `.name`) in TypeScript. */
export function isTsPropertyName(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/u.test(name);
}
