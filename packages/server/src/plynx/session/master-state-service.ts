// `GET /master_state`: PLynx's snapshot of its master and workers. Pipeloom has no separate master process;
// this server is it, so the snapshot keeps one id for as long as the server runs, its insertion date is
// when it was first asked for, and its update date is the moment of the request. Workers register with execution, which is not built yet, so
// the list is empty until then.
import type { Clock } from '../../clock.ts';
import { formatPlynxDate } from '../model/dates.ts';
import { newObjectId } from '../model/object-id.ts';
import type { components } from '@pipeloom/sdk/generated';

export type MasterState = components['schemas']['PlynxMasterState'];
export type WorkerState = components['schemas']['PlynxWorkerState'];

/** The master's state as seen now. `listWorkers` reports the registered workers (none by default). */
export function masterStateService(clock: Clock, listWorkers: () => Promise<WorkerState[]> = async () => []) {
  const id = newObjectId();
  // Read on first use rather than here: services are also built without a usable clock, to list operations.
  let insertionDate: string | undefined;
  return {
    async current(): Promise<MasterState> {
      const now = formatPlynxDate(new Date(clock.now()));
      insertionDate ??= now;
      return { _id: id, workers: await listWorkers(), insertion_date: insertionDate, update_date: now };
    },
  };
}

export type MasterStateService = ReturnType<typeof masterStateService>;
