// Workflow and job specifications: whole workflows written by name (spec-and-worker.md §A).
import type { HandlerMap } from '../http/handler.ts';
import type { TorcDeps } from './deps.ts';

export function specificationHandlers(_deps: TorcDeps): HandlerMap {
  return {};
}
