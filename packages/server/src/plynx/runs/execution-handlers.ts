// PLynx's execution extensions, called by `pipeloom worker`: read the validated request, call the service.
import type { HandlerMap } from '../../http/handler.ts';
import type { ExecutionService } from './execution-service.ts';

export function executionHandlers({ execution }: { execution: ExecutionService }) {
  return {
    plynx_start_node_run: async ({ params }) => ({ status: 200, body: await execution.start(params.graph_id, params.node_id) }),
    plynx_report_node_progress: async ({ params, body }) => ({ status: 200, body: await execution.progress(params.graph_id, params.node_id, body.logs) }),
    plynx_finish_node_run: async ({ params, body }) => ({ status: 200, body: await execution.finish(params.graph_id, params.node_id, body) }),
  } satisfies HandlerMap;
}
