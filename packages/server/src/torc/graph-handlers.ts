// Views over a workflow's graph and event log: latest event time, events after a time, DOT graphs, joins.
import type { HandlerMap } from '../http/handler.ts';
import type { TorcDeps } from './deps.ts';

export function graphHandlers(_deps: TorcDeps): HandlerMap {
  return {};
}
