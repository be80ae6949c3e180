/**
 * The Node-only part of the Pipeloom SDK: the worker and its job kinds, workflow helpers that read
 * specification files or run the startup script, and process helpers. It re-exports the browser-safe root
 * (`@pipeloom/sdk`), so a Node program needs only this entry.
 *
 * @example
 * ```ts
 * import { createPipeloomClient, createWorkflowFromFile, startWorkflow } from '@pipeloom/sdk/node';
 *
 * const client = createPipeloomClient({ baseUrl: 'http://localhost:8080' });
 * const workflow = await createWorkflowFromFile(client, 'workflow.json5');
 * await startWorkflow(client, workflow._key!);
 * ```
 * @module
 */
export * from './index.js';
export { readWorkflowSpecification, createWorkflowFromFile } from './workflow/specification-file.js';
export type { RunStateOptions } from './workflow/steps.js';
export { startWorkflow, type StartWorkflowOptions, type StartWorkflowResult } from './workflow/start.js';
export { restartWorkflow, type ChangedFile, type RestartWorkflowOptions, type RestartWorkflowResult } from './workflow/restart.js';
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
