// Dioptra's task plugin endpoints: read the validated request (the archive from the multipart parser's
// temporary file), call the service, reply in upstream's shape.
import type { Request } from 'express';
import type { HandlerMap } from '../../http/handler.ts';
import { BUILTINS, CUSTOM, type TaskPluginService } from './task-plugin-service.ts';

/** The `task_plugin_file` part of the form, as the multipart parser left it on disk. */
function archivePart(req: Request): { path: string; originalName: string } | undefined {
  const files: unknown = (req as Request & { files?: unknown }).files;
  const list: unknown[] = Array.isArray(files) ? files : typeof files === 'object' && files !== null ? Object.values(files).flat() : [];
  for (const f of list) {
    const part = f as Record<string, unknown> | null;
    if (part?.fieldname === 'task_plugin_file' && typeof part.path === 'string' && typeof part.originalname === 'string') {
      return { path: part.path, originalName: part.originalname };
    }
  }
  return undefined;
}

export function taskPluginHandlers({ taskPlugins }: { taskPlugins: TaskPluginService }) {
  return {
    dioptra_get_task_plugin_resource: async () => ({ status: 200, body: await taskPlugins.list() }),
    dioptra_post_task_plugin_resource: async ({ req, body }) => ({
      status: 200,
      body: await taskPlugins.upload({ name: body.task_plugin_name, collection: body.collection, file: archivePart(req) }),
    }),
    dioptra_get_task_plugin_builtins_collection_resource: async () => ({ status: 200, body: await taskPlugins.listCollection(BUILTINS) }),
    dioptra_get_task_plugin_builtin_collection_name_resource: async ({ params }) => ({ status: 200, body: await taskPlugins.get(BUILTINS, params.taskPluginName) }),
    dioptra_get_task_plugin_custom_collection_resource: async () => ({ status: 200, body: await taskPlugins.listCollection(CUSTOM) }),
    dioptra_get_task_plugin_custom_collection_name_resource: async ({ params }) => ({ status: 200, body: await taskPlugins.get(CUSTOM, params.taskPluginName) }),
    dioptra_delete_task_plugin_custom_collection_name_resource: async ({ params }) => ({ status: 200, body: await taskPlugins.remove(params.taskPluginName) }),
  } satisfies HandlerMap;
}
