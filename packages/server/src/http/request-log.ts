// One log line per request, written when the response is done: method, path, status, duration and the
// request id (taken from x-request-id, so a proxy's id follows the request, or made up). Expected failures
// are logged without a stack; only a fault the error middleware recorded carries one.
import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

declare module 'node:http' {
  interface IncomingMessage {
    /** This request's id, also sent back as x-request-id. */
    id: string;
    /** A logger that stamps every line with the request id. */
    log: Logger;
  }
}

/** Where the error middleware leaves an unexpected error for the request's log line. */
export const FAULT = Symbol('fault');

const BASE_LOGGER = Symbol('baseLogger');
const CHILD_LOGGER = Symbol('childLogger');
type LoggedRequest = IncomingMessage & { [BASE_LOGGER]?: Logger; [CHILD_LOGGER]?: Logger };

// Few requests ever log more than their one line, so the child logger is made on first use, not per request.
Object.defineProperty(IncomingMessage.prototype, 'log', {
  configurable: true,
  // Other IncomingMessages (client responses, requests outside this app) have no logger, as before.
  get(this: LoggedRequest): Logger | undefined {
    const base = this[BASE_LOGGER];
    if (!base) return this[CHILD_LOGGER];
    return (this[CHILD_LOGGER] ??= base.child({ reqId: this.id }));
  },
  set(this: LoggedRequest, value: Logger) {
    this[CHILD_LOGGER] = value;
  },
});

function levelFor(status: number): 'info' | 'warn' | 'error' {
  if (status >= 500 && status !== 501 && status !== 503) return 'error';
  if (status >= 400 && status !== 501) return 'warn';
  return 'info';
}

// Query parameters whose values could be credentials. No operation takes one, but a client may still put a
// token in the URL (`?token=`, `?access_token=`), and the log must not keep it.
const SECRET_PARAM = /token|passw(or)?d|secret|api[-_]?key|^auth$|authori[sz]ation|session|signature|credential/i;

/** The URL as logged: the value of any query parameter that could hold a credential is replaced by `***`. */
export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    let decoded = name;
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // A malformed escape is logged as it came, under the raw name's test.
    }
    return eq >= 0 && SECRET_PARAM.test(decoded) ? `${name}=***` : pair;
  });
  return `${url.slice(0, q)}?${query.join('&')}`;
}

export function requestLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers['x-request-id'];
    const id = typeof header === 'string' && header.length > 0 && header.length <= 200 ? header : randomUUID();
    res.setHeader('x-request-id', id);
    req.id = id;
    (req as LoggedRequest)[BASE_LOGGER] = logger;
    const started = performance.now();
    // A response emits 'close' after 'finish', and alone when the client went away first (499).
    res.once('close', () => {
      const status = res.writableFinished ? res.statusCode : 499;
      const level = levelFor(status);
      if (!logger.isLevelEnabled(level)) return;
      const fault = (res.locals as Record<symbol, unknown>)[FAULT];
      const url = loggableUrl(req.originalUrl);
      const line = { reqId: id, method: req.method, path: url, status, ms: Math.round((performance.now() - started) * 10) / 10, ...(fault ? { err: fault } : {}) };
      logger[level](line, `${req.method} ${url} ${status}`);
    });
    next();
  };
}
