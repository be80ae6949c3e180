// The Torc family as the server sees it: its paths, its ArangoDB-style error body, its lease settings and
// its composition root.
import { readInteger } from '../env.ts';
import { ErrorCatalog, type AppError, type ErrorCode } from '../errors.ts';
import { defineFamily } from '../family/module.ts';
import { createTorcHandlers, createTorcServices } from './composition.ts';

export interface TorcConfig {
  /** Seconds a claimed job may wait for start_job before it is handed out again. */
  claimLeaseSeconds: number;
  /** Seconds without hearing from a worker after which its running jobs are handed out again. */
  nodeLeaseSeconds: number;
}

// Torc clients were written against ArangoDB's answers; where an error carries the catalog's neutral
// default message, say it the way they know it.
const TORC_WORDING: Partial<Record<ErrorCode, string>> = {
  DOCUMENT_NOT_FOUND: 'document not found',
  REVISION_REQUIRED: 'The body must carry the document _key and its current _rev',
  REVISION_CONFLICT: 'conflict, _rev values do not match',
};

const wording = (e: AppError) => (e.message === ErrorCatalog[e.code].message ? TORC_WORDING[e.code] ?? e.message : e.message);

export const torcModule = defineFamily({
  name: 'torc',
  prefixes: ['/torc-service'],
  publicPaths: ['/torc-service/ping'],
  renderError: (e) => ({ error: true, code: e.status, errorNum: e.status, errorMessage: wording(e), pipeloomCode: e.code }),
  readConfig: (env): TorcConfig => ({
    claimLeaseSeconds: readInteger(env, 'PIPELOOM_CLAIM_LEASE_SECONDS', 60, { min: 1, unit: 'a whole number of seconds' }),
    nodeLeaseSeconds: readInteger(env, 'PIPELOOM_NODE_LEASE_SECONDS', 120, { min: 1, unit: 'a whole number of seconds' }),
  }),
  createServices: ({ database, config, clock, identity, engine }) =>
    createTorcServices(database, identity, engine, { claimSeconds: config.claimLeaseSeconds, nodeSeconds: config.nodeLeaseSeconds }, clock),
  createHandlers: createTorcHandlers,
  // A workflow's jobs arrive in bulk and a whole specification in one body; every other body is small.
  bodyLimits: { add_jobs: '64mb', add_workflow_specification: '64mb' },
});
