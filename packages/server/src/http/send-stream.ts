// Downloads are piped to the response rather than buffered, for the few handlers that send files.
import type { Response } from 'express';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A client that went away mid-download: not a server fault, nothing to report. */
function isPrematureClose(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET' || code === 'EPIPE';
}

/** Answers 200 with `headers` and the bytes of `stream`. */
export async function sendStream(res: Response, headers: Record<string, string>, stream: Readable): Promise<void> {
  res.status(200).set(headers);
  try {
    await pipeline(stream, res);
  } catch (e) {
    if (!isPrematureClose(e)) throw e;
  }
}
