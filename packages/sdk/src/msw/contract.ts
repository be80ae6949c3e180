// The bundled contract as plain data: operations, their request and response schemas, and `$ref` lookup.
import contractDocument from '../generated/openapi.json' with { type: 'json' };
import { operationIndex, type OperationIndex } from '../generated/operation-index.js';

export type OperationId = keyof OperationIndex;
export type JsonObject = Record<string, unknown>;
export type Family = 'torc' | 'plynx' | 'dioptra' | 'flow';

interface MediaType { schema?: JsonObject; example?: unknown; examples?: Record<string, { value?: unknown }> }
interface ResponseObject { content?: Record<string, MediaType> }
export interface RequestBody { required?: boolean; content?: Record<string, MediaType> }
interface OperationObject { requestBody?: RequestBody; responses: Record<string, ResponseObject> }

/** An operation's request body, with a `$ref` to `#/components/requestBodies` followed. */
export const requestBodyOf = (id: OperationId) => resolve<RequestBody | undefined>(operationObject(id).requestBody);

/** The bundled OpenAPI 3.1 document (also handed to ajv as one schema resource). */
export const contract = contractDocument as unknown as JsonObject & { paths: Record<string, Record<string, OperationObject>> };

export const operationIds = Object.keys(operationIndex) as OperationId[];

/** Follows local `$ref`s (`#/components/...`) until it reaches a node that is not a reference. */
export function resolve<T = JsonObject>(node: unknown): T {
  let current = node as JsonObject;
  while (current && typeof current.$ref === 'string') current = pointer(current.$ref);
  return current as T;
}

function pointer(ref: string): JsonObject {
  const steps = ref.replace(/^#\//, '').split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  return steps.reduce<unknown>((node, step) => (node as JsonObject)[step], contract) as JsonObject;
}

/** JSON pointer of an operation inside the document, for ajv `$ref`s into it. */
export function operationPointer(id: OperationId): string {
  const { method, path } = operationIndex[id];
  return `#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}`;
}

export function operationObject(id: OperationId): OperationObject {
  const { method, path } = operationIndex[id];
  return contract.paths[path]![method.toLowerCase()]!;
}

/** The family an operation belongs to decides its error shape. */
export function familyOf(id: OperationId): Family {
  const { path } = operationIndex[id];
  if (path.startsWith('/torc-service/')) return 'torc';
  if (path.startsWith('/plynx/')) return 'plynx';
  if (path.startsWith('/api/v1/')) return 'flow';
  return 'dioptra';
}

export interface SuccessResponse {
  status: number;
  contentType?: string;
  media?: MediaType;
}

/** The first 2xx response an operation declares: what a mock answers when nothing else applies. */
export function successResponse(id: OperationId): SuccessResponse {
  const responses = operationObject(id).responses;
  const status = Object.keys(responses).filter((s) => /^2\d\d$/.test(s)).sort()[0] ?? '200';
  const response = resolve<ResponseObject>(responses[status]);
  const contentType = response?.content ? Object.keys(response.content)[0] : undefined;
  return { status: Number(status), contentType, media: contentType ? response.content![contentType] : undefined };
}
