// Resources of a Pipeloom server as the runner reads and stores them. Inputs and outputs can be large, so
// both directions stream between the socket and a file: nothing holds a whole resource in memory.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { PipeloomClient } from '../client.js';
import { withRetry, type RetryPolicy } from '../worker/retry.js';
import type { PlynxRunIo } from './run-types.js';

/** One attempt may take this long (a large file on a slow link); within a timer's range. */
const TRANSFER_ATTEMPT_MS = 6 * 60 * 60_000;

/** Writes a response body to `toPath`; an empty body (no stream) makes an empty file. */
async function writeBody(body: ReadableStream<Uint8Array> | null | undefined, toPath: string): Promise<void> {
  if (!body) {
    await fs.promises.writeFile(toPath, '');
    return;
  }
  await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), fs.createWriteStream(toPath));
}

/**
 * The {@link PlynxRunIo} of a Pipeloom server: `download` streams `GET /plynx/api/v0/resources/{id}` to
 * a file, `upload` streams a file to `POST /plynx/api/v0/resource` as the multipart field `data`. Both are
 * retried by `retry` (the network, 5xx and 429); a download that broke off starts again from the beginning.
 * @example
 * ```ts
 * const io = serverRunIo(createPipeloomClient({ baseUrl, token }), { deadlineMs: 60_000 });
 * const result = await runPlynxNode(node, io, { signal });
 * ```
 */
export function serverRunIo(client: PipeloomClient, retry: RetryPolicy = {}): PlynxRunIo {
  const policy: RetryPolicy = { attemptTimeoutMs: TRANSFER_ATTEMPT_MS, ...retry };
  return {
    async download(resourceId, toPath) {
      await withRetry(async (signal) => {
        const result = await client.GET('/plynx/api/v0/resources/{resource_id}', { params: { path: { resource_id: resourceId } }, parseAs: 'stream', signal });
        if (result.response.ok) await writeBody(result.data, toPath);
        return result;
      }, policy);
    },
    async upload(fromPath) {
      const answer = await withRetry(async (signal) => {
        // A file-backed Blob: fetch reads it from disk while it sends, and again on a retry.
        const data = await fs.openAsBlob(fromPath);
        return client.POST('/plynx/api/v0/resource', {
          body: { data },
          bodySerializer: (body) => {
            const form = new FormData();
            form.append('data', body.data, path.basename(fromPath));
            return form;
          },
          signal,
        });
      }, policy);
      return answer.resource_id;
    },
  };
}
