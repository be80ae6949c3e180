// Assembles the Express application, in this order: one log line per request, the server's own pages
// (redirect, docs, probes), identity, bodies (read only once the caller is known, up to the operation's
// limit), contract validation, the operation handlers, and the one error middleware.
import path from 'node:path';
import express from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { ContentStore } from '../content/content-store.ts';
import { directoryContentStore } from '../content/directory-store.ts';
import type { Database } from '../db/client.ts';
import { FAMILY_MODULES } from '../families.ts';
import type { FamilyModule } from '../family/module.ts';
import { buildHandlers } from '../handlers.ts';
import { createIdentity } from '../identity/composition.ts';
import { createRunEngine } from '../torc/engine/torc-run-engine.ts';
import { listOperations, loadSpec, validatorDocument } from '../spec.ts';
import { authenticate } from './auth.ts';
import { requestBodies } from './body.ts';
import { uploadOptions } from './uploads.ts';
import { docsRouter } from './docs.ts';
import { errorMiddleware, notFoundMiddleware } from './errors.ts';
import { parameterText } from './parameter-text.ts';
import { dispatchOperations } from './handler.ts';
import { HEALTH_PATHS, healthRouter } from './health.ts';
import { operationMatcher } from './operation-matcher.ts';
import { requestLog } from './request-log.ts';
import { signInLimiter } from './sign-in-limits.ts';

export interface AppOptions {
  config: Config;
  database: Database;
  logger: Logger;
  /** The content store; a directory under the data folder by default. */
  content?: ContentStore;
  /** Validate every response against the contract (tests and CI); a mismatch becomes a 500. */
  validateResponses?: boolean;
  /** The clock services use; the system clock by default. */
  clock?: Clock;
}

export function createApp({ config, database, content = directoryContentStore(path.join(config.dataDir, 'content')), logger, validateResponses = false, clock }: AppOptions): express.Express {
  const spec = loadSpec();
  const operations = listOperations(spec.document);
  // Built first so that a handler for an operation the contract lacks stops the server before it listens.
  const identity = createIdentity(database.db, { bootstrapTokens: config.tokens, sessionSecret: config.tokenSecret, clock });
  const engine = createRunEngine(database, clock ?? systemClock);
  const handlers = buildHandlers({ database, clock: clock ?? systemClock, identity, content, engine, dataDir: config.dataDir }, config.families, operations);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);

  app.use(requestLog(logger));
  app.use(forServerPages(docsRouter(spec)));
  app.use(forServerPages(healthRouter(database)));
  app.use(authenticate(identity, signInLimiter(config.signInLimits, clock ?? systemClock)));
  const match = operationMatcher(operations);
  app.use(requestBodies(match, handlers, FAMILY_MODULES));
  app.use(parameterText(spec.document, operations, match));
  app.use(OpenApiValidator.middleware({
    apiSpec: validatorDocument(spec.document) as never,
    validateRequests: { allowUnknownQueryParameters: false },
    validateResponses: validateResponses ? { removeAdditional: false } : false,
    validateSecurity: false,
    validateApiSpec: false,
    fileUploader: uploadOptions(largestUpload(config)),
    ignorePaths: /^\/(docs|openapi\.(yaml|json))(\/|$)/,
  }));

  app.use(dispatchOperations(operations, handlers));
  app.use(notFoundMiddleware());
  app.use(errorMiddleware());
  return app;
}

/** The largest file any family accepts: uploads are cut off above it while they arrive. */
function largestUpload(config: Config): number | undefined {
  const limits = (FAMILY_MODULES as readonly FamilyModule[]).flatMap((m) => (m.maxUploadBytes ? [m.maxUploadBytes(config.families[m.name as keyof Config['families']])] : []));
  return limits.length ? Math.max(...limits) : undefined;
}

const SERVER_PAGES = new Set(['/', '/openapi.yaml', '/openapi.json', '/docs', ...HEALTH_PATHS]);

/**
 * Runs a router of the server's own pages only for their paths, so API requests skip walking its routes.
 * The test is as loose as Express's routing: any case, an optional trailing slash, anything under /docs/.
 */
function forServerPages(router: express.RequestHandler): express.RequestHandler {
  return (req, res, next) => {
    const path = req.path.toLowerCase();
    const page = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    if (SERVER_PAGES.has(page) || page.startsWith('/docs/')) return router(req, res, next);
    next();
  };
}
