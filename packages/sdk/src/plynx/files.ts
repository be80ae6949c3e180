// client.files: uploads (a File node per file) and downloads of resources.
import type { Client } from './client.js';
import { ApiActionError } from './errors.js';
import { nodeBuiltin } from './node-runtime.js';
import type { UploadFileResponse } from './types.js';

export interface UploadOptions {
  title?: string;
  description?: string;
  /** One of the server's file types (`file`, `csv`, `json`, ...); `file` if left out. */
  fileType?: string;
}

/**
 * The file routes of a {@link Client}.
 * @example
 * ```ts
 * const { node } = await client.files.upload('./seq.txt', { title: 'seq 100', fileType: 'file' });
 * const seq = File({ id: node._id!, title: 'seq 100' });
 * ```
 */
export class FilesApi {
  /** Made by {@link Client}. @example `const files = client.files;` */
  constructor(private readonly client: Client) {}

  /**
   * Uploads a file (a path, read as a stream, or a Blob) and creates its File node (POST /upload_file).
   * @example
   * ```ts
   * const { resource_id, node } = await client.files.upload(new Blob(['1\n2\n']), { title: 'two lines' });
   * ```
   */
  async upload(pathOrBlob: string | Blob, options: UploadOptions = {}): Promise<UploadFileResponse> {
    const name = typeof pathOrBlob === 'string' ? nodeBuiltin('node:path', 'Uploading a file by path').basename(pathOrBlob) : 'data';
    // A path is opened anew for each attempt, so a retry after a token renewal sends the whole file again.
    const open = async () => (typeof pathOrBlob === 'string' ? nodeBuiltin('node:fs', 'Uploading a file by path').openAsBlob(pathOrBlob) : pathOrBlob);
    const form = (data: Blob) => {
      const f = new FormData();
      f.set('data', data, name);
      if (options.title !== undefined) f.set('title', options.title);
      if (options.description !== undefined) f.set('description', options.description);
      f.set('file_type', options.fileType ?? 'file');
      return f;
    };
    return this.client.call(async () => {
      const data = await open();
      return this.client.raw.POST('/plynx/api/v0/upload_file', { body: { data }, bodySerializer: () => form(data) });
    });
  }

  /**
   * The bytes of a resource as a web stream (GET /resource/{id}); pipe it or read it with `new Response(stream)`.
   * @example
   * ```ts
   * const text = await new Response(await client.files.download(resourceId)).text();
   * ```
   */
  async download(resourceId: string): Promise<ReadableStream<Uint8Array>> {
    const stream = await this.client.call(() =>
      this.client.raw.GET('/plynx/api/v0/resource/{resource_id}', { params: { path: { resource_id: resourceId } }, parseAs: 'stream' }),
    );
    if (stream === null) throw new ApiActionError(`Resource \`${resourceId}\` answered no body`);
    return stream;
  }
}
