// The steps of `start` and `restart` that look at this machine: input files on disk and the workflow's
// startup script. Node only; the API-only steps are in steps.ts.
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { PipeloomClient } from '../client.js';
import { unwrap } from '../errors.js';
import { commandEnvironment, splitCommand } from '../worker/command-line.js';
import { WorkflowCommandError } from './errors.js';
import type { FileDoc } from './steps.js';

/** Seconds since the epoch at which `file` last changed, or null when it does not exist. */
export async function modificationTime(file: string, cwd: string): Promise<number | null> {
  try {
    return (await stat(path.resolve(cwd, file))).mtimeMs / 1000;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw e;
  }
}

/**
 * Fails when the workflow cannot run: user data it consumes is empty (GET missing_user_data), or input
 * files no job produces are absent here (GET required_existing_files, then a stat of each path).
 */
export async function checkInputs(client: PipeloomClient, key: string, cwd: string): Promise<void> {
  const [missingData, required] = await Promise.all([
    unwrap(client.GET('/torc-service/workflows/{key}/missing_user_data', { params: { path: { key } } })),
    unwrap(client.GET('/torc-service/workflows/{key}/required_existing_files', { params: { path: { key } } })),
  ]);
  const dataKeys = [...new Set(missingData.user_data)];
  if (dataKeys.length > 0) {
    const names = await Promise.all(dataKeys.map(async (k) => {
      const doc = await unwrap(client.GET('/torc-service/workflows/{workflow}/user_data/{key}', { params: { path: { workflow: key, key: k } } }));
      return { key: k, name: doc.name };
    }));
    throw new WorkflowCommandError('MISSING_USER_DATA',
      `workflow ${key} cannot run: jobs consume user data that is still empty: ${names.map((d) => `${d.name ?? '(no name)'} (key ${d.key})`).join(', ')}`, names);
  }
  const fileKeys = [...new Set(required.files)].map((id) => id.slice(id.lastIndexOf('/') + 1));
  const files = await Promise.all(fileKeys.map((k) => unwrap(client.GET('/torc-service/workflows/{workflow}/files/{key}', { params: { path: { workflow: key, key: k } } }))));
  const missing: FileDoc[] = [];
  for (const file of files) if ((await modificationTime(file.path, cwd)) === null) missing.push(file);
  if (missing.length > 0) {
    throw new WorkflowCommandError('MISSING_INPUT_FILES',
      `workflow ${key} cannot run: ${missing.length} required input file(s) do not exist (paths are relative to ${cwd}): ${missing.map((f) => `${f.name ?? f._key} (${f.path})`).join(', ')}`,
      missing.map((f) => ({ key: f._key, name: f.name, path: f.path })));
  }
}

/**
 * Runs the workflow's startup script, if it has one, by the same rule as a job's command (see
 * `splitCommand`): split as `shlex.split` would, with nothing expanded, then run without a shell in `cwd`
 * with TORC_WORKFLOW_KEY and PIPELOOM_WORKFLOW_KEY set. Its output goes to stderr. Fails when it exits
 * non-zero or cannot be started.
 */
export async function runStartupScript(client: PipeloomClient, key: string, cwd: string, log: (m: string) => void): Promise<void> {
  const config = await unwrap(client.GET('/torc-service/workflows/{key}/config', { params: { path: { key } } }));
  const script = config.workflow_startup_script;
  if (!script?.trim()) return;
  const argv = splitCommand(script, undefined, (op) => log(`The workflow startup script runs without a shell, so "${op}" is passed to the program as an argument`));
  log(`Running the workflow startup script: ${script}`);
  const code = await new Promise<number | string>((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env: commandEnvironment({ workflowKey: key }), stdio: ['ignore', 2, 2] });
    child.on('error', (e) => resolve(e.message));
    child.on('exit', (c, signal) => resolve(c ?? `killed by ${signal}`));
  });
  if (code !== 0) {
    throw new WorkflowCommandError('STARTUP_SCRIPT_FAILED', `the workflow startup script failed (${typeof code === 'number' ? `exit code ${code}` : code}): ${script}`, { script, code });
  }
}

