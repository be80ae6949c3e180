/**
 * Running Dioptra jobs on a Pipeloom worker: the `dioptra-job <jobId>` job kind, safe unpacking of
 * workflow archives, and MLproject entry point resolution as `mlflow run` does it.
 * @example
 * ```ts
 * import { createPipeloomClient, dioptraJobKind, plynxNodeJobKind, runQueueWorker } from '@pipeloom/sdk/node';
 *
 * const client = createPipeloomClient({ baseUrl: 'http://localhost:8080', token: process.env.PIPELOOM_TOKEN });
 * await runQueueWorker({ client, queues: ['tensorflow_cpu'], jobKinds: [dioptraJobKind({ client }), plynxNodeJobKind({ client })] });
 * ```
 * @module
 */
export { dioptraJobKind, parseDioptraJobCommand, type DioptraJobKindOptions } from './dioptra-job-kind.js';
export { detectArchiveFormat, formatFromMagic, formatFromName, type ArchiveFormat } from './archive-format.js';
export { DEFAULT_WORKFLOW_ARCHIVE_LIMITS, unpackWorkflowArchive, type UnpackArchiveOptions } from './workflow-archive.js';
export { findMlProject } from './find-mlproject.js';
export {
  parseEntryPointKwargs, parseMlProject, resolveEntryPoint,
  type MlProject, type MlProjectEntryPoint, type MlProjectParameter, type ResolveEntryPointOptions,
} from './mlproject.js';
export { EntryPointError, shellWords, shlexQuote } from './shell-words.js';
export { JobLog, WORKER_LINE_PREFIX } from './job-log.js';
export { runShellCommand, type RunShellCommandOptions, type ShellCommandEnd } from './run-command.js';
