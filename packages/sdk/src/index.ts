/**
 * The Pipeloom SDK: a typed client for the Torc, PLynx, Dioptra and Flow APIs that Pipeloom serves.
 *
 * This entry is browser-safe: nothing in its module graph imports a Node builtin (a test bundles it for
 * the browser). The worker, job kinds and helpers that read files or run programs are in
 * `@pipeloom/sdk/node`, which also re-exports everything here.
 * @module
 */
export { createPipeloomClient, type PipeloomClient, type PipeloomClientOptions } from './client.js';
export { ApiError, toApiError, unwrap } from './errors.js';
export type { components, operations, paths } from './generated/schema.js';
export { operationIndex, type OperationIndex, type HttpMethod } from './generated/operation-index.js';
export * from './workflow/index.js';
