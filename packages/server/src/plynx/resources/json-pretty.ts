// Pretty-prints JSON the way Python's `json.dumps(value, indent=2)` lays it out (two-space indent, `": "`
// after keys, non-ASCII characters as \u escapes), working on the tokens of the original text rather than
// on a parsed value: numbers keep their exact digits and object keys keep their order, which JSON.parse
// would not guarantee (it moves integer-like keys first and rounds large integers).

const TOKEN = /\s*("(?:[^"\\]|\\.)*"|[{}[\]:,]|[^\s{}[\]:,"]+)/gy;

/** `text` re-indented; throws SyntaxError (from JSON.parse) when it is not JSON. */
export function prettyJson(text: string): string {
  JSON.parse(text);
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) tokens.push(m[1]!);
  let out = '';
  let depth = 0;
  const newline = () => `\n${'  '.repeat(depth)}`;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === '{' || t === '[') {
      const close = t === '{' ? '}' : ']';
      if (tokens[i + 1] === close) {
        out += t + close;
        i++;
      } else {
        depth++;
        out += t + newline();
      }
    } else if (t === '}' || t === ']') {
      depth--;
      out += newline() + t;
    } else if (t === ',') {
      out += `,${newline()}`;
    } else if (t === ':') {
      out += ': ';
    } else if (t.startsWith('"')) {
      out += asciiString(JSON.parse(t) as string);
    } else {
      out += t;
    }
  }
  return out;
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** A JSON string literal with everything outside printable ASCII escaped, as Python's ensure_ascii does. */
function asciiString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const code = value.charCodeAt(i);
    if (SHORT_ESCAPES[c]) out += SHORT_ESCAPES[c];
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return `${out}"`;
}
