// Handlers of PLynx's session area: `GET /token` and `GET /master_state`.
import type { HandlerMap } from '../../http/handler.ts';
import type { SessionServices } from './session-services.ts';

/** Handlers for `plynx_get_token` and `plynx_get_master_state`. */
export function createSessionHandlers({ tokens, masterState }: SessionServices): HandlerMap {
  return {
    plynx_get_token: async ({ identity }) => ({ status: 200, body: await tokens.issue(identity) }),
    plynx_get_master_state: async () => ({ status: 200, body: { status: 'success', master_state: await masterState.current() } }),
  } satisfies HandlerMap;
}
