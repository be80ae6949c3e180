// Turns the contract's paths into msw routes, ordered so that literal segments win over parameters.
import { operationIndex } from '../generated/operation-index.js';
import { operationIds, type OperationId } from './contract.js';

/** `/workflows/{key}/jobs` → `/workflows/:key/jobs`. */
export const toMswPath = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');

/**
 * Operations in the order their handlers must be tried. msw answers with the first handler that matches,
 * so `/api/queue/name/{queueName}` has to come before `/api/queue/{queueId}`: at the first segment where
 * two paths differ, a literal sorts before a parameter.
 */
export function routeOrder(): OperationId[] {
  return [...operationIds].sort((a, b) => comparePaths(operationIndex[a].path, operationIndex[b].path));
}

function comparePaths(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const l = left[i]!.startsWith('{');
    const r = right[i]!.startsWith('{');
    if (l !== r) return l ? 1 : -1;
  }
  // Paths of different lengths never match the same URL; the tie-break keeps the order total.
  return left.length - right.length;
}
