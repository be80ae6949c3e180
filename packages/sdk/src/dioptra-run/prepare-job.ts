// Everything between `start` and the entry point's process, as Dioptra's run-mlflow-job.sh does it: the
// task plugins unpacked where `import dioptra_custom.<package>` finds them, the workflow archive unpacked,
// its MLproject found and the entry point's command built.
import fs from 'node:fs';
import path from 'node:path';
import type { ArchiveLimits } from '../plynx-run/zip-archive.js';
import type { RetryPolicy } from '../worker/retry.js';
import { findMlProject } from './find-mlproject.js';
import { parseEntryPointKwargs, parseMlProject, resolveEntryPoint } from './mlproject.js';
import type { DioptraJobServer, DioptraJobStart } from './server-io.js';
import { EntryPointError } from './shell-words.js';
import { unpackWorkflowArchive } from './workflow-archive.js';

/** The collections of the task plugins tarball: each becomes an importable Python package. */
const PLUGIN_COLLECTIONS = ['dioptra_builtins', 'dioptra_custom'];

/** What the entry point's process needs. */
export interface PreparedJob {
  command: string;
  /** The folder of the MLproject file: the command runs there. */
  projectDir: string;
  /** The folder on PYTHONPATH holding `dioptra_builtins` and `dioptra_custom`. */
  pluginsDir: string;
}

export interface PrepareJobOptions {
  server: DioptraJobServer;
  started: DioptraJobStart;
  workDir: string;
  limits?: ArchiveLimits;
  python?: string;
  policy: (what: string) => RetryPolicy;
}

/**
 * Empty `__init__.py` files for the collections and their packages, where the tarball brings none, so
 * that they are regular packages whatever the Python version and a stray folder elsewhere on the
 * path cannot shadow them as a namespace package.
 */
async function makePackages(pluginsDir: string): Promise<void> {
  for (const collection of PLUGIN_COLLECTIONS) {
    const dir = path.join(pluginsDir, collection);
    await fs.promises.mkdir(dir, { recursive: true });
    const packages = (await fs.promises.readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory());
    for (const folder of [dir, ...packages.map((entry) => path.join(dir, entry.name))]) {
      // `wx`: an __init__.py the plugin brings is kept.
      await fs.promises.writeFile(path.join(folder, '__init__.py'), '', { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    }
  }
}

/** Downloads and unpacks what the job needs in `workDir`; throws with a message for the job's log. */
export async function prepareJob(options: PrepareJobOptions): Promise<PreparedJob> {
  const { server, started, workDir, limits } = options;
  const pluginsArchive = path.join(workDir, 'task-plugins.tar.gz');
  const pluginsDir = path.join(workDir, 'plugins');
  await server.downloadTaskPlugins(pluginsArchive, options.policy('downloading the task plugins'));
  // An empty answer means no plugins at all.
  if ((await fs.promises.stat(pluginsArchive)).size === 0) await fs.promises.mkdir(pluginsDir);
  else {
    await unpackWorkflowArchive(pluginsArchive, pluginsDir, { name: 'task-plugins.tar.gz', limits }).catch((error: unknown) => {
      throw new Error(`the task plugins could not be unpacked: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
  await makePackages(pluginsDir);

  const workflowArchive = path.join(workDir, 'workflow-archive');
  const workflowDir = path.join(workDir, 'workflow');
  await server.downloadWorkflow(workflowArchive, options.policy('downloading the workflow archive'));
  await unpackWorkflowArchive(workflowArchive, workflowDir, { name: started.workflowFileName, limits }).catch((error: unknown) => {
    throw new Error(`the workflow archive ${JSON.stringify(started.workflowFileName)} could not be unpacked: ${error instanceof Error ? error.message : String(error)}`);
  });
  const mlproject = await findMlProject(workflowDir);
  if (!mlproject) throw new EntryPointError(`the workflow archive ${JSON.stringify(started.workflowFileName)} holds no MLproject file`);
  const projectDir = path.dirname(mlproject);
  const project = parseMlProject(await fs.promises.readFile(mlproject, 'utf8'));
  const given = parseEntryPointKwargs(started.job.entryPointKwargs);
  const command = resolveEntryPoint(project, started.job.entryPoint, given, { projectDir, ...(options.python ? { python: options.python } : {}) });
  return { command, projectDir, pluginsDir };
}
