// Requests built from the contract: each operation with its method, path, a value for every path parameter
// (its example, or the first of its enum) and its example body. Authorization and robustness tests drive
// every operation this way, so an operation added to the contract is driven too.
import type { OperationId } from '../../packages/server/src/http/handler.ts';
import { listOperations, loadSpec, type SpecOperation } from '../../packages/server/src/spec.ts';

interface ContractParameter {
  name: string;
  in: string;
  example?: unknown;
  schema?: { example?: unknown; enum?: unknown[] };
}

type Ref = { $ref: string };

export interface ContractOperationEntry {
  parameters?: (ContractParameter | Ref)[];
  requestBody?: { content: Record<string, { example?: unknown }> };
  responses: Record<string, unknown>;
}

export interface ContractRequest extends SpecOperation {
  id: OperationId;
  /** The upper-case HTTP method. */
  verb: string;
  op: ContractOperationEntry;
  /** A valid value for each path parameter. */
  params: Record<string, string>;
  /** The media type of the request body and its example, when the operation takes one. */
  body?: { type: string; example: unknown };
}

const document = loadSpec().document;
const resolve = (p: ContractParameter | Ref): ContractParameter =>
  '$ref' in p ? resolve(p.$ref.split('/').slice(1).reduce((node, key) => node[key], document) as ContractParameter) : p;

function pathValues(path: string, op: ContractOperationEntry): Record<string, string> {
  const params = [...(document.paths[path].parameters ?? []), ...(op.parameters ?? [])].map(resolve).filter((p) => p.in === 'path');
  return Object.fromEntries(params.map((p) => [p.name, String(p.example ?? p.schema?.example ?? p.schema?.enum?.[0] ?? '1')]));
}

/** Every operation of the contract that `keep` accepts, ready to send. */
export function contractRequests(keep: (o: SpecOperation) => boolean): ContractRequest[] {
  return listOperations(document).filter(keep).map((o) => {
    const op = document.paths[o.path][o.method] as ContractOperationEntry;
    const [type, media] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
    return { ...o, id: o.operationId as OperationId, verb: o.method.toUpperCase(), op, params: pathValues(o.path, op), ...(type ? { body: { type, example: media!.example } } : {}) };
  });
}

/** The path with `values` (then the contract's examples) in place of its parameters. */
export function fillPath(request: ContractRequest, values: Record<string, string>): string {
  let path = request.path;
  for (const [name, value] of Object.entries({ ...request.params, ...values })) path = path.replace(`{${name}}`, encodeURIComponent(value));
  return path;
}

/**
 * Sends the request with its example body: JSON as JSON; for any other media type, the example's fields as
 * a multipart form (no files), which is enough to reach the operation's checks.
 */
export function sendContractRequest(baseUrl: string, request: ContractRequest, path: string, token: string | null): Promise<Response> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let body: BodyInit | undefined;
  if (request.body?.type === 'application/json') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.body.example);
  } else if (request.body) {
    const form = new FormData();
    for (const [k, v] of Object.entries((request.body.example ?? {}) as Record<string, unknown>)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
    body = form;
  }
  return fetch(`${baseUrl}${path}`, { method: request.verb, headers, body });
}
