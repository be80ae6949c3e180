import type { PipeloomClient } from '../client.js';
import { unwrap } from '../errors.js';
import { addWorkflowEvent } from './steps.js';

/**
 * Cancels a workflow (`PUT /workflows/{key}/cancel`): the server marks it canceled and sets its running
 * jobs to `canceled`; workers notice, stop their processes and leave. `ready` and `blocked` jobs keep
 * their status, so `start` (or `restart`) runs the workflow again later. A `workflow`/`cancel` event is
 * added, as Torc's client does.
 *
 * @example
 * ```ts
 * import { cancelWorkflow, createPipeloomClient } from '@pipeloom/sdk';
 *
 * await cancelWorkflow(createPipeloomClient({ baseUrl: 'http://localhost:8080' }), '42');
 * ```
 */
export async function cancelWorkflow(client: PipeloomClient, key: string): Promise<{ message: string }> {
  const result = await unwrap(client.PUT('/torc-service/workflows/{key}/cancel', { params: { path: { key } }, body: {} }));
  await addWorkflowEvent(client, key, 'cancel', undefined, `Canceled workflow ${key}`);
  return result;
}
