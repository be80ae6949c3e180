// The task plugins a worker puts on a job's PYTHONPATH: both collections as one gzip'd tar, each module at
// `<collection>/<package>/<module>.py`, so entry points import `dioptra_custom.<package>` as upstream's
// workers do after syncing the plugin bucket. Only the modules the collections list are packed; entries are
// built from those names, never from paths found on disk.
import { Readable } from 'node:stream';
import { Header, Pack, ReadEntry } from 'tar';
import type { PluginFolder } from '../task-plugins/plugin-store.ts';

export interface PluginCollection {
  name: string;
  folder: PluginFolder;
}

/** A fixed time for every entry, so the same plugins always make the same archive. */
const EPOCH = new Date(0);

export function pluginBundle(collections: PluginCollection[]): Readable {
  const pack = new Pack({ gzip: true, portable: true });
  const fill = async () => {
    for (const { name, folder } of collections) {
      for (const plugin of await folder.list()) {
        for (const module of plugin.modules) {
          const data = await folder.readModule(plugin.name, module);
          // Removed since it was listed: the bundle is the collections as they are now.
          if (!data) continue;
          const entry = new ReadEntry(new Header({ path: `${name}/${plugin.name}/${module}`, type: 'File', mode: 0o644, size: data.length, mtime: EPOCH }));
          entry.end(data);
          pack.add(entry);
        }
      }
    }
    pack.end();
  };
  const stream = Readable.from(pack);
  fill().catch((e: unknown) => stream.destroy(e instanceof Error ? e : new Error(String(e))));
  return stream;
}
