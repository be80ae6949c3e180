// Dioptra's task plugin rules: two collections (read-only builtins, uploaded customs), packages named as sent,
// uploads unpacked flat to their `.py` modules, a taken name refused, deletes that report what they removed.
import { AppError } from '../../errors.ts';
import type { Identity } from '../../http/auth.ts';
import { hasArchiveExtension } from '../archive-names.ts';
import { checkUploadSize, type UploadedFile } from '../file-part.ts';
import { TaskPluginAlreadyExistsError, TaskPluginDoesNotExistError, TaskPluginUploadError } from '../errors.ts';
import { PluginArchiveError, readPluginArchive, type ArchiveLimits } from './plugin-archive.ts';
import { isPackageName, type PluginFolder, type PluginPackage, type WritablePluginFolder } from './plugin-store.ts';

export const BUILTINS = 'dioptra_builtins';
export const CUSTOM = 'dioptra_custom';
export type Collection = typeof BUILTINS | typeof CUSTOM;

export interface TaskPlugin {
  taskPluginName: string;
  collection: Collection;
  modules: string[];
}

export interface PluginUpload {
  name: string;
  collection: string;
  /** The uploaded archive on local disk, or undefined when the form had no file. */
  file?: UploadedFile;
  uploader: Identity;
}

export interface TaskPluginServiceDeps {
  builtins: PluginFolder;
  custom: WritablePluginFolder;
  /** Largest archive accepted, in bytes. */
  uploadMaxBytes: number;
  /** What an archive may unpack to (the reader's defaults when absent). */
  limits?: ArchiveLimits;
}

export function taskPluginService({ builtins, custom, uploadMaxBytes, limits }: TaskPluginServiceDeps) {
  const folders = { [BUILTINS]: builtins, [CUSTOM]: custom } as const;
  const toPlugin = (collection: Collection) => (p: PluginPackage): TaskPlugin => ({ taskPluginName: p.name, collection, modules: p.modules });

  return {
    async listCollection(collection: Collection): Promise<TaskPlugin[]> {
      return (await folders[collection].list()).map(toPlugin(collection));
    },
    async list(): Promise<TaskPlugin[]> {
      return [...(await this.listCollection(BUILTINS)), ...(await this.listCollection(CUSTOM))];
    },
    async get(collection: Collection, name: string): Promise<TaskPlugin> {
      const found = await folders[collection].get(name);
      if (!found) throw TaskPluginDoesNotExistError();
      return toPlugin(collection)(found);
    },
    async upload({ name, collection, file, uploader }: PluginUpload): Promise<TaskPlugin> {
      checkUploadSize(file, uploadMaxBytes);
      if (collection !== CUSTOM || !file || !hasArchiveExtension(file.originalName)) throw TaskPluginUploadError();
      // Upstream takes any name; here it names a folder (and a Python package), so it must be a plain one.
      if (!isPackageName(name)) throw new AppError('INVALID_ARGUMENT', `${TaskPluginUploadError().message} The package name may hold only letters, digits, '_', '.' and '-'.`);
      if (await custom.get(name)) throw TaskPluginAlreadyExistsError();
      let modules;
      try {
        modules = await readPluginArchive(file.path, limits);
      } catch (e) {
        if (e instanceof PluginArchiveError) throw new AppError('INVALID_ARGUMENT', `Bad Request - The task plugin archive was refused: ${e.message}.`);
        throw e;
      }
      if (!(await custom.create(name, modules, uploader.user))) throw TaskPluginAlreadyExistsError();
      return { taskPluginName: name, collection: CUSTOM, modules: [...modules.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) };
    },
    /** Only the uploader and administrators may remove a package (a package of unknown uploader: administrators). */
    async remove(name: string, caller: Identity): Promise<{ status: 'Success'; collection: typeof CUSTOM; taskPluginName: string[] }> {
      const owner = await custom.ownerOf(name);
      if ((await custom.get(name)) && !caller.isAdmin && owner !== caller.user) {
        throw new AppError('FORBIDDEN', `Forbidden - The task plugin ${name} was uploaded by ${owner ?? 'an earlier version'}; only they and administrators may delete it.`);
      }
      const removed = await custom.remove(name);
      return { status: 'Success', collection: CUSTOM, taskPluginName: removed ? [name] : [] };
    },
  };
}

export type TaskPluginService = ReturnType<typeof taskPluginService>;
