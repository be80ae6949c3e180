import type { PipeloomClient } from '../client.js';
import { unwrap } from '../errors.js';
import { mapConcurrent } from './paging.js';
import {
  addWorkflowEvent, bumpRunId, listFiles, mtimeChanged, putModificationTime, refuseRunningJobs, writableWorkflow, type RunStateOptions,
} from './steps.js';
import { checkInputs, modificationTime, runStartupScript } from './local-steps.js';

/** Options of {@link startWorkflow}. */
export type StartWorkflowOptions = RunStateOptions;

/** What {@link startWorkflow} did. */
export interface StartWorkflowResult {
  /** Key of the workflow. */
  key: string;
  /** The run the workflow is now in (the previous run_id + 1). */
  run_id: number;
  /** Files whose modification time was recorded because it changed (names, or keys when unnamed). */
  updated_files: string[];
}

/**
 * Starts a workflow from scratch, doing what Torc's `torc workflows start` does (spec-and-worker.md §B):
 * refuses an archived workflow or one with running jobs; checks that consumed user data is filled in and
 * that input files no job produces exist here; runs the `workflow_startup_script`; records the
 * modification time of every file that exists; resets the workflow's status and every job; bumps run_id;
 * initializes the jobs (each becomes `ready` or `blocked`) and adds a `workflow`/`start` event.
 * Workers can then run the jobs.
 *
 * Every check comes before the first write, so a refused start changes nothing on the server.
 *
 * @throws {@link WorkflowCommandError} when the workflow cannot start (see its `code`), {@link ApiError}
 *   when the server refuses a call.
 * @example
 * ```ts
 * import { createPipeloomClient, createWorkflowFromFile, startWorkflow } from '@pipeloom/sdk/node';
 *
 * const client = createPipeloomClient({ baseUrl: 'http://localhost:8080' });
 * const workflow = await createWorkflowFromFile(client, 'workflow.json5');
 * const { run_id } = await startWorkflow(client, workflow._key!, { cwd: '/data/project' });
 * ```
 */
export async function startWorkflow(client: PipeloomClient, key: string, options: StartWorkflowOptions = {}): Promise<StartWorkflowResult> {
  const cwd = options.cwd ?? process.cwd();
  const log = options.log ?? (() => {});
  await writableWorkflow(client, key);
  if (!options.force) await refuseRunningJobs(client, key);
  if (!options.ignoreMissingData) await checkInputs(client, key, cwd);
  if (!options.skipStartupScript) await runStartupScript(client, key, cwd, log);

  const files = await listFiles(client, key, options.pageSize);
  const updated = await mapConcurrent(files, options.concurrency ?? 8, async (file) => {
    const mtime = await modificationTime(file.path, cwd);
    if (mtime === null || !mtimeChanged(file.st_mtime, mtime)) return undefined;
    await putModificationTime(client, key, file, mtime);
    return file.name ?? file._key!;
  });
  const updatedFiles = updated.filter((f): f is string => f !== undefined);
  if (updatedFiles.length > 0) log(`Recorded the modification time of ${updatedFiles.length} file(s)`);

  const path = { key };
  await unwrap(client.POST('/torc-service/workflows/{key}/reset_status', { params: { path }, body: {} }));
  await unwrap(client.POST('/torc-service/workflows/{key}/reset_job_status', { params: { path }, body: {} }));
  const runId = await bumpRunId(client, key);
  await unwrap(client.POST('/torc-service/workflows/{key}/initialize_jobs', { params: { path }, body: {} }));
  await addWorkflowEvent(client, key, 'start', runId, `Started workflow ${key} (run ${runId})`);
  return { key, run_id: runId, updated_files: updatedFiles };
}
