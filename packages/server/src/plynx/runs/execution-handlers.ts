// PLynx's execution extensions, called by `pipeloom worker`: read the validated request, call the service.
import type { HandlerMap } from '../../http/handler.ts';
import { plynxUser } from '../model/users.ts';
import type { ExecutionService } from './execution-service.ts';

export function executionHandlers({ execution }: { execution: ExecutionService }) {
  return {
    plynx_start_node_run: async ({ params, identity }) => ({ status: 200, body: await execution.start(params.graph_id, params.node_id, plynxUser(identity)) }),
    plynx_report_node_progress: async ({ params, body, identity }) => ({ status: 200, body: await execution.progress(params.graph_id, params.node_id, body.logs, plynxUser(identity)) }),
    plynx_finish_node_run: async ({ params, body, identity }) => ({ status: 200, body: await execution.finish(params.graph_id, params.node_id, body, plynxUser(identity)) }),
  } satisfies HandlerMap;
}
