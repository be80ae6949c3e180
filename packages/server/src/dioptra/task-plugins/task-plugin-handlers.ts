// Dioptra's task plugin endpoints: read the validated request (the archive from the multipart parser's
// temporary file), call the service, reply in upstream's shape.
import type { HandlerMap } from '../../http/handler.ts';
import { filePart } from '../file-part.ts';
import { BUILTINS, CUSTOM, type TaskPluginService } from './task-plugin-service.ts';

export function taskPluginHandlers({ taskPlugins }: { taskPlugins: TaskPluginService }) {
  return {
    dioptra_get_task_plugin_resource: async () => ({ status: 200, body: await taskPlugins.list() }),
    dioptra_post_task_plugin_resource: async ({ req, body, identity }) => ({
      status: 200,
      body: await taskPlugins.upload({ name: body.task_plugin_name, collection: body.collection, file: filePart(req, 'task_plugin_file'), uploader: identity }),
    }),
    dioptra_get_task_plugin_builtins_collection_resource: async () => ({ status: 200, body: await taskPlugins.listCollection(BUILTINS) }),
    dioptra_get_task_plugin_builtin_collection_name_resource: async ({ params }) => ({ status: 200, body: await taskPlugins.get(BUILTINS, params.taskPluginName) }),
    dioptra_get_task_plugin_custom_collection_resource: async () => ({ status: 200, body: await taskPlugins.listCollection(CUSTOM) }),
    dioptra_get_task_plugin_custom_collection_name_resource: async ({ params }) => ({ status: 200, body: await taskPlugins.get(CUSTOM, params.taskPluginName) }),
    dioptra_delete_task_plugin_custom_collection_name_resource: async ({ params, identity }) =>
      ({ status: 200, body: await taskPlugins.remove(params.taskPluginName, identity) }),
  } satisfies HandlerMap;
}
