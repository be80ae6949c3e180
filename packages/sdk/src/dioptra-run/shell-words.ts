// Shell words as MLflow handles them: values are quoted with Python's shlex.quote (so a command reads
// exactly as MLflow would build it), and `entry_point_kwargs` are split as shlex.split would.
import { parse } from 'shell-quote';

/** Thrown for a parameter, an entry point or an MLproject that cannot be run; the message is for the user. */
export class EntryPointError extends Error {
  override readonly name = 'EntryPointError';
}

const SAFE = /^[\w@%+=:,./-]+$/;

/**
 * Python's `shlex.quote`: safe words unchanged, everything else in single quotes.
 * @example
 * ```ts
 * shlexQuote('adam'); // 'adam'
 * shlexQuote("it's"); // `'it'"'"'s'`
 * ```
 */
export function shlexQuote(value: string): string {
  if (value === '') return "''";
  if (SAFE.test(value)) return value;
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}

/**
 * Splits `text` into words like `shlex.split`: quotes and escapes honoured, `$VAR` left as written; shell
 * operators (`;`, `|`, ...) are refused with an {@link EntryPointError}.
 * @example
 * ```ts
 * shellWords(`-P "title=a b" -P x=$HOME`); // ['-P', 'title=a b', '-P', 'x=$HOME']
 * ```
 */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  for (const token of parse(text, (name) => `$${name}`)) {
    if (typeof token === 'string') words.push(token);
    else if ('op' in token && token.op === 'glob') words.push(token.pattern);
    else throw new EntryPointError(`unexpected ${'comment' in token ? 'comment' : `shell operator \`${token.op}\``} in the entry point arguments`);
  }
  return words;
}
