// What the fuzzer needs to know of each operation, read from the bundled contract: its parameters with
// their schemas, its request body media types with schema and example, and a sampler that builds a value a
// schema accepts (from the contract's examples where there are some).
import { listOperations, loadSpec, type OpenApiDocument, type SpecOperation } from '../../packages/server/src/spec.ts';
import type { Prng } from './prng.ts';

export type Schema = OpenApiDocument;

export interface FuzzParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
  example?: unknown;
}

export interface FuzzMedia {
  type: string;
  schema: Schema;
  example?: unknown;
}

export interface FuzzOperation extends SpecOperation {
  parameters: FuzzParameter[];
  bodies: FuzzMedia[];
  bodyRequired: boolean;
}

const document = loadSpec().document;

/** Follows `$ref`s until a schema (or parameter, request body) of its own. */
export function deref<T = Schema>(node: unknown, depth = 0): T {
  let n = node as Schema;
  while (n && typeof n === 'object' && typeof n.$ref === 'string' && depth++ < 32) {
    n = n.$ref.slice(2).split('/').reduce((o: Schema, k: string) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], document);
  }
  return n as T;
}

export function contractOperations(): FuzzOperation[] {
  return listOperations(document).map((o) => {
    const item = document.paths[o.path];
    const op = item[o.method];
    const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => deref(p)).filter((p) => p.in !== 'cookie').map((p): FuzzParameter => ({
      name: p.name, in: p.in, required: p.required === true || p.in === 'path', schema: deref(p.schema ?? {}), example: p.example ?? deref(p.schema ?? {}).example,
    }));
    const requestBody = deref(op.requestBody);
    const bodies = Object.entries<Schema>(requestBody?.content ?? {}).map(([type, media]) => ({ type, schema: deref(media.schema ?? {}), example: media.example }));
    return { ...o, parameters, bodies, bodyRequired: requestBody?.required === true };
  });
}

/** The schema's properties, with allOf branches merged in. */
export function propertiesOf(schema: Schema, depth = 0): { properties: Record<string, Schema>; required: string[] } {
  const s = deref(schema);
  const properties: Record<string, Schema> = { ...(s?.properties ?? {}) };
  const required: string[] = [...(s?.required ?? [])];
  if (depth < 8) {
    for (const branch of s?.allOf ?? []) {
      const inner = propertiesOf(branch, depth + 1);
      Object.assign(properties, inner.properties);
      required.push(...inner.required);
    }
  }
  return { properties, required };
}

/** A value `schema` accepts, or close to it: examples first, then enums, defaults and types. */
export function sample(schema: Schema, prng: Prng, depth = 0): unknown {
  const s = deref(schema);
  if (!s || typeof s !== 'object' || depth > 6) return null;
  if (s.example !== undefined && prng.chance(0.8)) return structuredClone(s.example);
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) return prng.pick(s.enum);
  if (s.default !== undefined && prng.chance(0.5)) return structuredClone(s.default);
  const branches = s.oneOf ?? s.anyOf;
  if (Array.isArray(branches) && branches.length) return sample(prng.pick(branches), prng, depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
  if (type === 'object' || s.properties || s.allOf) {
    const { properties, required } = propertiesOf(s);
    const out: Record<string, unknown> = {};
    for (const [name, p] of Object.entries(properties)) {
      if (deref(p)?.readOnly) continue;
      if (required.includes(name) || prng.chance(0.3)) out[name] = sample(p, prng, depth + 1);
    }
    return out;
  }
  switch (type) {
    case 'array': return s.items ? [sample(s.items, prng, depth + 1)] : [];
    case 'integer': return Math.max(s.minimum ?? 1, 1);
    case 'number': return s.minimum ?? 1.5;
    case 'boolean': return prng.chance(0.5);
    case 'string': return sampleString(s, prng);
    default: return {};
  }
}

function sampleString(s: Schema, prng: Prng): string {
  switch (s.format) {
    case 'date-time': return new Date(1_700_000_000_000 + prng.int(1e9)).toISOString();
    case 'date': return '2026-01-02';
    case 'uuid': return '3f2a1c4e-8b7d-4e6f-9a0b-1c2d3e4f5a6b';
    case 'binary': return 'bytes';
    default: return `v${prng.int(1000)}`.padEnd(s.minLength ?? 1, 'x');
  }
}
