// Read-mostly views across Torc's collections (semantics.md §6): job keys, finds, user data of a job, ...
import type { HandlerMap } from '../http/handler.ts';
import type { TorcDeps } from './deps.ts';

export function queryHandlers(_deps: TorcDeps): HandlerMap {
  return {};
}
