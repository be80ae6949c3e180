/** Why a workflow command refused to go on; see {@link WorkflowCommandError}. */
export type WorkflowCommandErrorCode =
  | 'UNSUPPORTED_SPECIFICATION_FORMAT'
  | 'INVALID_SPECIFICATION'
  | 'WORKFLOW_ARCHIVED'
  | 'JOBS_RUNNING'
  | 'MISSING_USER_DATA'
  | 'MISSING_INPUT_FILES'
  | 'STARTUP_SCRIPT_FAILED'
  | 'TIMEOUT';

/**
 * Thrown by the workflow functions (`startWorkflow`, `restartWorkflow`, ...) when the workflow cannot be
 * acted on as asked: it is archived, inputs are missing, the startup script failed. Errors the server
 * answers with are {@link ApiError}s instead.
 *
 * @example
 * ```ts
 * import { startWorkflow, WorkflowCommandError } from '@pipeloom/sdk/node';
 *
 * try {
 *   await startWorkflow(client, '42');
 * } catch (e) {
 *   if (e instanceof WorkflowCommandError && e.code === 'MISSING_INPUT_FILES') console.error(e.details);
 *   else throw e;
 * }
 * ```
 */
export class WorkflowCommandError extends Error {
  /** A stable code for the reason. */
  readonly code: WorkflowCommandErrorCode;
  /** What was missing or wrong, in a form a program can use (for example the missing files). */
  readonly details: unknown;

  constructor(code: WorkflowCommandErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'WorkflowCommandError';
    this.code = code;
    this.details = details;
  }
}
