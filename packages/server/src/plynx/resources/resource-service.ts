// Files and resources: storing uploads (with or without a File node), reading them back whole or as HTML
// previews. Uploads arrive as temporary files on disk and are moved into the content store, so no upload
// is ever held in memory, however large.
import type { Clock } from '../../clock.ts';
import { isContentKey, type ContentStore, type StoredContent } from '../../content/content-store.ts';
import { AppError, notFound } from '../../errors.ts';
import type { PlynxConfig } from '../config.ts';
import type { Node, PlynxUser, ResourcesDict } from '../model/types.ts';
import { newFileNode } from './file-node.ts';
import { FILE_KIND, isResourceType, resourcesDict } from './plugins.ts';
import { renderPreview } from './previews.ts';
import { resourceIdGenerator } from './resource-ids.ts';
import type { RangeReader } from './zip-listing.ts';

/** A file part of a multipart request, already on local disk. */
export interface UploadedFile {
  fieldname: string;
  path: string;
  size: number;
}

/** The text parts of upload_file's form. */
export interface UploadForm {
  title?: string;
  description?: string;
  file_type?: string;
}

export interface ResourceServiceDeps {
  content: ContentStore;
  clock: Clock;
  config: PlynxConfig;
  /** Stores a new File node for `user` and answers it as saved. */
  saveFileNode(node: Node, user: PlynxUser): Promise<Node>;
}

export type ResourceService = ReturnType<typeof createResourceService>;

/** The resource operations over a content store and a node store. */
export function createResourceService({ content, clock, config, saveFileNode }: ResourceServiceDeps) {
  const newResourceId = resourceIdGenerator(clock);

  /** The one `data` file part of an upload, within the size limit. */
  function dataPart(files: readonly UploadedFile[]): UploadedFile {
    const data = files.filter((f) => f.fieldname === 'data');
    if (data.length !== 1 || files.length !== 1) {
      throw new AppError('INVALID_ARGUMENT', `Exactly one file part \`data\` is expected, got ${files.length === 0 ? 'none' : files.map((f) => `\`${f.fieldname}\``).join(', ')}`);
    }
    const file = data[0]!;
    if (file.size > config.uploadMaxBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `The file is larger than this server accepts (${config.uploadMaxBytes} bytes)`);
    }
    return file;
  }

  async function store(file: UploadedFile): Promise<string> {
    const resourceId = newResourceId();
    await content.putFile(resourceId, file.path);
    return resourceId;
  }

  async function openResource(resourceId: string, options?: { start?: number; limit?: number }): Promise<StoredContent> {
    // An id that could not name content cannot name a resource either.
    const found = isContentKey(resourceId) ? await content.open(resourceId, options) : null;
    if (!found) throw notFound(`Resource \`${resourceId}\``);
    return found;
  }

  return {
    /** upload_file: stores the file and saves a READY File node pointing at it. */
    async uploadFile(files: readonly UploadedFile[], form: UploadForm, user: PlynxUser) {
      const file = dataPart(files);
      const fileType = form.file_type ?? FILE_KIND;
      if (!isResourceType(fileType)) throw new AppError('INVALID_ARGUMENT', `Unknown file type \`${fileType}\``);
      const resourceId = await store(file);
      const node = await saveFileNode(newFileNode({
        title: form.title ?? '{title}',
        description: form.description ?? '{description}',
        fileType,
        resourceId,
        author: user.id,
      }), user);
      return { status: 'SUCCESS' as const, resource_id: resourceId, node };
    },

    /** POST /resource: stores the file only. */
    async postResource(files: readonly UploadedFile[]) {
      const resourceId = await store(dataPart(files));
      return { status: 'SUCCESS' as const, resource_id: resourceId };
    },

    /** The whole resource as a stream with its size; 404 when there is none. */
    open: (resourceId: string) => openResource(resourceId),

    /** The HTML preview of a resource read as `fileType`; 400 for an unknown type, 404 for a missing resource. */
    async preview(resourceId: string, fileType: string, apiBase: string): Promise<string> {
      if (!isResourceType(fileType)) throw new AppError('INVALID_ARGUMENT', `Unknown file type \`${fileType}\``);
      const found = isContentKey(resourceId) ? await content.stat(resourceId) : null;
      if (!found) throw notFound(`Resource \`${resourceId}\``);
      const read: RangeReader = async (start, length) => {
        const part = await openResource(resourceId, { start, limit: length });
        const chunks: Buffer[] = [];
        for await (const chunk of part.stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
        return Buffer.concat(chunks);
      };
      return renderPreview(fileType, { resourceId, size: found.size, read, apiBase });
    },

    resourcesDict: (): ResourcesDict => resourcesDict(),
  };
}
