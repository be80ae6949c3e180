// Finds the contract operation a request is for before its body is read (body limits, unimplemented
// operations). Among templates that fit, the one with the most literal segments wins, as in the validator:
// `/api/queue/name/{queueName}` before `/api/queue/{queueId}/{x}`.
import type { SpecOperation } from '../spec.ts';

interface Compiled { op: SpecOperation; pattern: RegExp; literals: number }

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export type OperationMatcher = (method: string, path: string) => SpecOperation | undefined;

/** A template matches exactly its number of non-empty segments, so templates are grouped by method and count. */
const bucketKey = (method: string, segments: number) => `${method} ${segments}`;
const segmentCount = (path: string) => path.split('/').filter(Boolean).length;

export function operationMatcher(operations: SpecOperation[]): OperationMatcher {
  const buckets = new Map<string, Compiled[]>();
  for (const op of operations) {
    const key = bucketKey(op.method.toUpperCase(), segmentCount(op.path));
    const list = buckets.get(key) ?? [];
    list.push({
      op,
      pattern: new RegExp(`^${op.path.split(/\{[^}]+\}/).map(escape).join('[^/]+')}/?$`),
      literals: op.path.split('/').filter((s) => s && !s.startsWith('{')).length,
    });
    buckets.set(key, list);
  }
  for (const list of buckets.values()) list.sort((a, b) => b.literals - a.literals);
  return (method, path) => buckets.get(bucketKey(method, segmentCount(path)))?.find((c) => c.pattern.test(path))?.op;
}
