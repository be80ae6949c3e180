// Finds the contract operation a request is for before its body is read (body limits, unimplemented
// operations). Among templates that fit, the one with the most literal segments wins, as in the validator:
// `/api/queue/name/{queueName}` before `/api/queue/{queueId}/{x}`.
import type { SpecOperation } from '../spec.ts';

interface Compiled { op: SpecOperation; method: string; pattern: RegExp; literals: number }

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export type OperationMatcher = (method: string, path: string) => SpecOperation | undefined;

export function operationMatcher(operations: SpecOperation[]): OperationMatcher {
  const compiled: Compiled[] = operations.map((op) => ({
    op,
    method: op.method.toUpperCase(),
    pattern: new RegExp(`^${op.path.split(/\{[^}]+\}/).map(escape).join('[^/]+')}/?$`),
    literals: op.path.split('/').filter((s) => s && !s.startsWith('{')).length,
  }));
  compiled.sort((a, b) => b.literals - a.literals);
  return (method, path) => compiled.find((c) => c.method === method && c.pattern.test(path))?.op;
}
