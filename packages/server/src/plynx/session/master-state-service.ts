// `GET /master_state`: PLynx's snapshot of its master and workers. Pipeloom has no separate master process;
// this server is it, so the snapshot keeps one id for as long as the server runs, its insertion date is
// when it was first asked for, and its update date is the moment of the request. The snapshot is made on
// request, so it is always fresh; jobs finished are counted since the previous snapshot, as upstream does.
import type { Clock } from '../../clock.ts';
import { formatPlynxDate } from '../model/dates.ts';
import { newObjectId } from '../model/object-id.ts';
import type { components } from '@pipeloom/sdk/generated';

export type MasterState = components['schemas']['PlynxMasterState'];
export type WorkerState = components['schemas']['PlynxWorkerState'];

/** Lists the workers, with the jobs each finished since `since`. */
export type WorkerLister = (since: Date) => Promise<WorkerState[]>;

/** The master's state as seen now. `listWorkers` reports the workers (none by default). */
export function masterStateService(clock: Clock, listWorkers: WorkerLister = async () => []) {
  const id = newObjectId();
  // Read on first use rather than here: services are also built without a usable clock, to list operations.
  let insertionDate: string | undefined;
  let previous: Date | undefined;
  return {
    async current(): Promise<MasterState> {
      const at = new Date(clock.now());
      const now = formatPlynxDate(at);
      insertionDate ??= now;
      const workers = await listWorkers(previous ?? at);
      previous = at;
      return { _id: id, workers, insertion_date: insertionDate, update_date: now };
    },
  };
}

export type MasterStateService = ReturnType<typeof masterStateService>;
