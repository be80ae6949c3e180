// The rules experiments and queues share: register under the slug of a name not held by a current record,
// fetch, rename and soft-delete by id or by exact name. Deleting something that is not there is not an
// error (upstream answers an empty id list), but renaming it is (404).
import type { AppError } from '../errors.ts';
import type { Clock } from '../clock.ts';
import { isUniqueViolation, nameTaken } from './errors.ts';
import { slugify } from './names.ts';
import { idStatus, type NamedRecord } from './records.ts';

export interface NamedRecordStore {
  byId(id: number): Promise<NamedRecord | null>;
  byName(name: string): Promise<NamedRecord | null>;
  create(name: string, at: Date): Promise<NamedRecord>;
  rename(id: number, name: string, at: Date): Promise<NamedRecord | null>;
  softDelete(id: number, at: Date): Promise<boolean>;
}

export interface NamedRecordErrors {
  kind: 'experiment' | 'queue';
  doesNotExist(): AppError;
  registration(): AppError;
  alreadyExists(): AppError;
}

export function namedRecords(store: NamedRecordStore, errors: NamedRecordErrors, clock: Clock) {
  const now = () => new Date(clock.now());
  const found = (record: NamedRecord | null): NamedRecord => {
    if (!record) throw errors.doesNotExist();
    return record;
  };

  return {
    async register(name: string): Promise<NamedRecord> {
      const slug = slugify(name);
      // Upstream's form requires the field and checks the slug is free; both failures are the same 400.
      if (!slug || (await store.byName(slug))) throw errors.registration();
      try {
        return await store.create(slug, now());
      } catch (e) {
        // Registered by a concurrent request between the check and the insert: upstream's race guard.
        if (isUniqueViolation(e)) throw errors.alreadyExists();
        throw e;
      }
    },

    getById: async (id: number) => found(await store.byId(id)),
    getByName: async (name: string) => found(await store.byName(name)),

    async renameById(id: number, name: string): Promise<NamedRecord> {
      found(await store.byId(id));
      try {
        return found(await store.rename(id, name, now()));
      } catch (e) {
        if (isUniqueViolation(e)) throw nameTaken(errors.kind, name);
        throw e;
      }
    },

    async renameByName(current: string, name: string): Promise<NamedRecord> {
      return this.renameById(found(await store.byName(current)).id, name);
    },

    async deleteById(id: number) {
      return idStatus((await store.softDelete(id, now())) ? id : null);
    },

    async deleteByName(name: string) {
      const record = await store.byName(name);
      return idStatus(record && (await store.softDelete(record.id, now())) ? record.id : null);
    },
  };
}
