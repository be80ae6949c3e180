/**
 * Workflow commands as library functions that only call the API (browser-safe): create a workflow from a
 * specification object, list page by page, watch and cancel it, as Torc's client does. Reading
 * specification files, `start` and `restart` (which look at local files and run the startup script) are
 * Node only: see `@pipeloom/sdk/node`. `pipeloom workflow ...` is a thin layer over both.
 * @module
 */
export { WorkflowCommandError, type WorkflowCommandErrorCode } from './errors.js';
export { iterateItems, listAllItems, DEFAULT_PAGE_SIZE, type ListPage } from './paging.js';
export {
  createWorkflow, parseWorkflowSpecification, sanitizeWorkflowSpecification,
  SPECIFICATION_FORMATS, type CreateWorkflowOptions, type Workflow, type WorkflowSpecification,
} from './specification.js';
export {
  formatWorkflowProgress, getWorkflowProgress, JOB_STATUSES, watchWorkflowProgress,
  type JobCounts, type WatchWorkflowOptions, type WorkflowProgress,
} from './status.js';
export { cancelWorkflow } from './cancel.js';
