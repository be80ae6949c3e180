// Where uploaded files, produced outputs and logs live: one small interface, so that handlers and services
// never touch paths and an S3-compatible store can replace the directory without changing them.
import type { Readable } from 'node:stream';

export interface StoredContent {
  size: number;
  /** The bytes, from `start` on when a start was asked for. */
  stream: Readable;
}

export interface ContentStore {
  /** Takes over a finished file on local disk (an upload's temporary file) under `key`. */
  putFile(key: string, sourcePath: string): Promise<{ size: number }>;
  /** Stores a stream under `key`; the stream is consumed once, never buffered whole. */
  putStream(key: string, source: Readable): Promise<{ size: number }>;
  /** The size of the content, or null when there is none under `key`. */
  stat(key: string): Promise<{ size: number } | null>;
  /** A stream of the content (optionally only its first `limit` bytes), or null when there is none. */
  open(key: string, options?: { limit?: number }): Promise<StoredContent | null>;
}
