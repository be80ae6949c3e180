// What a stateful handler sees and returns; each family module maps operationIds to such handlers.
import type { OperationId } from './contract.js';
import type { MockStore } from './store.js';

export interface StatefulContext {
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed request body (JSON, or form fields as an object); already validated against the contract. */
  body: any;
  store: MockStore;
}

/** A body (status 200) or an explicit status; undefined falls back to the default answer; throw a MockError for an error. */
export type StatefulHandler = (context: StatefulContext) => { status?: number; body: unknown } | undefined;

export type StatefulHandlers = Partial<Record<OperationId, StatefulHandler>>;
