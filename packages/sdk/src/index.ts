/**
 * The Pipeloom SDK: a typed client for the Torc, PLynx, Dioptra and Flow APIs that Pipeloom serves.
 * @module
 */
export { createPipeloomClient, type PipeloomClient, type PipeloomClientOptions } from './client.js';
export { ApiError, toApiError, unwrap } from './errors.js';
export type { components, operations, paths } from './generated/schema.js';
export { operationIndex, type OperationIndex, type HttpMethod } from './generated/operation-index.js';
