// Restart support: changed inputs, missing user data, required existing files, and resource auto-tuning.
import type { HandlerMap } from '../http/handler.ts';
import type { TorcDeps } from './deps.ts';

export function changeHandlers(_deps: TorcDeps): HandlerMap {
  return {};
}
