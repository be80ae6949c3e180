// The mock API: one msw handler per operation, stateful where the families keep data, defaults elsewhere.
import { http, HttpResponse, type HttpHandler } from 'msw';
import { operationIndex } from '../generated/operation-index.js';
import { familyOf, requestBodyOf, successResponse, type OperationId } from './contract.js';
import { dioptraHandlers } from './dioptra.js';
import { badRequest, errorBody, MockError } from './errors.js';
import { flowHandlers } from './flow.js';
import { plynxHandlers } from './plynx.js';
import { routeOrder, toMswPath } from './routes.js';
import { defaultBody } from './sample.js';
import type { StatefulHandlers } from './stateful.js';
import { createStore, type MockSeed, type MockStore } from './store.js';
import { torcHandlers } from './torc.js';
import type { MockResolver, MockResponse } from './types.js';
import { describeErrors, requestSchemaPointer, validatorAt } from './validate.js';

export interface MockApiOptions {
  /** Where the client sends requests, e.g. `http://pipeloom.test` (absolute: msw in Node needs a host). */
  baseUrl: string;
  /** The initial state; `api.store` (or a copy of it) from another mock reproduces that mock. */
  seed?: MockSeed;
}

export interface MockApi {
  /** One msw handler per operation of the contract, for `setupServer(...)` or `setupWorker(...)`. */
  handlers: HttpHandler[];
  /**
   * Answers `operationId` with `resolver` until `reset()`. The answer is typed by the contract: a status the
   * operation does not declare, or a body that does not fit it, does not compile. The request body has been
   * validated before the resolver runs; return a `Response` to send anything else.
   *
   * @example
   * ```ts
   * api.override('claim_queue_jobs', ({ params }) => ({ status: 200, body: { jobs: [], reason: `queue ${params.queue} is empty`, unfinished_jobs: 0 } }));
   * ```
   */
  override<Id extends OperationId>(operationId: Id, resolver: NoInfer<MockResolver<Id>>): void;
  /** Restores the initial (seeded) state and drops every override. */
  reset(): void;
  /**
   * The live state, to inspect in assertions or to seed another mock with.
   *
   * @example
   * ```ts
   * expect(Object.values(api.store.torc.workflows).map((w) => w.name)).toEqual(['demo']);
   * const copy = createMockApi({ baseUrl: 'http://pipeloom.test', seed: api.store });
   * ```
   */
  readonly store: MockStore;
}

const stateful: StatefulHandlers = { ...torcHandlers(), ...plynxHandlers(), ...dioptraHandlers(), ...flowHandlers() };

/**
 * Creates an in-memory Pipeloom API for msw: every operation of the contract has a handler. Torc workflows
 * and their collections, PLynx graphs and nodes, Dioptra experiments, queues and jobs and Flow pipelines keep
 * state (creates, reads, updates, deletes and lists agree); other operations answer a schema-valid example.
 * Request bodies are validated against the contract and rejected with 400 in the family's error shape.
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { createMockApi } from '@pipeloom/sdk/msw';
 *
 * const api = createMockApi({ baseUrl: 'http://pipeloom.test' });
 * const server = setupServer(...api.handlers);
 * // a test may override any operation, typed from the contract:
 * api.override('get_workflow', ({ params }) => ({ status: 404, body: { error: true, code: 404, errorNum: 404, errorMessage: `workflow ${params.key} not found` } }));
 * api.reset(); // back to the initial state and no overrides
 * ```
 */
export function createMockApi(options: MockApiOptions): MockApi {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const seed = structuredClone(options.seed ?? {});
  const store = createStore(seed);
  const overrides = new Map<OperationId, MockResolver<OperationId>>();

  const handlers = routeOrder().map((id) => {
    const { method, path } = operationIndex[id];
    const route = http[method.toLowerCase() as Lowercase<typeof method>];
    return route(baseUrl + toMswPath(path), async ({ request, params }) => {
      const family = familyOf(id);
      try {
        const body = await readBody(id, request);
        const context = { params: params as Record<string, string>, query: new URL(request.url).searchParams, body, store, request };
        const override = overrides.get(id);
        if (override) return toResponse(await override(context as never));
        const answer = stateful[id]?.(context);
        if (answer) return HttpResponse.json(answer.body as never, { status: answer.status ?? 200 });
        return defaultResponse(id);
      } catch (error) {
        if (error instanceof MockError) return HttpResponse.json(errorBody(family, error) as never, { status: error.status });
        throw error;
      }
    });
  });

  return {
    handlers,
    override: (operationId, resolver) => {
      if (!(operationId in operationIndex)) throw new Error(`unknown operation ${String(operationId)}`);
      overrides.set(operationId, resolver as unknown as MockResolver<OperationId>);
    },
    reset: () => {
      overrides.clear();
      Object.assign(store, createStore(seed));
    },
    store,
  };
}

/** Parses the body by its content type and validates it against the operation's request schema. */
async function readBody(id: OperationId, request: Request): Promise<unknown> {
  const requestBody = requestBodyOf(id);
  if (!requestBody?.content) return undefined;
  const contentType = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const text = contentType.startsWith('multipart/') || contentType === 'application/x-www-form-urlencoded' ? undefined : await request.clone().text();
  if (text !== undefined && text.trim() === '') {
    if (requestBody.required) throw badRequest('request/body is required');
    return undefined;
  }
  const form = text === undefined;
  let body: unknown;
  try {
    body = form ? formFields(await request.clone().formData()) : JSON.parse(text);
  } catch {
    throw badRequest('request/body is not valid JSON');
  }
  const mediaType = form ? contentType : Object.keys(requestBody.content).find((t) => t.includes('json')) ?? contentType;
  const pointer = requestSchemaPointer(id, mediaType);
  // A 400 rather than 415: the contract declares 400 for every operation with a body, and 415 nowhere.
  if (!pointer) throw badRequest(`request/body: unsupported content type ${contentType || '(none)'}`);
  const validate = validatorAt(pointer, form);
  if (!validate(body)) throw badRequest(describeErrors(validate.errors));
  return body;
}

/** Form fields as an object; repeated fields become lists, files are represented by their name. */
function formFields(form: FormData): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of form) {
    const item = typeof value === 'string' ? value : value.name;
    const previous = fields[name];
    fields[name] = previous === undefined ? item : Array.isArray(previous) ? [...previous, item] : [previous, item];
  }
  return fields;
}

function toResponse(answer: MockResponse<OperationId> | Response): Response {
  if (answer instanceof Response) return answer;
  const { status, headers, body } = answer as unknown as { status: number; headers?: Record<string, string>; body?: unknown };
  return body === undefined ? new HttpResponse(null, { status, headers }) : HttpResponse.json(body as never, { status, headers });
}

/** The contract's first 2xx answer with its example (or a body built from its schema). */
function defaultResponse(id: OperationId): Response {
  const { status, contentType } = successResponse(id);
  const body = defaultBody(id);
  if (!contentType) return new HttpResponse(null, { status });
  if (contentType.includes('json')) return HttpResponse.json(body as never, { status, headers: { 'content-type': contentType } });
  return new HttpResponse(typeof body === 'string' ? body : '', { status, headers: { 'content-type': contentType } });
}
