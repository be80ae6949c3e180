// Restart support: changed inputs, missing user data, required existing files, and resource auto-tuning.
import type { HandlerMap } from '../http/handler.ts';
import { ChangeRepository } from './change-repository.ts';
import { ChangeService } from './change-service.ts';
import type { TorcDeps } from './deps.ts';
import { LifecycleService } from './lifecycle-service.ts';

export function changeHandlers(deps: TorcDeps): HandlerMap {
  const changes = new ChangeService(
    new ChangeRepository(deps.db, deps.provider),
    deps.workflows,
    new LifecycleService(deps.db, deps.provider, deps.workflows),
  );
  return {
    process_changed_job_inputs: async ({ params, query }) => ({ status: 200, body: await changes.processChangedJobInputs(params.key, query.dry_run) }),
    list_missing_user_data: async ({ params }) => ({ status: 200, body: await changes.missingUserData(params.key) }),
    list_required_existing_files: async ({ params }) => ({ status: 200, body: await changes.requiredExistingFiles(params.key) }),
    auto_tune_resource_requirements: async ({ params }) => ({ status: 200, body: await changes.autoTune(params.key) }),
    process_auto_tune_resource_requirements_results: async ({ params }) => ({ status: 200, body: await changes.processAutoTuneResults(params.key) }),
  };
}
