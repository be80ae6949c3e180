// The generic collections' endpoints: six operations per collection (list, add, delete all, get, modify,
// remove), all served by the one DocumentService. Each operation is listed by its operationId, so its
// reply is checked against the contract at compile time.
import type { HandlerMap } from '../http/handler.ts';
import type { DocumentCollection } from './collections.ts';
import type { DocumentService } from './document-service.ts';
import type { CollectionDocs, Doc } from './wire.ts';

type InWorkflow = { params: { workflow: string } };
type OneDocument = { params: { workflow: string; key: string } };

/** The six handlers of one collection, typed by its contract document. */
function crud<C extends DocumentCollection>(documents: DocumentService, collection: C) {
  return {
    list: async ({ params, query }: InWorkflow & { query: Doc }) => ({ status: 200 as const, body: await documents.list(collection, params.workflow, query) }),
    add: async ({ params, body }: InWorkflow & { body: CollectionDocs[C] }) => ({ status: 200 as const, body: await documents.create(collection, params.workflow, body) }),
    deleteAll: async ({ params }: InWorkflow) => ({ status: 200 as const, body: await documents.removeAll(collection, params.workflow) }),
    get: async ({ params }: OneDocument) => ({ status: 200 as const, body: await documents.get(collection, params.workflow, params.key) }),
    modify: async ({ params, body }: OneDocument & { body: CollectionDocs[C] }) =>
      ({ status: 200 as const, body: await documents.update(collection, params.workflow, params.key, body) }),
    remove: async ({ params }: OneDocument) => ({ status: 200 as const, body: await documents.remove(collection, params.workflow, params.key) }),
  };
}

export function collectionHandlers(documents: DocumentService) {
  const files = crud(documents, 'files');
  const userData = crud(documents, 'user_data');
  const rrs = crud(documents, 'resource_requirements');
  const results = crud(documents, 'results');
  const events = crud(documents, 'events');
  const nodes = crud(documents, 'compute_nodes');
  const nodeStats = crud(documents, 'compute_node_stats');
  const processStats = crud(documents, 'job_process_stats');
  const aws = crud(documents, 'aws_schedulers');
  const local = crud(documents, 'local_schedulers');
  const slurm = crud(documents, 'slurm_schedulers');
  const scheduled = crud(documents, 'scheduled_compute_nodes');
  return {
    list_files: files.list, add_file: files.add, delete_files: files.deleteAll,
    get_file: files.get, modify_file: files.modify, remove_file: files.remove,

    list_user_data: userData.list, add_user_data: userData.add, delete_user_data: userData.deleteAll,
    get_user_data: userData.get, modify_user_data: userData.modify, remove_user_data: userData.remove,

    list_resource_requirements: rrs.list, add_resource_requirements: rrs.add, delete_resource_requirements: rrs.deleteAll,
    get_resource_requirements: rrs.get, modify_resource_requirements: rrs.modify, remove_resource_requirements: rrs.remove,

    list_results: results.list, add_result: results.add, delete_results: results.deleteAll,
    get_result: results.get, modify_result: results.modify, remove_result: results.remove,

    list_events: events.list, add_event: events.add, delete_events: events.deleteAll,
    get_event: events.get, modify_event: events.modify, remove_event: events.remove,

    list_compute_nodes: nodes.list, add_compute_node: nodes.add, delete_compute_nodes: nodes.deleteAll,
    get_compute_node: nodes.get, modify_compute_node: nodes.modify, remove_compute_node: nodes.remove,

    list_compute_node_stats: nodeStats.list, add_compute_node_stats: nodeStats.add, delete_compute_node_stats: nodeStats.deleteAll,
    get_compute_node_stats: nodeStats.get, modify_compute_node_stats: nodeStats.modify, remove_compute_node_stats: nodeStats.remove,

    list_job_process_stats: processStats.list, add_job_process_stats: processStats.add, delete_job_process_stats: processStats.deleteAll,
    get_job_process_stats: processStats.get, modify_job_process_stats: processStats.modify, remove_job_process_stats: processStats.remove,

    list_aws_schedulers: aws.list, add_aws_scheduler: aws.add, delete_aws_schedulers: aws.deleteAll,
    get_aws_scheduler: aws.get, modify_aws_scheduler: aws.modify, remove_aws_scheduler: aws.remove,

    list_local_schedulers: local.list, add_local_scheduler: local.add, delete_local_schedulers: local.deleteAll,
    get_local_scheduler: local.get, modify_local_scheduler: local.modify, remove_local_scheduler: local.remove,

    list_slurm_schedulers: slurm.list, add_slurm_scheduler: slurm.add, delete_slurm_schedulers: slurm.deleteAll,
    get_slurm_scheduler: slurm.get, modify_slurm_scheduler: slurm.modify, remove_slurm_scheduler: slurm.remove,

    list_scheduled_compute_nodes: scheduled.list, add_scheduled_compute_node: scheduled.add, delete_scheduled_compute_nodes: scheduled.deleteAll,
    get_scheduled_compute_node: scheduled.get, modify_scheduled_compute_node: scheduled.modify, remove_scheduled_compute_node: scheduled.remove,
  } satisfies HandlerMap;
}
