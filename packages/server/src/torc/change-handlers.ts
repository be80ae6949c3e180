// Restart support: changed inputs, missing user data, required existing files, and resource auto-tuning.
import type { HandlerMap } from '../http/handler.ts';
import type { ChangeService } from './change-service.ts';

export function changeHandlers(changes: ChangeService): HandlerMap {
  return {
    process_changed_job_inputs: async ({ params, query }) => ({ status: 200, body: await changes.processChangedJobInputs(params.key, query.dry_run) }),
    list_missing_user_data: async ({ params }) => ({ status: 200, body: await changes.missingUserData(params.key) }),
    list_required_existing_files: async ({ params }) => ({ status: 200, body: await changes.requiredExistingFiles(params.key) }),
    auto_tune_resource_requirements: async ({ params }) => ({ status: 200, body: await changes.autoTune(params.key) }),
    process_auto_tune_resource_requirements_results: async ({ params }) => ({ status: 200, body: await changes.processAutoTuneResults(params.key) }),
  };
}
