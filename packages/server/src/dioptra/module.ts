// The Dioptra family as the server sees it: its paths, its `{message}` error body and its composition root.
// Experiments, queues, task plugins and jobs are implemented; jobs run on the shared job lifecycle engine,
// and the execution extensions under /api/job/{jobId}/ are what `pipeloom worker` calls to run them.
import path from 'node:path';
import { readChoice, readInteger } from '../env.ts';
import type { AppError } from '../errors.ts';
import { defineFamily } from '../family/module.ts';
import { createDioptraHandlers, createDioptraServices } from './composition.ts';
import { FORM_ERROR_MESSAGES } from './errors.ts';
import { isDioptraContentKey } from './jobs/content-keys.ts';
import { jobRepository } from './jobs/job-repository.ts';
import { SHARING_MODES, type Sharing } from './visibility.ts';

export interface DioptraConfig {
  /** Folder of builtin task plugin packages (PIPELOOM_DIOPTRA_BUILTINS_DIR); none: the builtin collection is empty. */
  builtinsDir: string | undefined;
  /** Largest job or task plugin archive accepted, in bytes (PIPELOOM_DIOPTRA_UPLOAD_MAX_MB, 256 MB by default). */
  uploadMaxBytes: number;
  /** Who reads a user's experiments and jobs (PIPELOOM_DIOPTRA_SHARING): every user (`testbed`) or only they (`private`). */
  sharing: Sharing;
}

/**
 * Upstream answers any invalid registration form with one generic sentence and no detail. The contract
 * validator rejects such forms before a handler runs, so its failure is reworded here by the form's path.
 */
function renderDioptraError(e: AppError) {
  const path = (e.cause as { path?: unknown } | undefined)?.path;
  const formMessage = e.code === 'VALIDATION_FAILED' && typeof path === 'string' ? FORM_ERROR_MESSAGES[path] : undefined;
  return { message: formMessage ?? e.message, code: e.code };
}

export const dioptraModule = defineFamily({
  name: 'dioptra',
  prefixes: ['/api/experiment', '/api/job', '/api/queue', '/api/taskPlugin'],
  publicPaths: [],
  renderError: renderDioptraError,
  readConfig: (env): DioptraConfig => {
    const builtins = env.PIPELOOM_DIOPTRA_BUILTINS_DIR?.trim();
    return {
      builtinsDir: builtins ? path.resolve(env.INIT_CWD || process.cwd(), builtins) : undefined,
      uploadMaxBytes: readInteger(env, 'PIPELOOM_DIOPTRA_UPLOAD_MAX_MB', 256, { min: 1, unit: 'a whole number of megabytes' }) * 1024 * 1024,
      sharing: readChoice(env, 'PIPELOOM_DIOPTRA_SHARING', SHARING_MODES, 'testbed'),
    };
  },
  maxUploadBytes: (config) => config.uploadMaxBytes,
  createServices: createDioptraServices,
  createHandlers: createDioptraHandlers,
  contentReferences: (database) => ({
    owns: isDioptraContentKey,
    referenced: (keys) => jobRepository(database.db).referencedContent(keys),
  }),
});
