// Flow's pipeline endpoints: the documented list and Pipeloom's administration extensions.
import type { HandlerMap } from '../../http/handler.ts';
import type { PipelineService } from './pipeline-service.ts';

export function pipelineHandlers({ pipelines }: { pipelines: PipelineService }) {
  return {
    flow_list_pipelines: async ({ identity }) => ({ status: 200, body: { status: 'OK', pipelines: await pipelines.list(identity) } }),
    flow_create_pipeline: async ({ identity, body }) => ({ status: 200, body: { status: 'OK', pipeline: await pipelines.create(identity, body.name) } }),
    flow_rename_pipeline: async ({ identity, params, body }) => ({
      status: 200,
      body: { status: 'OK', pipeline: await pipelines.rename(identity, params.pipeline_id, body.name) },
    }),
    flow_delete_pipeline: async ({ identity, params }) => {
      await pipelines.delete(identity, params.pipeline_id);
      return { status: 200, body: { status: 'OK', deleted_pipeline_id: params.pipeline_id } };
    },
    flow_grant_pipeline_permissions: async ({ identity, params, body }) => ({
      status: 200,
      body: { status: 'OK', ...(await pipelines.grant(identity, params.pipeline_id, body.username, body.permissions ?? [], body.is_manager)) },
    }),
    flow_revoke_pipeline_permissions: async ({ identity, params, query }) => ({
      status: 200,
      body: { status: 'OK', ...(await pipelines.revoke(identity, params.pipeline_id, params.username, query.permission)) },
    }),
  } satisfies HandlerMap;
}
