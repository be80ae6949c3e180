// A pino logger whose lines stay in memory, so a test can wait for the request log line it cares about
// instead of sleeping, and can read everything the server logged.
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export interface CapturedLog {
  logger: Logger;
  /** Every line written so far, raw. */
  text(): string;
  /** The parsed lines written so far. */
  lines(): Array<Record<string, unknown>>;
  /** Resolves with the first line (already written or still to come) that `match` accepts. */
  waitFor(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

export function captureLog(level = 'info'): CapturedLog {
  const raw: string[] = [];
  const waiters: Array<{ match: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }> = [];
  const parse = (chunk: string) => chunk.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = chunk.toString('utf8');
      raw.push(text);
      for (const line of parse(text)) {
        for (const w of waiters.filter((w) => w.match(line))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
      done();
    },
  });
  const lines = () => parse(raw.join(''));
  return {
    logger: pino({ level }, sink),
    text: () => raw.join(''),
    lines,
    waitFor: (match) => {
      const seen = lines().find(match);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}
