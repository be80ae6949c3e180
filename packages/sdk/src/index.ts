/**
 * The Pipeloom SDK: a typed client for the Torc, PLynx, Dioptra and Flow APIs that Pipeloom serves.
 * @module
 */
export { createPipeloomClient, type PipeloomClient, type PipeloomClientOptions } from './client.js';
export { ApiError, toApiError, unwrap } from './errors.js';
export type { components, operations, paths } from './generated/schema.js';
export { operationIndex, type OperationIndex, type HttpMethod } from './generated/operation-index.js';
export {
  WorkflowCommandError, type WorkflowCommandErrorCode,
  iterateItems, listAllItems, DEFAULT_PAGE_SIZE, type ListPage,
  createWorkflow, createWorkflowFromFile, parseWorkflowSpecification, readWorkflowSpecification,
  sanitizeWorkflowSpecification, SPECIFICATION_FORMATS,
  type CreateWorkflowOptions, type Workflow, type WorkflowSpecification, type RunStateOptions,
  startWorkflow, type StartWorkflowOptions, type StartWorkflowResult,
  restartWorkflow, type ChangedFile, type RestartWorkflowOptions, type RestartWorkflowResult,
  formatWorkflowProgress, getWorkflowProgress, JOB_STATUSES, watchWorkflowProgress,
  type JobCounts, type WatchWorkflowOptions, type WorkflowProgress,
  cancelWorkflow,
} from './workflow/index.js';
export { runWorker, type WorkerOptions, type WorkerSummary, type WorkerJobOutcome, type WorkerExitReason, type WorkerLog, type WorkerLogLevel } from './worker/worker.js';
export { runQueueWorker } from './worker/queue-worker.js';
export type { QueueWorkerOptions, QueueWorkerSummary, QueueWorkerJobOutcome } from './worker/types.js';
export { selectJobKind, type JobKind, type JobRunContext, type JobRunOutcome, type JobStopReason, type ClaimedJob } from './worker/job-kind.js';
export { shellCommandJobKind } from './worker/shell-job.js';
export { plynxNodeJobKind, parsePlynxNodeCommand, type PlynxNodeJobKindOptions } from './plynx-run/plynx-job-kind.js';
export {
  dioptraJobKind, parseDioptraJobCommand, type DioptraJobKindOptions,
  unpackWorkflowArchive, DEFAULT_WORKFLOW_ARCHIVE_LIMITS, type UnpackArchiveOptions, type ArchiveFormat,
  parseMlProject, parseEntryPointKwargs, resolveEntryPoint, findMlProject, EntryPointError,
  type MlProject, type MlProjectEntryPoint, type MlProjectParameter, type ResolveEntryPointOptions,
  runShellCommand, JobLog, type RunShellCommandOptions, type ShellCommandEnd,
} from './dioptra-run/index.js';
export { systemClock, ManualClock, type Clock, type TimerHandle } from './worker/clock.js';
export { withRetry, isTransient, isNetworkError, type RetryPolicy } from './worker/retry.js';
export type { ProcessStats } from './worker/process-runner.js';
export { detectResources, parseDurationSeconds, formatDuration, type WorkerResources } from './worker/resources.js';
export { splitCommand, commandEnvironment, type CommandScope } from './worker/command-line.js';
