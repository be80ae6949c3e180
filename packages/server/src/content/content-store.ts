// Where uploaded files, produced outputs and logs live: one small interface, so that handlers and services
// never touch paths and an S3-compatible store can replace the directory without changing them.
import type { Readable } from 'node:stream';

export interface StoredContent {
  /** How many bytes `stream` yields (the whole content, or the part that was asked for). */
  size: number;
  /** The size of the whole content, whatever part was asked for. */
  totalSize: number;
  /** The bytes, from `start` on when a start was asked for. */
  stream: Readable;
}

export interface OpenOptions {
  /** First byte to read (0 by default); past the end gives an empty stream. */
  start?: number;
  /** Read at most this many bytes. */
  limit?: number;
}

export interface ContentStore {
  /** Takes over a finished file on local disk (an upload's temporary file) under `key`. */
  putFile(key: string, sourcePath: string): Promise<{ size: number }>;
  /** Stores a stream under `key`; the stream is consumed once, never buffered whole. */
  putStream(key: string, source: Readable): Promise<{ size: number }>;
  /** The size of the content, or null when there is none under `key`. */
  stat(key: string): Promise<{ size: number } | null>;
  /** A stream of the content (optionally a range of it), or null when there is none. */
  open(key: string, options?: OpenOptions): Promise<StoredContent | null>;
  /** Removes the content under `key`; nothing happens when there is none. */
  remove(key: string): Promise<void>;
  /** Every stored key with the time its content was last written, in no particular order. */
  list(): AsyncIterable<StoredKey>;
  /** Drops the parts of writes that began before `before` and never finished (the writer died); answers how many. */
  removeUnfinished(before: Date): Promise<number>;
}

export interface StoredKey {
  key: string;
  modifiedAt: Date;
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/**
 * Whether `key` can name content: a plain name of letters, digits, `.`, `_` and `-` (no path separators,
 * no `..`), so that no store can be led outside its own space. Callers check ids from requests with this
 * and answer "not found" for anything else.
 */
export function isContentKey(key: string): boolean {
  return KEY.test(key) && !key.includes('..');
}
