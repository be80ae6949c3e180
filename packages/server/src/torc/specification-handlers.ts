// Workflow and job specifications: whole workflows written by name (spec-and-worker.md §A).
import type { HandlerMap } from '../http/handler.ts';
import type { SpecificationService } from './specification-service.ts';

export function specificationHandlers(specs: SpecificationService) {
  return {
    add_workflow_specification: async ({ body, identity }) => ({ status: 200, body: await specs.create(body, identity.user) }),
    get_workflow_specification_example: () => ({ status: 200, body: specs.example() }),
    get_workflow_specification_template: () => ({ status: 200, body: specs.template() }),
    get_workflow_specification: async ({ params }) => ({ status: 200, body: await specs.get(params.key) }),
    list_job_specifications: async ({ params, query }) => ({ status: 200, body: await specs.listJobs(params.workflow, query) }),
    get_job_specification: async ({ params }) => ({ status: 200, body: await specs.getJob(params.workflow, params.key) }),
  } satisfies HandlerMap;
}
