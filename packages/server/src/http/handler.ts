// Handlers are looked up by operationId and typed from the generated `operations`, so a handler whose
// parameters, body or reply disagree with openapi.yaml does not compile. Operations without a handler
// answer 501 NOT_IMPLEMENTED in their family's error shape.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { operations } from '@pipeloom/sdk/generated';
import { AppError } from '../errors.ts';
import type { SpecOperation } from '../spec.ts';
import type { Identity } from './auth.ts';
import { JsonStream, writeJsonStream } from './json-stream.ts';

export type OperationId = keyof operations;
type Op<Id extends OperationId> = operations[Id];

type ContentOf<T> = T extends { content: infer C } ? C[keyof C] : undefined;
type Present<T> = [NonNullable<T>] extends [never] ? Record<string, never> : NonNullable<T>;

export type PathParams<Id extends OperationId> = Present<Op<Id>['parameters']['path']>;
export type QueryParams<Id extends OperationId> = Present<Op<Id>['parameters']['query']>;
export type RequestBody<Id extends OperationId> = Op<Id> extends { requestBody: infer B }
  ? ContentOf<B>
  : Op<Id> extends { requestBody?: infer B } ? ContentOf<NonNullable<B>> | undefined : undefined;

type SuccessStatus = 200 | 201 | 202 | 204;
type Responses<Id extends OperationId> = Op<Id>['responses'];
/** A body as it is, or streamed (large lists) in the same documented shape. */
type BodyOf<B> = B | JsonStream<B>;
/** What a handler returns: one of the operation's documented success responses. */
export type Reply<Id extends OperationId> = {
  [S in keyof Responses<Id> & SuccessStatus]: { status: S; body: BodyOf<ContentOf<Responses<Id>[S]>> };
}[keyof Responses<Id> & SuccessStatus];

export interface HandlerContext<Id extends OperationId> {
  params: PathParams<Id>;
  query: QueryParams<Id>;
  body: RequestBody<Id>;
  identity: Identity;
  log: Logger;
  /** Escape hatches for the few handlers that stream or read files. */
  req: Request;
  res: Response;
}

export type Handler<Id extends OperationId> = (ctx: HandlerContext<Id>) => Reply<Id> | Promise<Reply<Id>>;
export type HandlerMap = { [Id in OperationId]?: Handler<Id> };

/** What express-openapi-validator adds to a request it has matched. */
type ValidatedRequest = Request & { openapi?: { pathParams?: Record<string, unknown>; schema?: { operationId?: string } } };

/**
 * One middleware dispatches every operation: express-openapi-validator has already matched the request to
 * its operation (literal segments before parameters), so a second routing pass through Express would only
 * repeat that work on the hot path.
 */
export function dispatchOperations(operations: SpecOperation[], handlers: HandlerMap): RequestHandler {
  const known = new Set(operations.map((o) => o.operationId));
  return async (req: Request, res: Response, next: NextFunction) => {
    const validated = req as ValidatedRequest;
    const operationId = validated.openapi?.schema?.operationId;
    if (!operationId || !known.has(operationId)) return next();
    const handler = handlers[operationId as OperationId] as Handler<OperationId> | undefined;
    if (!handler) throw new AppError('NOT_IMPLEMENTED', `operation ${operationId} is not implemented yet`);
    const reply = await handler({
      // express-openapi-validator has coerced these to the types the spec declares.
      params: (validated.openapi?.pathParams ?? req.params) as never,
      query: req.query as never,
      body: req.body as never,
      identity: res.locals.identity as Identity,
      // Read on use: most handlers never log, and the request's child logger is made on first use.
      get log() { return req.log; },
      req,
      res,
    });
    if (res.headersSent) return;
    if (reply.body instanceof JsonStream) await writeJsonStream(res, reply.status as number, reply.body);
    else if (reply.body === undefined) res.status(reply.status as number).end();
    else res.status(reply.status as number).json(reply.body);
  };
}
