// Python 3 `repr()` of JSON values, so generated scripts carry literals exactly as Python prints them.

// Code points Python's str.isprintable() rejects: control, format, surrogate, private use, unassigned,
// line/paragraph separators and every space separator but ' ' itself.
const NON_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

function hexEscape(codePoint: number): string {
  const hex = codePoint.toString(16);
  if (codePoint <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (codePoint <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

/**
 * Python 3 `repr()` of a string: single quotes unless the text has a `'` and no `"`; backslash, the
 * quote, `\t`, `\n`, `\r` escaped; other non-printable characters as `\xNN`, `\uNNNN` or `\UNNNNNNNN`;
 * printable non-ASCII kept as is.
 */
export function pyStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  // for..of walks code points; a lone surrogate comes out as one (and is escaped, as Python does).
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += hexEscape(cp);
    else if (cp < 0x7f) out += ch;
    else out += NON_PRINTABLE.test(ch) ? hexEscape(cp) : ch;
  }
  return out + quote;
}

/**
 * Python 3 `repr()` of a float given as a JS number: shortest round-trip digits, positional notation for
 * decimal exponents -4..15 (with `.0` when whole), otherwise `d.ddde+XX`.
 */
export function pyFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const [mantissa = '0', exp = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const expDigits = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${digits[0] ?? '0'}${fraction}e${exponent < 0 ? '-' : '+'}${expDigits}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction === '' ? '0' : fraction}`;
}

/**
 * Python `repr()` of a JSON number. Once parsed, JSON cannot tell `5` from `5.0`, so whole numbers JS holds
 * exactly (safe integers) are written as Python ints, as `json.loads` gives them for the usual spelling;
 * larger ones lost their digits already and are written as floats (`1e+16`).
 */
export function pyNumberRepr(value: number): string {
  return Number.isSafeInteger(value) ? String(value) : pyFloatRepr(value);
}

/** Python 3 `repr()` of any JSON value (null → None, booleans, numbers, strings, lists, dicts). * @example
 * ```ts
 * pyRepr(['a', "it's", 1, true, null]); // `['a', "it's", 1, True, None]`
 * ```
 */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pyNumberRepr(value);
  if (typeof value === 'string') return pyStrRepr(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    const items = Object.entries(value).map(([k, v]) => `${pyStrRepr(k)}: ${pyRepr(v)}`);
    return `{${items.join(', ')}}`;
  }
  return pyStrRepr(String(value));
}

/** Python 3 `str()` of a JSON value: strings as they are, anything else as its `repr()`. */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}
