// PLynx's node cache key: a node whose parent operation, input resources and parameters (except the
// command and the timeout, which do not change what it produces) were seen before produces the same outputs.
import crypto from 'node:crypto';
import type { NodeDoc } from '../model/document-types.ts';

/** Parameters that never change a node's outputs, as upstream decides. */
const IGNORED_PARAMETERS = new Set(['cmd', '_timeout']);

/** JSON with object keys sorted, so equal values always give equal text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * sha256 (hexadecimal) of `parent_node;inputs;parameters` as upstream builds it: inputs sorted by name,
 * each `name:` and its sorted resource ids joined by commas; parameters sorted by name, each `name:value`.
 * Values are written as stable JSON where upstream prints Python's repr; keys are only ever compared
 * with keys made here.
 */
export function nodeCacheKey(node: Pick<NodeDoc, 'parent_node' | 'inputs' | 'parameters'>): string {
  const inputs = [...node.inputs].sort(byName)
    .map((input) => `${input.name}:${input.values.map((v) => v.resource_id ?? '').sort().join(',')}`)
    .join(',');
  const parameters = [...node.parameters].sort(byName)
    .filter((p) => !IGNORED_PARAMETERS.has(p.name))
    .map((p) => `${p.name}:${stableJson(p.value)}`)
    .join(',');
  return crypto.createHash('sha256').update([String(node.parent_node), inputs, parameters].join(';'), 'utf8').digest('hex');
}
