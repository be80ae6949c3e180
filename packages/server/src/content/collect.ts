// Collecting what a crash left in the content store. A write that stores a file and then records it in the
// database (a Dioptra job's archive, its log) leaves the file behind, referenced by no row, when the server
// dies between the two, or when the transaction rolls back and the cleanup never runs. At start the server
// removes such files, and the halves of writes that never finished. Only files older than a grace period
// are touched: another server on the same data folder may be between the two steps right now.
import type { ContentStore } from './content-store.ts';

/** What one family says about the content it writes; shared code knows no family's keys or tables. */
export interface ContentReferences {
  /** Whether `key` is one of the family's keys (its naming scheme); keys no family owns are never removed. */
  owns(key: string): boolean;
  /** Those of `keys` (all the family's own) that a row still references. */
  referenced(keys: readonly string[]): Promise<Set<string>>;
}

export interface CollectOptions {
  /** Files last written before this may be removed; newer ones may belong to a write in progress. */
  before: Date;
  /** How many keys to ask a family about at once (default 500). */
  batchSize?: number;
  /** Stops the walk between two files (a server closing while it collects); what was found so far is settled. */
  signal?: AbortSignal;
}

export interface Collected {
  /** Keys removed because no row references them. */
  orphans: string[];
  /** Halves of writes that never finished. */
  unfinished: number;
}

/** Removes content older than `before` that its owning family no longer references, and unfinished writes. */
export async function collectOrphanedContent(store: ContentStore, families: readonly ContentReferences[], { before, batchSize = 500, signal }: CollectOptions): Promise<Collected> {
  const unfinished = await store.removeUnfinished(before);
  const orphans: string[] = [];
  const pending = new Map<ContentReferences, string[]>(families.map((f) => [f, []]));

  async function settle(family: ContentReferences): Promise<void> {
    const keys = pending.get(family)!;
    if (!keys.length) return;
    pending.set(family, []);
    const kept = await family.referenced(keys);
    for (const key of keys) {
      if (kept.has(key)) continue;
      await store.remove(key);
      orphans.push(key);
    }
  }

  for await (const { key, modifiedAt } of store.list()) {
    if (signal?.aborted) break;
    if (modifiedAt >= before) continue;
    const owner = families.find((f) => f.owns(key));
    if (!owner) continue;
    pending.get(owner)!.push(key);
    if (pending.get(owner)!.length >= batchSize) await settle(owner);
  }
  for (const family of families) await settle(family);
  return { orphans, unfinished };
}
