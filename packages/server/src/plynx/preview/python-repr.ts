// Python's repr() for the values a preview prints: PLynx writes them into generated scripts (and Jinja
// prints Python lists this way), so the text must match what Python would produce.

export type PyValue = string | number | boolean | null | readonly PyValue[];

// Characters Python's str.isprintable() rejects: controls, format, surrogates, private use, unassigned
// and separators other than the plain space.
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeCodePoint(codePoint: number): string {
  const hex = codePoint.toString(16);
  if (codePoint < 0x100) return `\\x${hex.padStart(2, '0')}`;
  if (codePoint < 0x10000) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

/** Python 3's repr of a str: single quotes unless the text has one and no double quote. */
export function pyStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let body = '';
  for (const char of text) {
    const simple = SIMPLE_ESCAPES[char];
    if (simple !== undefined) body += simple;
    else if (char === quote) body += `\\${quote}`;
    else if (char !== ' ' && NON_PRINTABLE.test(char)) body += escapeCodePoint(char.codePointAt(0) ?? 0);
    else body += char;
  }
  return `${quote}${body}${quote}`;
}

/** Python's repr of a str, int, bool, None or list of those. */
export function pyRepr(value: PyValue): string {
  if (value === null) return 'None';
  if (typeof value === 'string') return pyStrRepr(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  return `[${value.map(pyRepr).join(', ')}]`;
}
