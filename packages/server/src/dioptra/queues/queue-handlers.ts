// Dioptra's queue endpoints: read the validated request, call the service, reply in upstream's shape.
import type { HandlerMap } from '../../http/handler.ts';
import { isoDate, type NamedRecord } from '../records.ts';
import type { QueueService } from './queue-service.ts';

const toQueue = (q: NamedRecord) => ({ queueId: q.id, createdOn: isoDate(q.createdOn), lastModified: isoDate(q.lastModified), name: q.name });

export function queueHandlers({ queues }: { queues: QueueService }) {
  return {
    dioptra_get_queue_resource: async () => ({ status: 200, body: (await queues.list()).map(toQueue) }),
    dioptra_post_queue_resource: async ({ body, identity }) => ({ status: 200, body: toQueue(await queues.register(body.name, identity)) }),
    dioptra_get_queue_id_resource: async ({ params, identity }) => ({ status: 200, body: toQueue(await queues.getById(params.queueId, identity)) }),
    dioptra_put_queue_id_resource: async ({ params, body, identity }) => ({ status: 200, body: toQueue(await queues.renameById(params.queueId, body.name, identity)) }),
    dioptra_delete_queue_id_resource: async ({ params, identity }) => ({ status: 200, body: await queues.deleteById(params.queueId, identity) }),
    dioptra_put_queue_id_lock_resource: async ({ params, identity }) => ({ status: 200, body: await queues.setLockById(params.queueId, true, identity) }),
    dioptra_delete_queue_id_lock_resource: async ({ params, identity }) => ({ status: 200, body: await queues.setLockById(params.queueId, false, identity) }),
    dioptra_get_queue_name_resource: async ({ params, identity }) => ({ status: 200, body: toQueue(await queues.getByName(params.queueName, identity)) }),
    dioptra_put_queue_name_resource: async ({ params, body, identity }) => ({ status: 200, body: toQueue(await queues.renameByName(params.queueName, body.name, identity)) }),
    dioptra_delete_queue_name_resource: async ({ params, identity }) => ({ status: 200, body: await queues.deleteByName(params.queueName, identity) }),
    dioptra_put_queue_name_lock_resource: async ({ params, identity }) => ({ status: 200, body: await queues.setLockByName(params.queueName, true, identity) }),
    dioptra_delete_queue_name_lock_resource: async ({ params, identity }) => ({ status: 200, body: await queues.setLockByName(params.queueName, false, identity) }),
  } satisfies HandlerMap;
}
