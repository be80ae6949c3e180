/**
 * Workflow commands as library functions: create a workflow from a specification file, start, restart,
 * watch and cancel it, as Torc's client does. `pipeloom workflow ...` is a thin layer over these.
 * @module
 */
export { WorkflowCommandError, type WorkflowCommandErrorCode } from './errors.js';
export { iterateItems, listAllItems, DEFAULT_PAGE_SIZE, type ListPage } from './paging.js';
export {
  createWorkflow, createWorkflowFromFile, parseWorkflowSpecification, readWorkflowSpecification, sanitizeWorkflowSpecification,
  SPECIFICATION_FORMATS, type CreateWorkflowOptions, type Workflow, type WorkflowSpecification,
} from './specification.js';
export type { RunStateOptions } from './steps.js';
export { startWorkflow, type StartWorkflowOptions, type StartWorkflowResult } from './start.js';
export { restartWorkflow, type ChangedFile, type RestartWorkflowOptions, type RestartWorkflowResult } from './restart.js';
export {
  formatWorkflowProgress, getWorkflowProgress, JOB_STATUSES, watchWorkflowProgress,
  type JobCounts, type WatchWorkflowOptions, type WorkflowProgress,
} from './status.js';
export { cancelWorkflow } from './cancel.js';
