// Schema-valid default answers, built from the contract's examples and, where it has none, from its schemas.
import { resolve, successResponse, type JsonObject, type OperationId } from './contract.js';

const clone = <T>(value: T): T => structuredClone(value);

/** The body a mock answers an operation with by default: the response example, else one built from the schema. */
export function defaultBody(id: OperationId): unknown {
  const { media } = successResponse(id);
  if (!media) return undefined;
  if (media.example !== undefined) return clone(media.example);
  const first = media.examples && Object.values(media.examples)[0];
  if (first?.value !== undefined) return clone(first.value);
  return media.schema ? sampleSchema(media.schema) : undefined;
}

/** A small value valid against `schema`: its example, const, first enum value, or the least that fits. */
export function sampleSchema(node: unknown, depth = 0): unknown {
  const schema = resolve<JsonObject>(node);
  if (!schema || typeof schema !== 'object') return null;
  if (schema.example !== undefined) return clone(schema.example);
  if (Array.isArray(schema.examples) && schema.examples.length) return clone(schema.examples[0]);
  if (schema.const !== undefined) return clone(schema.const);
  if (Array.isArray(schema.enum)) return clone(schema.enum[0]);
  if (schema.default !== undefined) return clone(schema.default);
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...schema.allOf.map((part) => sampleSchema(part, depth + 1) as object));
  }
  const choice = (schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
  if (Array.isArray(choice)) return sampleSchema(choice[0], depth + 1);
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const type = types.find((t) => t !== 'null') ?? (schema.properties ? 'object' : types[0]);
  switch (type) {
    case 'object': return sampleObject(schema, depth);
    case 'array': {
      const min = Number(schema.minItems ?? 0);
      return Array.from({ length: min }, () => sampleSchema(schema.items, depth + 1));
    }
    case 'string': return sampleString(schema);
    case 'integer':
    case 'number': return typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : 0;
    case 'boolean': return false;
    case 'null': return null;
    default: return {};
  }
}

function sampleObject(schema: JsonObject, depth: number): JsonObject {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const required = (schema.required ?? []) as string[];
  return Object.fromEntries(required.map((name) => [name, depth > 12 ? null : sampleSchema(properties[name] ?? {}, depth + 1)]));
}

function sampleString(schema: JsonObject): string {
  switch (schema.format) {
    case 'date-time': return '2026-01-01T00:00:00.000Z';
    case 'date': return '2026-01-01';
    case 'uuid': return '00000000-0000-4000-8000-000000000000';
    case 'uri': return 'http://pipeloom.test/';
    case 'email': return 'alice@example.com';
  }
  return 'x'.repeat(Number(schema.minLength ?? 0));
}
