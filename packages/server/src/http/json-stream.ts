// A JSON reply written while it is read: one array field streamed item by item, then the other fields,
// which may depend on how many items were written. Large lists go out this way so that neither the
// response nor the query result is ever held whole; the client gets the same JSON as from res.json.
import type { Response } from 'express';

/** Bytes gathered before one write to the socket: fewer, larger writes cost less than one per item. */
const WRITE_BYTES = 64 * 1024;

/**
 * Stands for a body of type `B` whose array field `key` comes from `items`; `rest(count)` gives every
 * other field once the items are written. Build one with `JsonStream.of`.
 */
export class JsonStream<B> {
  /** Ties the stream to the body type it stands for, so a handler's reply is checked against the contract. */
  declare readonly standsFor?: B;

  private constructor(
    readonly key: string,
    readonly items: AsyncIterable<unknown>,
    readonly rest: (count: number) => object,
  ) {}

  /** `{ "<key>": [...items], ...rest(count) }`, standing for `B`, whose `key` holds `I`s. */
  static of<B extends { [P in K]?: readonly I[] }, K extends string, I>(key: K, items: AsyncIterable<I>, rest: (count: number) => Omit<B, K>): JsonStream<B> {
    return new JsonStream<B>(key, items, rest);
  }
}

/**
 * Writes `stream` as the response, waiting for the socket to drain whenever its buffer is full. A client
 * that goes away ends the iteration (so the reads behind it stop) and is no error. The first item is read
 * before the status line goes out, so a failing first read still answers with an error body; a later
 * failure can only cut the response short, and is rethrown for the error middleware to log.
 */
export async function writeJsonStream(res: Response, status: number, stream: JsonStream<unknown>): Promise<void> {
  const iterator = stream.items[Symbol.asyncIterator]();
  let closed = false;
  const onClose = () => { closed = true; };
  res.once('close', onClose);
  try {
    let next = await iterator.next();
    if (closed) return;
    res.status(status).type('application/json');
    let buffer = `{${JSON.stringify(stream.key)}:[`;
    let count = 0;
    while (!next.done) {
      buffer += (count++ ? ',' : '') + JSON.stringify(next.value);
      if (buffer.length >= WRITE_BYTES) {
        if (!(await write(res, buffer)) || closed) return;
        buffer = '';
      }
      next = await iterator.next();
      if (closed) return;
    }
    const rest = JSON.stringify(stream.rest(count));
    buffer += rest === '{}' ? ']}' : `],${rest.slice(1)}`;
    res.end(buffer);
  } catch (e) {
    if (!res.headersSent) throw e;
    // Half a JSON body must not look like a whole one: drop the connection, then report the fault.
    res.destroy();
    throw e;
  } finally {
    res.off('close', onClose);
    // Stops the reads behind the items when the loop left early (client gone, error).
    await iterator.return?.();
  }
}

/** Writes `chunk`; when the socket's buffer is full, waits until it drains or the client goes away. */
async function write(res: Response, chunk: string): Promise<boolean> {
  if (res.write(chunk)) return true;
  if (res.destroyed) return false;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
  return !res.destroyed;
}
