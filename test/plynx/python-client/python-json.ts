// JSON the way CPython's `json` module reads and writes it with default settings, so a test can produce the
// exact bytes a Python program sends. Three things differ from JSON.parse/JSON.stringify and matter here:
// - Python keeps integers and floats apart: `1` stays `1`, `1.0` stays `1.0`, and floats print with repr()
//   (`1e+16`, `1e-05`), so numbers are kept as their Python type, not as one JS number.
// - dicts keep insertion order for every key (a JS object moves integer-like keys to the front), so objects
//   are Maps.
// - json.dumps separates with ", " and ": " and escapes every non-ASCII character as \uXXXX (ensure_ascii).

/** A float as Python holds it (int and float stay distinct through a load and dump). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A value as Python's json module produces it: dict → Map, list → array, int → bigint, float → PyFloat. */
export type PyValue = null | boolean | string | bigint | PyFloat | PyValue[] | PyDict;
export type PyDict = Map<string, PyValue>;

/** A dict from entries, in the given order (the order Python's literal would have). */
export function pyDict(entries: Array<[string, PyValue]>): PyDict {
  return new Map(entries);
}

/** repr() of a Python float: the shortest round-trip digits, exponent form outside 1e-4 <= |x| < 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without digits gives the shortest digits that round-trip, as Python's repr does.
  const [mantissa = '', exp = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const e = Number(exp);
  if (e < -4 || e >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const absExp = String(Math.abs(e)).padStart(2, '0');
    return `${sign}${m}e${e < 0 ? '-' : '+'}${absExp}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const intPart = digits.slice(0, e + 1).padEnd(e + 1, '0');
  const frac = digits.slice(e + 1);
  return `${sign}${intPart}.${frac || '0'}`;
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A string literal as json.dumps writes it: printable ASCII as is, everything else escaped (UTF-16 units). */
export function pyStringLiteral(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s.charAt(i);
    const code = s.charCodeAt(i);
    const short = SHORT_ESCAPES[ch];
    if (short) out += short;
    else if (code >= 0x20 && code <= 0x7e) out += ch;
    // Astral characters are already two UTF-16 units here, which is exactly Python's surrogate-pair output.
    else out += `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

/** json.dumps(value) with Python's defaults. */
export function pyDumps(value: PyValue): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'string') return pyStringLiteral(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  if (Array.isArray(value)) return `[${value.map(pyDumps).join(', ')}]`;
  return `{${[...value].map(([k, v]) => `${pyStringLiteral(k)}: ${pyDumps(v)}`).join(', ')}}`;
}

/** json.loads(text): numbers keep their Python type, objects keep their key order. */
export function pyLoads(text: string): PyValue {
  let pos = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at ${pos} in ${JSON.stringify(text.slice(Math.max(0, pos - 20), pos + 20))}`);
  };
  const skipWs = () => {
    while (pos < text.length && ' \t\n\r'.includes(text.charAt(pos))) pos++;
  };
  const literal = (word: string, v: PyValue): PyValue => {
    if (text.startsWith(word, pos)) {
      pos += word.length;
      return v;
    }
    return fail('unexpected token');
  };
  const parseString = (): string => {
    // A JSON string token decodes the same in JS and Python; reuse JSON.parse for the escapes.
    const start = pos;
    pos++;
    while (pos < text.length && text[pos] !== '"') pos += text[pos] === '\\' ? 2 : 1;
    if (pos >= text.length) fail('unterminated string');
    pos++;
    return JSON.parse(text.slice(start, pos)) as string;
  };
  const parseNumber = (): PyValue => {
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(pos));
    if (!m) return fail('bad number');
    pos += m[0].length;
    return m[1] || m[2] ? new PyFloat(Number(m[0])) : BigInt(m[0]);
  };
  const parseValue = (): PyValue => {
    skipWs();
    const ch = text[pos];
    if (ch === '{') {
      pos++;
      const dict: PyDict = new Map();
      skipWs();
      if (text[pos] === '}') {
        pos++;
        return dict;
      }
      for (;;) {
        skipWs();
        if (text[pos] !== '"') fail('expected key');
        const key = parseString();
        skipWs();
        if (text[pos++] !== ':') fail('expected colon');
        dict.set(key, parseValue());
        skipWs();
        const sep = text[pos++];
        if (sep === '}') return dict;
        if (sep !== ',') fail('expected , or }');
      }
    }
    if (ch === '[') {
      pos++;
      const list: PyValue[] = [];
      skipWs();
      if (text[pos] === ']') {
        pos++;
        return list;
      }
      for (;;) {
        list.push(parseValue());
        skipWs();
        const sep = text[pos++];
        if (sep === ']') return list;
        if (sep !== ',') fail('expected , or ]');
      }
    }
    if (ch === '"') return parseString();
    if (ch === 't') return literal('true', true);
    if (ch === 'f') return literal('false', false);
    if (ch === 'n') return literal('null', null);
    return parseNumber();
  };
  const value = parseValue();
  skipWs();
  if (pos !== text.length) fail('extra data');
  return value;
}

/** A dict member, failing like Python's KeyError when absent or when the value is not a dict. */
export function pyGet(value: PyValue, ...path: Array<string | number>): PyValue {
  let cur: PyValue = value;
  for (const key of path) {
    if (typeof key === 'number') {
      if (!Array.isArray(cur) || key >= cur.length) throw new Error(`IndexError: ${key} in ${path.join('.')}`);
      cur = cur[key] as PyValue;
    } else {
      if (!(cur instanceof Map) || !cur.has(key)) throw new Error(`KeyError: '${key}' (path ${path.join('.')})`);
      cur = cur.get(key) as PyValue;
    }
  }
  return cur;
}

/** A member that must be a str, as the client's `.upper()` and string formatting need. */
export function pyStr(value: PyValue, ...path: Array<string | number>): string {
  const v = pyGet(value, ...path);
  if (typeof v !== 'string') throw new Error(`AttributeError: ${path.join('.')} is not a str: ${String(v)}`);
  return v;
}

/** A member that must be a dict. */
export function pyMap(value: PyValue, ...path: Array<string | number>): PyDict {
  const v = pyGet(value, ...path);
  if (!(v instanceof Map)) throw new Error(`TypeError: ${path.join('.')} is not a dict`);
  return v;
}

/** A member that must be a list. */
export function pyList(value: PyValue, ...path: Array<string | number>): PyValue[] {
  const v = pyGet(value, ...path);
  if (!Array.isArray(v)) throw new Error(`TypeError: ${path.join('.')} is not a list`);
  return v;
}

/** A deep copy (copy.deepcopy of a json-loaded value). */
export function pyDeepCopy<T extends PyValue>(value: T): T {
  if (Array.isArray(value)) return value.map(pyDeepCopy) as T;
  if (value instanceof Map) {
    const copy: PyDict = new Map();
    for (const [k, v] of value as PyDict) copy.set(k, pyDeepCopy(v));
    return copy as T;
  }
  return value;
}

/** Python truthiness of a json value. */
export function pyTruthy(value: PyValue): boolean {
  if (value === null || value === false || value === '') return false;
  if (typeof value === 'bigint') return value !== 0n;
  if (value instanceof PyFloat) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map) return value.size > 0;
  return true;
}
