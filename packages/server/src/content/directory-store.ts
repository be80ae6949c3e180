// The default content store: one file per key in a directory under the data folder. Keys are checked to be
// plain names, so a key can never reach outside the directory.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import crypto from 'node:crypto';
import type { ContentStore } from './content-store.ts';

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export function directoryContentStore(root: string): ContentStore {
  fs.mkdirSync(root, { recursive: true });
  const fileOf = (key: string) => {
    if (!KEY.test(key) || key.includes('..')) throw new Error(`invalid content key ${JSON.stringify(key)}`);
    return path.join(root, key);
  };
  // Writes land in a temporary name first, so a reader never sees half a file.
  const temporary = () => path.join(root, `.incoming-${crypto.randomUUID()}`);

  async function commit(tmp: string, key: string) {
    await fsp.rename(tmp, fileOf(key));
    return { size: (await fsp.stat(fileOf(key))).size };
  }

  return {
    async putFile(key, sourcePath) {
      const tmp = temporary();
      try {
        await fsp.rename(sourcePath, tmp);
      } catch (e) {
        // Another file system: copy instead of moving.
        if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
        await fsp.copyFile(sourcePath, tmp);
      }
      return commit(tmp, key);
    },
    async putStream(key, source: Readable) {
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
      const size = options.limit === undefined ? st.size : Math.min(st.size, options.limit);
      const stream = size === 0 ? Readable.from([]) : fs.createReadStream(file, { start: 0, end: size - 1 });
      return { size, stream };
    },
  };
}
