// Error bodies in each family's own shape (see the contract's TorcError, PlynxError, DioptraError, FlowError).
import type { Family } from './contract.js';

/** Thrown by stateful handlers; rendered in the error shape of the family that was called. */
export class MockError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export const notFound = (what: string) => new MockError(404, 'DOCUMENT_NOT_FOUND', `${what} was not found`);
export const badRequest = (message: string, code = 'VALIDATION_FAILED') => new MockError(400, code, message);
export const conflict = (message: string, code = 'REVISION_CONFLICT') => new MockError(409, code, message);

export function errorBody(family: Family, error: MockError): Record<string, unknown> {
  switch (family) {
    case 'torc': return { error: true, code: error.status, errorNum: error.status, errorMessage: error.message, pipeloomCode: error.code };
    case 'plynx': return { status: 'failed', message: error.message, code: error.code };
    case 'dioptra': return { message: error.message, code: error.code };
    case 'flow': return { status: 'ERROR', msg: error.message, code: error.code };
  }
}
