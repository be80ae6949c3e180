// The only code that reads and writes Dioptra queues and their locks. Only current (not deleted) queues are
// ever found; `liveName` carries the name of a current queue so the database keeps those names unique. A
// lock is a row of its own, as upstream's `queue_locks`.
import type { Db } from '../../db/client.ts';
import type { NamedRecord } from '../records.ts';
import { isUniqueViolation } from '../errors.ts';

const CURRENT = { isDeleted: false } as const;
const FIELDS = { id: true, name: true, createdOn: true, lastModified: true, createdBy: true } as const;

export function queueRepository(db: Db) {
  return {
    /** Current queues that are not locked: the ones that take jobs. */
    listUnlocked(): Promise<NamedRecord[]> {
      return db.dioptraQueue.findMany({ where: { ...CURRENT, lock: { is: null } }, select: FIELDS, orderBy: { id: 'asc' } });
    },

    byId(id: number): Promise<NamedRecord | null> {
      return db.dioptraQueue.findFirst({ where: { ...CURRENT, id }, select: FIELDS });
    },

    byName(name: string): Promise<NamedRecord | null> {
      return db.dioptraQueue.findFirst({ where: { liveName: name }, select: FIELDS });
    },

    /** Throws a unique violation when a current queue already has the name. */
    create(name: string, at: Date, createdBy: string): Promise<NamedRecord> {
      return db.dioptraQueue.create({ data: { name, liveName: name, createdOn: at, lastModified: at, createdBy }, select: FIELDS });
    },

    /** The renamed queue, or null when it is not current; throws a unique violation when the name is taken. */
    async rename(id: number, name: string, at: Date): Promise<NamedRecord | null> {
      const { count } = await db.dioptraQueue.updateMany({ where: { ...CURRENT, id }, data: { name, liveName: name, lastModified: at } });
      return count ? this.byId(id) : null;
    },

    /** True when this call deleted it. Its lock, if any, stays with the deleted row. */
    async softDelete(id: number, at: Date): Promise<boolean> {
      const { count } = await db.dioptraQueue.updateMany({ where: { ...CURRENT, id }, data: { isDeleted: true, liveName: null, lastModified: at } });
      return count === 1;
    },

    /** True when this call locked the queue, false when it was locked already. */
    async lock(queueId: number, at: Date): Promise<boolean> {
      try {
        await db.dioptraQueueLock.create({ data: { queueId, createdOn: at } });
        return true;
      } catch (e) {
        if (isUniqueViolation(e)) return false;
        throw e;
      }
    },

    /** True when this call unlocked the queue, false when it was not locked. */
    async unlock(queueId: number): Promise<boolean> {
      const { count } = await db.dioptraQueueLock.deleteMany({ where: { queueId } });
      return count === 1;
    },

    async isLocked(queueId: number): Promise<boolean> {
      return (await db.dioptraQueueLock.count({ where: { queueId } })) > 0;
    },
  };
}

export type QueueRepository = ReturnType<typeof queueRepository>;
