// Dioptra queues and their locks. A locked queue is still found by id and by name, and may be renamed or
// deleted, but it is left out of the list and refuses new jobs (a submission to it fails as to an unknown
// queue). Locking and unlocking answer with the id (or name) only when the call changed something; an
// unknown queue is a 404 there.
import type { Clock } from '../../clock.ts';
import { QueueAlreadyExistsError, QueueDoesNotExistError, QueueRegistrationError } from '../errors.ts';
import type { Identity } from '../../http/auth.ts';
import { namedRecords, requireChangeable } from '../named-records.ts';
import { idStatus, nameStatus, type NamedRecord } from '../records.ts';
import type { QueueRepository } from './queue-repository.ts';

export function queueService(queues: QueueRepository, clock: Clock) {
  const now = () => new Date(clock.now());
  const found = (queue: NamedRecord | null): NamedRecord => {
    if (!queue) throw QueueDoesNotExistError();
    return queue;
  };
  const setLock = (queue: NamedRecord, locked: boolean, caller: Identity) => {
    requireChangeable(queue, caller, 'queue');
    return locked ? queues.lock(queue.id, now()) : queues.unlock(queue.id);
  };

  return {
    list: () => queues.listUnlocked(),
    ...namedRecords(queues, {
      kind: 'queue',
      doesNotExist: QueueDoesNotExistError,
      registration: QueueRegistrationError,
      alreadyExists: QueueAlreadyExistsError,
    }, clock),

    async setLockById(id: number, locked: boolean, caller: Identity) {
      const queue = found(await queues.byId(id));
      return idStatus((await setLock(queue, locked, caller)) ? queue.id : null);
    },

    async setLockByName(name: string, locked: boolean, caller: Identity) {
      const queue = found(await queues.byName(name));
      return nameStatus((await setLock(queue, locked, caller)) ? name : null);
    },

    /** The current, unlocked queue of that name; for job submission. */
    async openQueue(name: string): Promise<NamedRecord | null> {
      const queue = await queues.byName(name);
      return queue && !(await queues.isLocked(queue.id)) ? queue : null;
    },
  };
}

export type QueueService = ReturnType<typeof queueService>;
