// Assembles the Express application: logging, the API description, body parsing, identity, contract
// validation, the operation handlers, and the one error middleware, in that order.
import express from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { listOperations, loadSpec, validatorDocument } from '../spec.ts';
import { buildHandlers } from '../handlers.ts';
import { authenticate } from './auth.ts';
import { docsRouter } from './docs.ts';
import { errorMiddleware, notFoundMiddleware } from './errors.ts';
import { dispatchOperations } from './handler.ts';

export interface AppOptions {
  config: Config;
  database: Database;
  logger: Logger;
  /** Validate every response against the contract (tests and CI); a mismatch becomes a 500. */
  validateResponses?: boolean;
  clock?: Clock;
}

export function createApp({ config, database, logger, validateResponses = false, clock }: AppOptions): express.Express {
  const spec = loadSpec();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);

  app.use(pinoHttp({
    logger,
    genReqId: (req, res) => {
      const id = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    customLogLevel: (_req, res) => (res.statusCode >= 500 && res.statusCode !== 501 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  }));

  app.use(docsRouter(spec));
  // Bulk job uploads and whole workflow specifications are large; everything else is small.
  app.use(express.json({ limit: '64mb' }));
  app.use(express.urlencoded({ extended: true, limit: '1mb' }));
  app.use(authenticate(config.tokens));
  app.use(OpenApiValidator.middleware({
    apiSpec: validatorDocument(spec.document) as never,
    validateRequests: { allowUnknownQueryParameters: false },
    validateResponses: validateResponses ? { removeAdditional: false } : false,
    validateSecurity: false,
    validateApiSpec: false,
    fileUploader: { limits: { fileSize: 256 * 1024 * 1024, files: 16 } },
    ignorePaths: /^\/(docs|openapi\.(yaml|json))(\/|$)/,
  }));

  app.use(dispatchOperations(listOperations(spec.document), buildHandlers(database, { claimSeconds: config.claimLeaseSeconds, nodeSeconds: config.nodeLeaseSeconds }, clock)));
  app.use(notFoundMiddleware());
  app.use(errorMiddleware());
  return app;
}
