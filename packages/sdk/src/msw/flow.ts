// The Flow Pipeline API in memory: pipelines created, listed, renamed and deleted by their manager.
import { conflict, notFound } from './errors.js';
import type { StatefulContext, StatefulHandlers } from './stateful.js';
import type { StoredDocument } from './store.js';

/** The creator manages a pipeline and holds every permission on it. */
const MANAGER_PERMISSIONS = ['flow_pipeline:read', 'flow_pipeline:execute', 'flow_pipeline:delete', 'flow_pipeline:manage_pipelines', 'flow_pipeline:write'];

function pipeline({ store, params }: StatefulContext): StoredDocument {
  const found = store.flow.pipelines[params.pipeline_id!];
  if (!found) throw notFound(`pipeline ${params.pipeline_id}`);
  return found;
}

function uniqueName({ store }: StatefulContext, name: string) {
  if (Object.values(store.flow.pipelines).some((p) => p.name === name)) throw conflict(`a pipeline named ${name} already exists`, 'ALREADY_EXISTS');
}

/** Ids look like UUIDs (the contract says `format: uuid`) but come from a counter, so seeds reproduce them. */
const pipelineId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export function flowHandlers(): StatefulHandlers {
  return {
    flow_list_pipelines: ({ store }) => ({ body: { status: 'OK', pipelines: Object.values(store.flow.pipelines) } }),
    flow_create_pipeline: (c) => {
      uniqueName(c, c.body.name);
      const id = pipelineId(c.store.flow.nextId++);
      const created = { name: c.body.name, id, permissions: MANAGER_PERMISSIONS, is_manager: true };
      c.store.flow.pipelines[id] = created;
      return { body: { status: 'OK', pipeline: created } };
    },
    flow_rename_pipeline: (c) => {
      const found = pipeline(c);
      if (found.name !== c.body.name) uniqueName(c, c.body.name);
      found.name = c.body.name;
      return { body: { status: 'OK', pipeline: found } };
    },
    flow_delete_pipeline: (c) => {
      const found = pipeline(c);
      delete c.store.flow.pipelines[found.id as string];
      return { body: { status: 'OK', deleted_pipeline_id: found.id } };
    },
  };
}
