// What experiments and queues share: a named record with an integer id, soft-deleted, and the shapes
// Dioptra answers with.

export interface NamedRecord {
  id: number;
  name: string;
  createdOn: Date;
  lastModified: Date;
  /** Who registered it; null for records older than ownership. */
  createdBy: string | null;
}

/** `{status: "Success", id: [...]}`: the id that changed, or nothing when nothing did. */
export const idStatus = (id: number | null) => ({ status: 'Success' as const, id: id === null ? [] : [id] });

/** `{status: "Success", name: [...]}`: the answer of the lock routes addressed by queue name. */
export const nameStatus = (name: string | null) => ({ status: 'Success' as const, name: name === null ? [] : [name] });

/** Dates on the wire: ISO-8601 in UTC (upstream sends naive local time). */
export const isoDate = (d: Date) => d.toISOString();
