// The Dioptra job calls of a worker, as thin wrappers over the typed client: downloads stream to files,
// the log goes up as the multipart part `log`. Retrying is the caller's (it knows the job's deadlines).
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { PipeloomClient } from '../client.js';
import type { components } from '../generated/schema.js';
import { withRetry, type RetryPolicy } from '../worker/retry.js';

export type DioptraJobStart = components['schemas']['DioptraJobStart'];
export type DioptraJobFinish = components['schemas']['DioptraJobFinishRequest'];

/** One attempt of a download may take this long (a large archive on a slow link). */
const TRANSFER_ATTEMPT_MS = 60 * 60_000;

async function writeBody(body: ReadableStream<Uint8Array> | null | undefined, toPath: string): Promise<void> {
  if (!body) {
    await fs.promises.writeFile(toPath, '');
    return;
  }
  await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), fs.createWriteStream(toPath));
}

/** The server side of one Dioptra job. */
export class DioptraJobServer {
  private readonly path: { jobId: string };

  constructor(private readonly client: PipeloomClient, readonly jobId: string) {
    this.path = { jobId };
  }

  start(policy: RetryPolicy): Promise<DioptraJobStart> {
    return withRetry((signal) => this.client.POST('/api/job/{jobId}/start', { params: { path: this.path }, signal }), policy);
  }

  finish(body: DioptraJobFinish, policy: RetryPolicy): Promise<unknown> {
    return withRetry((signal) => this.client.POST('/api/job/{jobId}/finish', { params: { path: this.path }, body, signal }), policy);
  }

  /** Streams the workflow archive to `toPath`; a broken-off download starts again from the beginning. */
  async downloadWorkflow(toPath: string, policy: RetryPolicy): Promise<void> {
    await withRetry(async (signal) => {
      const result = await this.client.GET('/api/job/{jobId}/workflow', { params: { path: this.path }, parseAs: 'stream', signal });
      if (result.response.ok) await writeBody(result.data, toPath);
      return result;
    }, { attemptTimeoutMs: TRANSFER_ATTEMPT_MS, ...policy });
  }

  /** Streams the task plugins (.tar.gz) to `toPath`. */
  async downloadTaskPlugins(toPath: string, policy: RetryPolicy): Promise<void> {
    await withRetry(async (signal) => {
      const result = await this.client.GET('/api/job/{jobId}/taskPlugins', { params: { path: this.path }, parseAs: 'stream', signal });
      if (result.response.ok) await writeBody(result.data, toPath);
      return result;
    }, { attemptTimeoutMs: TRANSFER_ATTEMPT_MS, ...policy });
  }

  private putLogCall(log: Buffer, signal?: AbortSignal) {
    return this.client.PUT('/api/job/{jobId}/log', {
      params: { path: this.path },
      body: { log: new Blob([new Uint8Array(log)], { type: 'text/plain' }) },
      bodySerializer: (body) => {
        const form = new FormData();
        form.append('log', body.log, 'log.txt');
        return form;
      },
      signal,
    });
  }

  /** Replaces the stored log with `log`, once; throws on any failure (the caller decides about retries). */
  async putLog(log: Buffer, signal?: AbortSignal): Promise<void> {
    const { response, error } = await this.putLogCall(log, signal);
    if (!response.ok) throw new Error(`${response.status} ${JSON.stringify(error ?? '')}`);
  }

  /** {@link putLog} retried by `policy`. */
  putLogWithRetry(log: Buffer, policy: RetryPolicy): Promise<unknown> {
    return withRetry((signal) => this.putLogCall(log, signal), policy);
  }
}
