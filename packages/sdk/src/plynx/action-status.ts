// Action answers whose status is not SUCCESS become errors, as in PLynx's python client.
import { ApiActionError, ValidationFailedError } from './errors.js';
import type { GraphActionResponse, NodeActionResponse } from './types.js';

/**
 * Answers `response` if its status is SUCCESS (any case); VALIDATION_FAILED and anything else throw.
 * @example
 * ```ts
 * const answer = expectSuccess(await client.call(() => client.raw.POST('/plynx/api/v0/graphs/{graph_id}/validate', params)));
 * ```
 */
export function expectSuccess<R extends GraphActionResponse | NodeActionResponse>(response: R): R {
  const status = String(response.status).toUpperCase();
  if (status === 'SUCCESS') return response;
  if (status === 'VALIDATION_FAILED') throw new ValidationFailedError(response);
  throw new ApiActionError(response.message, 200, response);
}
