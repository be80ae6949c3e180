// Where task plugin packages live: a folder per package holding its modules. Builtins are read from the
// operator's folder and never written; custom packages live in a folder of the server's data directory that
// only Dioptra uses. Every path is built from a checked package name and checked module names, so no request
// can reach outside these folders.
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { PluginModules } from './plugin-archive.ts';

export interface PluginPackage {
  name: string;
  /** Module file names in code-unit order, as S3 lists keys. */
  modules: string[];
}

export interface PluginFolder {
  list(): Promise<PluginPackage[]>;
  get(name: string): Promise<PluginPackage | null>;
  /** The bytes of one module the package lists, or null when there is no such module. */
  readModule(name: string, module: string): Promise<Buffer | null>;
}

export interface WritablePluginFolder extends PluginFolder {
  /** Stores a new package whole (it appears at once or not at all) for `owner`; false when the name is taken. */
  create(name: string, modules: PluginModules, owner: string): Promise<boolean>;
  /** Who uploaded the package; null when unknown (uploaded before owners were kept) or absent. */
  ownerOf(name: string): Promise<string | null>;
  /** Removes the package; false when there was none. */
  remove(name: string): Promise<boolean>;
}

// Beside the modules of a custom package; not a `.py` file, so never listed or run as a module.
const OWNER_FILE = '.owner';

const PACKAGE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

/** Whether `name` can name a package folder: letters, digits, `_`, `.` and `-`, not starting with `.`. */
export const isPackageName = (name: string): boolean => PACKAGE_NAME.test(name) && !name.includes('..');

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function modulesOf(dir: string): Promise<string[] | null> {
  const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => null);
  return entries && entries.filter((e) => e.isFile() && e.name.endsWith('.py')).map((e) => e.name).sort(byCodeUnit);
}

/** The packages of a folder of package folders; a missing root is an empty collection. */
export function pluginFolder(root: string | undefined): PluginFolder {
  const get = async (name: string): Promise<PluginPackage | null> => {
    if (!root || !isPackageName(name)) return null;
    const modules = await modulesOf(path.join(root, name));
    // As in Dioptra, a package exists when it holds at least one module.
    return modules?.length ? { name, modules } : null;
  };
  return {
    get,
    async readModule(name, module) {
      // Only modules `get` lists are read, so the path is built from checked names.
      if (!root || !(await get(name))?.modules.includes(module)) return null;
      return fsp.readFile(path.join(root, name, module)).catch(() => null);
    },
    async list() {
      const entries = root ? await fsp.readdir(root, { withFileTypes: true }).catch(() => []) : [];
      const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort(byCodeUnit);
      const found = await Promise.all(names.map(get));
      return found.filter((p): p is PluginPackage => p !== null);
    },
  };
}

/** A writable package folder under `root` (created on first write). */
export function writablePluginFolder(root: () => string): WritablePluginFolder {
  const folder = () => pluginFolder(root());
  return {
    list: () => folder().list(),
    get: (name) => folder().get(name),
    readModule: (name, module) => folder().readModule(name, module),
    async ownerOf(name) {
      if ((await folder().get(name)) === null) return null;
      return fsp.readFile(path.join(root(), name, OWNER_FILE), 'utf8').catch(() => null);
    },
    async create(name, modules, owner) {
      if (!isPackageName(name)) throw new Error(`invalid package name ${JSON.stringify(name)}`);
      if ((await folder().get(name)) !== null) return false;
      // A package without modules does not exist (as an empty S3 prefix in Dioptra), so nothing is kept.
      if (modules.size === 0) return true;
      await fsp.mkdir(root(), { recursive: true });
      // Written beside the target first, then renamed into place, so readers never see half a package.
      const staging = path.join(root(), `.incoming-${crypto.randomUUID()}`);
      await fsp.mkdir(staging);
      try {
        for (const [file, content] of modules) {
          if (file !== path.basename(file) || file === '.' || file === '..') throw new Error(`invalid module name ${JSON.stringify(file)}`);
          await fsp.writeFile(path.join(staging, file), content, { flag: 'wx' });
        }
        await fsp.writeFile(path.join(staging, OWNER_FILE), owner, { flag: 'wx' });
        // Renaming onto an existing package fails (it is not empty): a concurrent upload of the same name lost.
        return await fsp.rename(staging, path.join(root(), name)).then(() => true, (e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOTEMPTY' || e.code === 'EEXIST') return false;
          throw e;
        });
      } finally {
        await fsp.rm(staging, { recursive: true, force: true });
      }
    },
    async remove(name) {
      if ((await folder().get(name)) === null) return false;
      const target = path.join(root(), name);
      // Renamed away first so the package disappears at once, then removed.
      const doomed = path.join(root(), `.removing-${crypto.randomUUID()}`);
      await fsp.rename(target, doomed).catch(() => null);
      await fsp.rm(doomed, { recursive: true, force: true });
      return true;
    },
  };
}
