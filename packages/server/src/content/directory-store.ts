// The default content store: one file per key in a directory under the data folder. Keys are checked to be
// plain names, so a key can never reach outside the directory.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import crypto from 'node:crypto';
import { isContentKey, type ContentStore } from './content-store.ts';

/** A content store keeping each key as one file in `root` (created when missing). */
export function directoryContentStore(root: string): ContentStore {
  fs.mkdirSync(root, { recursive: true });
  const fileOf = (key: string) => {
    if (!isContentKey(key)) throw new Error(`invalid content key ${JSON.stringify(key)}`);
    return path.join(root, key);
  };
  // Writes land in a temporary name first, so a reader never sees half a file. The prefix is no content key.
  const INCOMING = '.incoming-';
  const temporary = () => path.join(root, `${INCOMING}${crypto.randomUUID()}`);

  /** The regular files of `root`, with their modification times; one that vanishes meanwhile is skipped. */
  async function* files(): AsyncGenerator<{ name: string; modifiedAt: Date }> {
    for await (const entry of await fsp.opendir(root)) {
      if (!entry.isFile()) continue;
      const st = await fsp.stat(path.join(root, entry.name)).catch(() => null);
      if (st) yield { name: entry.name, modifiedAt: st.mtime };
    }
  }

  async function commit(tmp: string, key: string) {
    await fsp.rename(tmp, fileOf(key));
    return { size: (await fsp.stat(fileOf(key))).size };
  }

  return {
    async putFile(key, sourcePath) {
      fileOf(key); // rejects a bad key before the source is moved
      const tmp = temporary();
      try {
        await fsp.rename(sourcePath, tmp);
      } catch (e) {
        // Another file system: copy instead of moving.
        if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
        try {
          await fsp.copyFile(sourcePath, tmp);
        } catch (copyError) {
          await fsp.rm(tmp, { force: true });
          throw copyError;
        }
        await fsp.rm(sourcePath, { force: true });
      }
      return commit(tmp, key);
    },
    async putStream(key, source: Readable) {
      fileOf(key); // rejects a bad key before anything is written
      const tmp = temporary();
      try {
        await pipeline(source, fs.createWriteStream(tmp));
      } catch (e) {
        await fsp.rm(tmp, { force: true });
        throw e;
      }
      return commit(tmp, key);
    },
    async stat(key) {
      const st = await fsp.stat(fileOf(key)).catch(() => null);
      return st?.isFile() ? { size: st.size } : null;
    },
    async open(key, options = {}) {
      const file = fileOf(key);
      const st = await fsp.stat(file).catch(() => null);
      if (!st?.isFile()) return null;
      const start = Math.min(Math.max(0, options.start ?? 0), st.size);
      const rest = st.size - start;
      const size = options.limit === undefined ? rest : Math.min(rest, Math.max(0, options.limit));
      const stream = size === 0 ? Readable.from([]) : fs.createReadStream(file, { start, end: start + size - 1 });
      return { size, totalSize: st.size, stream };
    },
    async remove(key) {
      await fsp.rm(fileOf(key), { force: true });
    },
    async *list() {
      for await (const { name, modifiedAt } of files()) if (isContentKey(name)) yield { key: name, modifiedAt };
    },
    async removeUnfinished(before) {
      let removed = 0;
      for await (const { name, modifiedAt } of files()) {
        if (!name.startsWith(INCOMING) || modifiedAt >= before) continue;
        await fsp.rm(path.join(root, name), { force: true });
        removed++;
      }
      return removed;
    },
  };
}
