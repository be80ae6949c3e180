// The rules experiments and queues share: register under the slug of a name not held by a current record,
// fetch, rename and soft-delete by id or by exact name. Deleting something that is not there is not an
// error (upstream answers an empty id list), but renaming it is (404). Who may read them is the family's
// sharing setting (a record the caller may not see is one that does not exist); only the user who registered
// one and administrators may change it.
import { AppError } from '../errors.ts';
import type { Identity } from '../http/auth.ts';
import type { Clock } from '../clock.ts';
import { isUniqueViolation, nameTaken } from './errors.ts';
import { slugify } from './names.ts';
import { idStatus, type NamedRecord } from './records.ts';
import { visibility, type Visibility } from './visibility.ts';

export interface NamedRecordStore {
  byId(id: number): Promise<NamedRecord | null>;
  byName(name: string): Promise<NamedRecord | null>;
  create(name: string, at: Date, createdBy: string): Promise<NamedRecord>;
  rename(id: number, name: string, at: Date): Promise<NamedRecord | null>;
  softDelete(id: number, at: Date): Promise<boolean>;
}

export interface NamedRecordErrors {
  kind: 'experiment' | 'queue';
  doesNotExist(): AppError;
  registration(): AppError;
  alreadyExists(): AppError;
}

/** Answers 403 unless `caller` registered the record or is an administrator. */
export function requireChangeable(record: NamedRecord, caller: Identity, kind: string): void {
  if (caller.isAdmin || (record.createdBy !== null && record.createdBy === caller.user)) return;
  throw new AppError('FORBIDDEN', `Forbidden - The ${kind} ${record.name} was registered by ${record.createdBy ?? 'an earlier version'}; only they and administrators may change it.`);
}

export function namedRecords(store: NamedRecordStore, errors: NamedRecordErrors, clock: Clock, seen: Visibility = visibility('testbed')) {
  const now = () => new Date(clock.now());
  const visible = (record: NamedRecord | null, caller: Identity) => (record && seen.sees(caller, record.createdBy) ? record : null);
  const found = (record: NamedRecord | null, caller: Identity): NamedRecord => {
    const shown = visible(record, caller);
    if (!shown) throw errors.doesNotExist();
    return shown;
  };

  return {
    async register(name: string, caller: Identity): Promise<NamedRecord> {
      const slug = slugify(name);
      // Upstream's form requires the field and checks the slug is free; both failures are the same 400.
      if (!slug || (await store.byName(slug))) throw errors.registration();
      try {
        return await store.create(slug, now(), caller.user);
      } catch (e) {
        // Registered by a concurrent request between the check and the insert: upstream's race guard.
        if (isUniqueViolation(e)) throw errors.alreadyExists();
        throw e;
      }
    },

    getById: async (id: number, caller: Identity) => found(await store.byId(id), caller),
    getByName: async (name: string, caller: Identity) => found(await store.byName(name), caller),

    async renameById(id: number, name: string, caller: Identity): Promise<NamedRecord> {
      requireChangeable(found(await store.byId(id), caller), caller, errors.kind);
      try {
        return found(await store.rename(id, name, now()), caller);
      } catch (e) {
        if (isUniqueViolation(e)) throw nameTaken(errors.kind, name);
        throw e;
      }
    },

    async renameByName(current: string, name: string, caller: Identity): Promise<NamedRecord> {
      return this.renameById(found(await store.byName(current), caller).id, name, caller);
    },

    async deleteById(id: number, caller: Identity) {
      const record = visible(await store.byId(id), caller);
      if (record) requireChangeable(record, caller, errors.kind);
      return idStatus(record && (await store.softDelete(id, now())) ? id : null);
    },

    async deleteByName(name: string, caller: Identity) {
      const record = visible(await store.byName(name), caller);
      if (record) requireChangeable(record, caller, errors.kind);
      return idStatus(record && (await store.softDelete(record.id, now())) ? record.id : null);
    },
  };
}
