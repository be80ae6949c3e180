// Builds hostile requests from the contract. Each request starts from a plausible call of one operation
// (real ids where the campaign has seen some, the contract's examples otherwise) and then breaks one thing:
// a parameter's type or size, a body field (missing, extra, wrong type, huge, unicode or NUL, deeply
// nested), the content type, the JSON or multipart framing, or the credentials. Everything is drawn from a
// seeded PRNG, so a request is rebuilt exactly from the campaign seed and its index.
import { contractOperations, deref, propertiesOf, sample, type FuzzMedia, type FuzzOperation, type FuzzParameter, type Schema } from './contract-model.ts';
import { Prng, requestSeed } from './prng.ts';

export interface FuzzRequest {
  index: number;
  operationId: string;
  /** What was broken, for the report. */
  mutation: string;
  method: string;
  /** The raw request target, path and query, sent exactly as written. */
  target: string;
  headers: Record<string, string>;
  /** The body in pieces, written one after the other (huge pieces are shared between requests, never copied). */
  body?: Buffer[];
  /** True when the body is framed so that the server may drop the connection instead of answering (too large). */
  mayDrop?: boolean;
}

export interface FuzzCredentials {
  /** Valid bearer tokens: an administrator's and an ordinary user's. */
  admin: string;
  user: string;
}

/** Ids the server handed out, by family and field, so that requests reach stored records and not only 404s. */
export class IdPool {
  private readonly pools = new Map<string, string[]>();

  add(key: string, value: unknown): void {
    if ((typeof value !== 'string' && typeof value !== 'number') || String(value).length > 100) return;
    const list = this.pools.get(key) ?? [];
    if (list.includes(String(value))) return;
    list.push(String(value));
    if (list.length > 40) list.shift();
    this.pools.set(key, list);
  }

  get(key: string): string[] {
    return this.pools.get(key) ?? [];
  }

  /** Collects ids from a successful JSON answer of `path` in `family`. */
  harvest(family: string, path: string, body: unknown): void {
    const visit = (value: unknown, depth: number) => {
      if (depth > 4 || !value || typeof value !== 'object') return;
      if (Array.isArray(value)) {
        for (const item of value.slice(0, 20)) visit(item, depth + 1);
        return;
      }
      for (const [k, v] of Object.entries(value)) {
        if (/^(_key|_id|id|key|name|[a-z]+_id|[a-z]+Id|jobId|queueId|experimentId|pipeline_id|graph_id|node_id)$/.test(k)) this.add(`${family}:${k}`, v);
        if (typeof v === 'object') visit(v, depth + 1);
      }
      // A workflow's key is wanted wherever a path names {workflow}.
      const record = value as Record<string, unknown>;
      if (family === 'torc' && /^\/torc-service\/workflows\/?$/.test(path) && depth === 0) this.add('torc:workflow', record._key);
    };
    visit(body, 0);
  }
}

// Values for path segments: NUL bytes, encoded slashes and traversal, numbers no integer column holds,
// malformed percent-encoding, long and exotic strings. They are written into the URL as they stand.
const HOSTILE_SEGMENTS = [
  '%00', 'a%00b', '..', '.', '..%2F..%2Fetc%2Fpasswd', '%2F', '%2e%2e', '%2e%2e%2f%2e%2e%2f', '..%5C..%5Cwindows', '%5C',
  'Infinity', '-Infinity', 'NaN', '1e309', '-0', '0', '-1', '1.5', '0x1F', '1e3', '9223372036854775808', '18446744073709551616',
  '9007199254740993', '99999999999999999999999999999', '-9223372036854775809', '%ZZ', '%', '%C0%AF', '%ED%A0%80', '%FF%FE',
  '%F0%9F%92%A9', '%E2%80%AE', '%20', '+', 'null', 'undefined', '__proto__', 'constructor', 'hasOwnProperty', 'x'.repeat(3000),
  encodeURIComponent('ünïcödé 漢字 🌍'), encodeURIComponent('\u202egnp.exe'), '%0D%0ASet-Cookie:%20x=1', '%0A', '%09', '%7B%7D',
];

const HOSTILE_QUERY_NUMBERS = [
  '9223372036854775808', '9223372036854775807', '18446744073709551616', '9007199254740992', '9007199254740993', '1e400', '-1e400',
  'Infinity', '-Infinity', 'NaN', '-1', '-9223372036854775809', '1.5', '1e3', '0x10', '', '%20', 'abc', '%00', '2147483648', '4294967296',
  '99999999999999999999999999999999999999',
];

// Strings for body fields and query values. None contains SQL words or server paths, so the oracle's leak
// test cannot be fooled by an echo of the request.
const HOSTILE_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\u0000'.repeat(50), '\ud800', '\udfff\ud800', 'ünïcödé 漢字 🌍', '\u202egnp.exe', '\u200b\u200d\ufeff',
  '../../etc/passwd', '..\\..\\windows\\win.ini', '%00', '%2e%2e%2f', '{{7*7}}', '${7*7}', '<script>x</script>', 'null', 'true', '-1',
  '1e309', 'NaN', 'Infinity', '__proto__', 'constructor', '\r\nX-Injected: 1', '\t\n\v\f\r', '0'.repeat(400), '🌍'.repeat(300),
];

// Numbers written into the JSON text as they stand: JSON.stringify cannot write 1e400 or a 64-bit integer exactly.
const HOSTILE_JSON_NUMBERS = [
  '1e400', '-1e400', '9223372036854775808', '-9223372036854775809', '18446744073709551616', '9007199254740993', '2147483648',
  '-2147483649', '4294967296', '1.7976931348623157e308', '5e-324', '1e-400', '-0', '0.1', '1.5', '-1', '123456789012345678901234567890',
];

const WRONG_TYPES: unknown[] = [null, true, false, 0, -1, 1.5, '', 'text', [], [1, 'a'], {}, { a: 1 }, [[[]]]];

const WRONG_CONTENT_TYPES = [
  'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=fuzz', 'multipart/form-data',
  'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/json; charset=klingon', 'application/merge-patch+json',
  'application/octet-stream', 'application/json, text/plain', '*/*', 'application/', ';', 'x'.repeat(1000), 'application/json; boundary="x',
];

const MALFORMED_JSON = [
  '{', '{"a":', '[1,2', '{"a":1}garbage', '\ufeff{}', 'nul', '{"a":1,}', "{'a':1}", 'NaN', '"\\ud800"', '{"a":"\\u00"}', '{"a":"\\x41"}',
  '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '[]', '""', '0', 'null', 'true', '{"a":1,"a":2}',
  '{"a"\u0000:1}', '\u0000', ' ', '[' .repeat(200_000), '{"a":'.repeat(50_000),
];

const MUTATIONS = [
  'valid', 'valid', 'valid', 'path-param', 'path-param', 'query-number', 'query-string', 'query-shape', 'header-param',
  'body-missing', 'body-extra', 'body-wrong-type', 'body-huge-string', 'body-unicode', 'body-number', 'body-deep', 'body-deep',
  'body-replace', 'content-type', 'malformed-json', 'multipart', 'multipart', 'auth', 'auth', 'method',
] as const;

type Mutation = (typeof MUTATIONS)[number];

interface Draft {
  op: FuzzOperation;
  pathValues: Record<string, string>;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  method: string;
  media?: FuzzMedia;
  /** A JSON-like body, serialized according to `media`; `raw` wins when set. */
  value?: unknown;
  raw?: Buffer;
  /** Raw JSON texts (numbers, nests, huge strings) to splice in where the body holds their marker strings. */
  splices: Map<string, string | Buffer>;
  mayDrop?: boolean;
}

export class RequestGenerator {
  readonly operations: FuzzOperation[];

  constructor(private readonly seed: number, private readonly credentials: FuzzCredentials, private readonly ids: IdPool) {
    this.operations = contractOperations();
  }

  /** Request `index` of the campaign; operations are taken in turn so every one gets its share. */
  build(index: number, only?: 'valid'): FuzzRequest {
    const prng = new Prng(requestSeed(this.seed, index));
    const op = this.operations[index % this.operations.length]!;
    const mutation = only ?? prng.pick(MUTATIONS);
    const draft = this.baseline(op, prng);
    const applied = this.mutate(draft, mutation, prng);
    return this.serialize(index, draft, applied, prng);
  }

  /** A plausible call: known ids in the path, required query parameters, the example body, a valid token. */
  private baseline(op: FuzzOperation, prng: Prng): Draft {
    const pathValues: Record<string, string> = {};
    const query: Array<[string, string]> = [];
    const headers: Record<string, string> = { authorization: `Bearer ${prng.chance(0.7) ? this.credentials.admin : this.credentials.user}` };
    for (const p of op.parameters) {
      if (p.in === 'path') pathValues[p.name] = percentEncode(this.pathValue(op, p, prng));
      else if (p.in === 'query' && (p.required || prng.chance(0.25))) query.push([p.name, scalarText(sample(p.schema, prng))]);
      else if (p.in === 'header' && prng.chance(0.3)) headers[p.name.toLowerCase()] = scalarText(sample(p.schema, prng));
    }
    const media = op.bodies.length ? prng.pick(op.bodies) : undefined;
    const value = media ? (media.example !== undefined && prng.chance(0.7) ? structuredClone(media.example) : sample(media.schema, prng)) : undefined;
    return { op, pathValues, query, headers, method: op.method.toUpperCase(), media, value: media && (op.bodyRequired || prng.chance(0.7)) ? value : undefined, splices: new Map() };
  }

  private pathValue(op: FuzzOperation, p: FuzzParameter, prng: Prng): string {
    const s = deref(p.schema);
    if (Array.isArray(s.enum)) return String(prng.pick(s.enum));
    const names = p.name === 'workflow' || (p.name === 'key' && /workflows\/\{key\}|workflow_specifications\/\{key\}/.test(op.path)) ? ['workflow'] : [p.name, '_key', 'id', '_id', 'name'];
    const known = names.flatMap((n) => this.ids.get(`${op.family}:${n}`));
    if (known.length && prng.chance(0.85)) return prng.pick(known);
    return scalarText(p.example ?? sample(s, prng));
  }

  private mutate(d: Draft, mutation: Mutation, prng: Prng): string {
    switch (mutation) {
      case 'valid': return 'valid';
      case 'path-param': {
        const names = Object.keys(d.pathValues);
        if (!names.length) return this.mutate(d, 'query-shape', prng);
        const name = prng.pick(names);
        d.pathValues[name] = prng.pick(HOSTILE_SEGMENTS);
        return `path-param ${name}`;
      }
      case 'query-number': {
        const numeric = d.op.parameters.filter((p) => p.in === 'query' && ['integer', 'number'].includes(deref(p.schema).type));
        const p = numeric.length ? prng.pick(numeric) : d.op.parameters.find((q) => q.in === 'query');
        const name = p?.name ?? prng.pick(['skip', 'limit']);
        setQuery(d, name, prng.pick(HOSTILE_QUERY_NUMBERS));
        return `query-number ${name}`;
      }
      case 'query-string': {
        const params = d.op.parameters.filter((p) => p.in === 'query');
        const name = params.length ? prng.pick(params).name : 'q';
        setQuery(d, name, percentEncode(prng.pick(HOSTILE_STRINGS)));
        return `query-string ${name}`;
      }
      case 'query-shape': {
        const params = d.op.parameters.filter((p) => p.in === 'query');
        const name = params.length ? prng.pick(params).name : 'skip';
        const shape = prng.int(6);
        if (shape === 0) d.query.push([name, '1'], [name, '2']);
        else if (shape === 1) d.query.push([`${name}[]`, '1']);
        else if (shape === 2) d.query.push([`${name}[a][b]`, '1']);
        else if (shape === 3) d.query.push(['__proto__[polluted]', '1']);
        else if (shape === 4) d.query.push([`unknown_${prng.int(100)}`, 'x']);
        else d.query.push([name, 'x'.repeat(10_000)]);
        return `query-shape ${shape} ${name}`;
      }
      case 'header-param': {
        const name = d.op.parameters.find((p) => p.in === 'header')?.name ?? 'X-Fields';
        // Header values must stay Latin-1 to be sent at all.
        d.headers[name.toLowerCase()] = prng.pick(['', '{', '}{', 'a{b{c{d}}}', '*'.repeat(5000), 'x,'.repeat(2000), '%00', '\u00ff\u00fe']);
        return `header-param ${name}`;
      }
      case 'body-missing': case 'body-extra': case 'body-wrong-type': case 'body-huge-string': case 'body-unicode': case 'body-number': case 'body-deep': case 'body-replace':
        return this.mutateBody(d, mutation, prng);
      case 'content-type': {
        d.value ??= { a: 1 };
        d.headers['content-type'] = prng.pick(WRONG_CONTENT_TYPES);
        d.raw = Buffer.from(prng.chance(0.5) ? JSON.stringify(d.value) : prng.pick(['a=1&b=2', '<a>1</a>', '\u0000\u0001binary', '']));
        return `content-type ${d.headers['content-type'].slice(0, 60)}`;
      }
      case 'malformed-json': {
        const text = prng.pick(MALFORMED_JSON);
        d.headers['content-type'] = 'application/json';
        d.raw = Buffer.from(text);
        return `malformed-json ${JSON.stringify(text.slice(0, 30))}`;
      }
      case 'multipart': return this.badMultipart(d, prng);
      case 'auth': {
        const token = this.credentials.user;
        const choices = [
          undefined, '', 'Bearer', 'Bearer ', `Bearer ${token} garbage`, `Bearer ${token} ${token}`, `Bearer  ${token}`, `bearer ${token}x`,
          `Bearer ${'x'.repeat(8000)}`, 'Basic !!!not-base64', `Basic ${Buffer.from('nobody').toString('base64')}`, `Basic ${Buffer.from(':').toString('base64')}`,
          `Basic ${Buffer.from(`${token}:`).toString('base64')} extra`, 'Digest username="x"', 'Negotiate abc', `Bearer ${token}\u00ff`, 'Basic', `Token ${token}`,
        ];
        const value = prng.pick(choices);
        if (value === undefined) delete d.headers.authorization;
        else d.headers.authorization = value;
        return `auth ${JSON.stringify(value?.slice(0, 40) ?? null)}`;
      }
      case 'method': {
        d.method = prng.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);
        return `method ${d.method}`;
      }
    }
  }

  private mutateBody(d: Draft, mutation: Mutation, prng: Prng): string {
    if (d.media === undefined) {
      // An operation without a body still gets one, as a client might send.
      d.media = { type: 'application/json', schema: {} };
      d.value = { unexpected: 1 };
    }
    d.value ??= sample(d.media.schema, prng);
    const slots = fieldSlots(d.value, d.media.schema);
    const slot = slots.length ? prng.pick(slots) : undefined;
    const at = slot ? slot.path.join('.') : '(body)';
    const set = (v: unknown) => {
      if (!slot) d.value = v;
      else (slot.parent as Record<string, unknown>)[slot.key] = v;
    };
    switch (mutation) {
      case 'body-missing': {
        const { required } = propertiesOf(d.media.schema);
        const name = required.length ? prng.pick(required) : slot?.key;
        if (isRecord(d.value) && name !== undefined) delete d.value[name];
        else d.value = undefined;
        return `body-missing ${name ?? '(body)'}`;
      }
      case 'body-extra': {
        const target = slot && isRecord(slot.parent) ? slot.parent : isRecord(d.value) ? d.value : undefined;
        const name = prng.pick(['unexpected', '_key', '_rev', 'id', '__proto__', 'constructor', '\u0000', '', 'x'.repeat(500)]);
        if (target) Object.defineProperty(target, name, { value: prng.pick(WRONG_TYPES), enumerable: true, writable: true, configurable: true });
        else d.value = { [name]: 1 };
        return `body-extra ${JSON.stringify(name.slice(0, 20))}`;
      }
      case 'body-wrong-type': set(prng.pick(WRONG_TYPES)); return `body-wrong-type ${at}`;
      case 'body-replace': d.value = prng.pick(WRONG_TYPES); return 'body-replace';
      case 'body-huge-string': {
        // Most stay under the 2 MB default body limit to reach validation; the rest check the 413.
        const size = prng.pick([10_000, 10_000, 100_000, 100_000, 500_000, 2_500_000]);
        const marker = `\u0001RAW${d.splices.size}\u0001`;
        d.splices.set(marker, hugeJsonString(size > 2_000_000 ? 'x' : prng.pick(['x', 'é', '🌍', '\u0000']), size));
        set(marker);
        d.mayDrop = size >= 1_000_000;
        return `body-huge-string ${at} ${size}`;
      }
      case 'body-unicode': set(prng.pick(HOSTILE_STRINGS)); return `body-unicode ${at}`;
      case 'body-number': {
        const marker = `\u0001RAW${d.splices.size}\u0001`;
        d.splices.set(marker, prng.pick(HOSTILE_JSON_NUMBERS));
        set(marker);
        return `body-number ${at} ${d.splices.get(marker)}`;
      }
      case 'body-deep': {
        const depth = prng.pick([101, 150, 1000, 3000, 10_000]);
        // Spliced in as text: JSON.stringify itself runs out of stack on the deepest of these.
        const v = `\u0001RAW${d.splices.size}\u0001`;
        d.splices.set(v, prng.chance(0.5) ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}"leaf"${'}'.repeat(depth)}`);
        // Free-form fields (user_data.data, metadata) take any JSON: put the nest there when there is one.
        const free = slots.find((s) => s.freeForm);
        if (free && prng.chance(0.7)) (free.parent as Record<string, unknown>)[free.key] = v;
        else set(v);
        return `body-deep ${free ? free.path.join('.') : at} ${depth}`;
      }
      default: return mutation;
    }
  }

  private badMultipart(d: Draft, prng: Prng): string {
    const boundary = `fuzz${prng.int(1e9)}`;
    const fields = isRecord(d.value) ? Object.entries(d.value) : [['field', 'x'] as [string, unknown]];
    const parts = fields.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"${/file|data|workflow/.test(k) ? `; filename="${k}.bin"` : ''}\r\n\r\n${typeof v === 'string' ? v : JSON.stringify(v)}\r\n`);
    const whole = `${parts.join('')}--${boundary}--\r\n`;
    const kind = prng.int(9);
    let type = `multipart/form-data; boundary=${boundary}`;
    let text: string;
    switch (kind) {
      case 0: text = whole.slice(0, Math.max(1, Math.floor(whole.length * (0.2 + 0.6 * (prng.int(100) / 100))))); break; // truncated
      case 1: text = parts.join(''); break; // no closing boundary
      case 2: type = 'multipart/form-data'; text = whole; break; // no boundary parameter
      case 3: type = 'multipart/form-data; boundary=other'; text = whole; break;
      case 4: text = `--${boundary}\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--${boundary}--\r\n`; break;
      case 5: text = `--${boundary}\r\nContent-Disposition: form-data; name="${'n'.repeat(20_000)}"\r\n\r\nx\r\n--${boundary}--\r\n`; break;
      case 6: text = `--${boundary}\r\nX-Header: ${'h'.repeat(100_000)}\r\n\r\nx\r\n--${boundary}--\r\n`; break;
      case 7: text = Array.from({ length: 300 }, (_, i) => `--${boundary}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nx\r\n`).join('') + `--${boundary}--\r\n`; break;
      default: text = `--${boundary}\r\nContent-Disposition: form-data; name="a\u0000b"; filename="..%2F..%2Fx\u0000.tar.gz"\r\n\r\n\u0000\u0001\u0002\r\n--${boundary}--\r\n`;
    }
    d.headers['content-type'] = type;
    d.raw = Buffer.from(text, 'latin1');
    return `multipart ${kind}`;
  }

  private serialize(index: number, d: Draft, mutation: string, prng: Prng): FuzzRequest {
    let path = d.op.path;
    for (const [name, value] of Object.entries(d.pathValues)) path = path.replace(`{${name}}`, value);
    const search = d.query.map(([k, v]) => `${encodeQueryName(k)}=${v}`).join('&');
    const headers = { ...d.headers };
    let body = d.raw ? [d.raw] : undefined;
    if (!body && d.value !== undefined && d.media) {
      if (d.media.type === 'application/json') {
        body = spliceJson(JSON.stringify(d.value) ?? 'null', d.splices);
      } else if (d.media.type === 'application/x-www-form-urlencoded') {
        body = [Buffer.from(new URLSearchParams(Object.entries(isRecord(d.value) ? d.value : { value: d.value }).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v) ?? ''])).toString())];
      } else {
        const boundary = `fuzz${prng.int(1e9)}`;
        const binary = new Set(Object.entries(propertiesOf(d.media.schema).properties).filter(([, s]) => deref(s)?.format === 'binary').map(([k]) => k));
        const parts = Object.entries(isRecord(d.value) ? d.value : { value: d.value }).map(([k, v]) => {
          const content = typeof v === 'string' ? v : JSON.stringify(v) ?? '';
          const disposition = binary.has(k) ? `; filename="${k}.bin"\r\nContent-Type: application/octet-stream` : '';
          return `--${boundary}\r\nContent-Disposition: form-data; name="${k}"${disposition}\r\n\r\n${content}\r\n`;
        });
        d.media = { ...d.media, type: `multipart/form-data; boundary=${boundary}` };
        body = [Buffer.from(`${parts.join('')}--${boundary}--\r\n`)];
      }
      headers['content-type'] ??= d.media.type;
    }
    return { index, operationId: d.op.operationId, mutation, method: d.method, target: search ? `${path}?${search}` : path, headers, ...(body ? { body } : {}), ...(d.mayDrop || bodyLength(body) > 2_000_000 ? { mayDrop: true } : {}) };
  }
}

interface Slot { parent: unknown; key: string; path: string[]; freeForm: boolean }

/** Every field of a JSON body down to a few levels, marking the ones whose schema takes any JSON. */
function fieldSlots(value: unknown, schema: Schema): Slot[] {
  const out: Slot[] = [];
  const visit = (v: unknown, s: Schema | undefined, path: string[]) => {
    if (path.length > 4 || !v || typeof v !== 'object') return;
    const props = s ? propertiesOf(s).properties : {};
    for (const key of Object.keys(v)) {
      const child = Array.isArray(v) ? deref(s)?.items : props[key];
      const c = child ? deref(child) : undefined;
      const freeForm = !!c && (c.type === 'object' || c.type === undefined) && !c.properties && !c.allOf && !c.oneOf && !c.anyOf && !c.$ref;
      out.push({ parent: v, key, path: [...path, key], freeForm });
      visit((v as Record<string, unknown>)[key], c, [...path, key]);
    }
  };
  visit(value, schema, []);
  return out;
}

const hugeStrings = new Map<string, Buffer>();

/** `char` repeated `size` times as a JSON string literal, built once per campaign: building it per request costs more than sending it. */
function hugeJsonString(char: string, size: number): Buffer {
  const key = `${char}${size}`;
  let text = hugeStrings.get(key);
  if (!text) hugeStrings.set(key, (text = Buffer.from(JSON.stringify(char.repeat(size)))));
  return text;
}

/** The JSON text with each marker string replaced by its raw text. */
function spliceJson(text: string, splices: Map<string, string | Buffer>): Buffer[] {
  let parts: Array<string | Buffer> = [text];
  for (const [marker, raw] of splices) {
    const quoted = JSON.stringify(marker);
    parts = parts.flatMap((part) => (typeof part === 'string' && part.includes(quoted) ? part.split(quoted).flatMap((piece, i) => (i ? [raw, piece] : [piece])) : [part]));
  }
  return parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p));
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const scalarText = (v: unknown) => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));
/** encodeURIComponent that takes lone surrogates too (as U+FFFD, the way a UTF-8 encoder writes them). */
const percentEncode = (text: string) => [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
const encodeQueryName = (name: string) => name.replace(/[^A-Za-z0-9_.\-[\]]/g, (c) => encodeURIComponent(c));

function setQuery(d: Draft, name: string, raw: string): void {
  d.query = d.query.filter(([k]) => k !== name);
  d.query.push([name, raw]);
}

export const bodyLength = (body: Buffer[] | undefined) => body?.reduce((n, b) => n + b.length, 0) ?? 0;

/** How a request is described when it fails: enough to send it again by hand. */
export function describeRequest(r: FuzzRequest): string {
  const body = r.body ? ` body(${bodyLength(r.body)} bytes)=${JSON.stringify(r.body[0]!.subarray(0, 300).toString('latin1'))}` : '';
  const headers = Object.entries(r.headers).map(([k, v]) => `${k}: ${v.length > 80 ? `${v.slice(0, 80)}…` : v}`).join(' | ');
  return `#${r.index} ${r.operationId} [${r.mutation}] ${r.method} ${r.target.length > 300 ? `${r.target.slice(0, 300)}…` : r.target} {${headers}}${body}`;
}
