// Per-operation types for overrides, derived from the generated `operations` of the contract.
import type { operations } from '../generated/schema.js';
import type { MockStore } from './store.js';

export type OperationId = keyof operations;

type Responses<Id extends OperationId> = operations[Id]['responses'];
type ContentOf<R> = R extends { content: infer C } ? (C extends Record<string, infer Body> ? Body : undefined) : undefined;

/** An answer with `status` and a body of that status's schema; the body may be left out only where there is none. */
type Answer<Status, Body> = [Body] extends [undefined]
  ? { status: Status; headers?: Record<string, string>; body?: undefined }
  : { status: Status; headers?: Record<string, string>; body: Body };

/** One declared answer of an operation: a status it declares and a body of that status's schema. */
export type MockResponse<Id extends OperationId> = {
  [Status in keyof Responses<Id>]: Answer<Status extends 'default' ? number : Status, ContentOf<Responses<Id>[Status]>>;
}[keyof Responses<Id>];

type PathParams<Id extends OperationId> = operations[Id]['parameters'] extends { path: infer P } ? { [Name in keyof P]: string } : Record<string, never>;
type RequestBody<Id extends OperationId> = operations[Id] extends { requestBody: { content: infer C } } ? C[keyof C] : operations[Id] extends { requestBody?: { content: infer C } } ? C[keyof C] | undefined : undefined;

/** What an override is called with; the body has already been validated against the contract. */
export interface MockRequestInfo<Id extends OperationId> {
  params: PathParams<Id>;
  query: URLSearchParams;
  /** The JSON body, or form fields as an object (files by their name). */
  body: RequestBody<Id>;
  request: Request;
  store: MockStore;
}

/** Answers one operation: a typed `{ status, body }` or, as an escape hatch, any `Response`. */
export type MockResolver<Id extends OperationId> = (info: MockRequestInfo<Id>) => MockResponse<Id> | Response | Promise<MockResponse<Id> | Response>;
