// One log line per request, written when the response is done: method, path, status, duration and the
// request id (taken from x-request-id, so a proxy's id follows the request, or made up). Expected failures
// are logged without a stack; only a fault the error middleware recorded carries one.
import { randomUUID } from 'node:crypto';
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

function levelFor(status: number): 'info' | 'warn' | 'error' {
  if (status >= 500 && status !== 501 && status !== 503) return 'error';
  if (status >= 400 && status !== 501) return 'warn';
  return 'info';
}

export function requestLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers['x-request-id'];
    const id = typeof header === 'string' && header.length > 0 && header.length <= 200 ? header : randomUUID();
    res.setHeader('x-request-id', id);
    req.id = id;
    req.log = logger.child({ reqId: id });
    const started = process.hrtime.bigint();
    let logged = false;
    const done = () => {
      if (logged) return;
      logged = true;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const status = res.writableFinished ? res.statusCode : 499;
      const fault = (res.locals as Record<symbol, unknown>)[FAULT];
      req.log[levelFor(status)]({ method: req.method, path: req.originalUrl, status, ms: Math.round(ms * 10) / 10, ...(fault ? { err: fault } : {}) },
        `${req.method} ${req.originalUrl} ${status}`);
    };
    res.once('finish', done);
    res.once('close', done);
    next();
  };
}
