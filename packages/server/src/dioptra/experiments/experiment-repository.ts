// The only code that reads and writes Dioptra experiments. Only current (not deleted) experiments are ever
// found; `liveName` carries the name of a current experiment so the database keeps those names unique.
import type { Db } from '../../db/client.ts';
import type { NamedRecord } from '../records.ts';

const CURRENT = { isDeleted: false } as const;
const FIELDS = { id: true, name: true, createdOn: true, lastModified: true, createdBy: true } as const;

export function experimentRepository(db: Db) {
  return {
    /** Current experiments by id; only those `createdBy` registered when given. */
    list(createdBy?: string): Promise<NamedRecord[]> {
      return db.dioptraExperiment.findMany({ where: { ...CURRENT, ...(createdBy === undefined ? {} : { createdBy }) }, select: FIELDS, orderBy: { id: 'asc' } });
    },

    byId(id: number): Promise<NamedRecord | null> {
      return db.dioptraExperiment.findFirst({ where: { ...CURRENT, id }, select: FIELDS });
    },

    byName(name: string): Promise<NamedRecord | null> {
      return db.dioptraExperiment.findFirst({ where: { liveName: name }, select: FIELDS });
    },

    /** Throws a unique violation when a current experiment already has the name. */
    create(name: string, at: Date, createdBy: string): Promise<NamedRecord> {
      return db.dioptraExperiment.create({ data: { name, liveName: name, createdOn: at, lastModified: at, createdBy }, select: FIELDS });
    },

    /** The renamed experiment, or null when it is not current; throws a unique violation when the name is taken. */
    async rename(id: number, name: string, at: Date): Promise<NamedRecord | null> {
      const { count } = await db.dioptraExperiment.updateMany({ where: { ...CURRENT, id }, data: { name, liveName: name, lastModified: at } });
      return count ? this.byId(id) : null;
    },

    /** True when this call deleted it. */
    async softDelete(id: number, at: Date): Promise<boolean> {
      const { count } = await db.dioptraExperiment.updateMany({ where: { ...CURRENT, id }, data: { isDeleted: true, liveName: null, lastModified: at } });
      return count === 1;
    },
  };
}

export type ExperimentRepository = ReturnType<typeof experimentRepository>;
