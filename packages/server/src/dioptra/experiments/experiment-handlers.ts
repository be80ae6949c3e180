// Dioptra's experiment endpoints: read the validated request, call the service, reply in upstream's shape.
import type { HandlerMap } from '../../http/handler.ts';
import { isoDate, type NamedRecord } from '../records.ts';
import type { ExperimentService } from './experiment-service.ts';

const toExperiment = (e: NamedRecord) => ({ experimentId: e.id, createdOn: isoDate(e.createdOn), lastModified: isoDate(e.lastModified), name: e.name });

export function experimentHandlers({ experiments }: { experiments: ExperimentService }) {
  return {
    dioptra_get_experiment_resource: async ({ identity }) => ({ status: 200, body: (await experiments.list(identity)).map(toExperiment) }),
    dioptra_post_experiment_resource: async ({ body, identity }) => ({ status: 200, body: toExperiment(await experiments.register(body.name, identity)) }),
    dioptra_get_experiment_id_resource: async ({ params, identity }) => ({ status: 200, body: toExperiment(await experiments.getById(params.experimentId, identity)) }),
    dioptra_put_experiment_id_resource: async ({ params, body, identity }) => ({ status: 200, body: toExperiment(await experiments.renameById(params.experimentId, body.name, identity)) }),
    dioptra_delete_experiment_id_resource: async ({ params, identity }) => ({ status: 200, body: await experiments.deleteById(params.experimentId, identity) }),
    dioptra_get_experiment_name_resource: async ({ params, identity }) => ({ status: 200, body: toExperiment(await experiments.getByName(params.experimentName, identity)) }),
    dioptra_put_experiment_name_resource: async ({ params, body, identity }) => ({ status: 200, body: toExperiment(await experiments.renameByName(params.experimentName, body.name, identity)) }),
    dioptra_delete_experiment_name_resource: async ({ params, identity }) => ({ status: 200, body: await experiments.deleteByName(params.experimentName, identity) }),
  } satisfies HandlerMap;
}
