// Every operation of the contract answers through the mock: one minimal valid request each, against a store
// seeded with the contract's own examples, and the answer must be a 2xx that validates against the contract.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import { operationIndex } from '../../packages/sdk/src/generated/operation-index.ts';
import { createMockApi, type MockSeed } from '../../packages/sdk/src/msw/index.ts';
import { contract, operationIds, requestBodyOf, resolve, successResponse, type JsonObject, type OperationId } from '../../packages/sdk/src/msw/contract.ts';
import { sampleSchema } from '../../packages/sdk/src/msw/sample.ts';
import { TORC_COLLECTIONS } from '../../packages/sdk/src/msw/torc.ts';
import { responseSchemaPointer, validatorAt } from '../../packages/sdk/src/msw/validate.ts';

const baseUrl = 'http://every-operation.test';
const schemas = (contract.components as { schemas: Record<string, JsonObject> }).schemas;
const example = (name: string) => structuredClone(schemas[name]!.example) as JsonObject;

// The path examples of the contract name workflow 17 and document 95; the store holds exactly those.
function seed(): MockSeed {
  const collections = Object.fromEntries(TORC_COLLECTIONS.map((name) => {
    const getter = operationIds.find((id) => operationIndex[id].method === 'GET' && operationIndex[id].path === `/torc-service/workflows/{workflow}/${name}/{key}`)!;
    const media = successResponse(getter).media!;
    const document = { ...(sampleSchema(media.schema) as JsonObject), _key: '95', _id: `${name}__17/95`, _rev: '1' };
    return [name, { 95: document }];
  }));
  const graph = example('PlynxGraph');
  const node = example('PlynxNode');
  const experiment = example('DioptraExperiment');
  const queue = example('DioptraQueue');
  const job = example('DioptraJob');
  const pipeline = example('FlowPipeline');
  return {
    torc: { workflows: { 17: { ...example('workflow_model'), _key: '17', _id: 'workflows/17', _rev: '1' } }, collections: { 17: collections }, nextKey: 1000 },
    plynx: { graphs: { [graph._id as string]: graph }, nodes: { [node._id as string]: node } },
    dioptra: { experiments: { [String(experiment.experimentId)]: experiment }, queues: { [String(queue.queueId)]: queue }, jobs: { [job.jobId as string]: job }, nextId: 100 },
    flow: { pipelines: { [pipeline.id as string]: pipeline } },
  };
}

const api = createMockApi({ baseUrl, seed: seed() });
const server = setupServer(...api.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => api.reset());
afterAll(() => server.close());

interface Parameter { name: string; in: string; example?: unknown; schema?: JsonObject }

function parameters(id: OperationId): Parameter[] {
  const { method, path } = operationIndex[id];
  const item = contract.paths[path] as unknown as { parameters?: unknown[] } & Record<string, { parameters?: unknown[] }>;
  return [...(item.parameters ?? []), ...(item[method.toLowerCase()]!.parameters ?? [])].map((p) => resolve<Parameter>(p));
}

function url(id: OperationId): string {
  const params = parameters(id).filter((p) => p.in === 'path');
  const value = (name: string) => {
    const p = params.find((q) => q.name === name);
    const fallback = name === 'workflow' ? '17' : name === 'key' ? '95' : 'x';
    return String(p?.example ?? p?.schema?.example ?? fallback);
  };
  return baseUrl + operationIndex[id].path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(value(name)));
}

function requestInit(id: OperationId): RequestInit {
  const { method } = operationIndex[id];
  const requestBody = requestBodyOf(id);
  if (!requestBody?.content) return { method };
  const [contentType, media] = Object.entries(requestBody.content)[0]!;
  let body = (media.example ?? sampleSchema(media.schema)) as JsonObject;
  // Torc updates must name the revision the store holds.
  // Names must be free where the families keep them unique (the seed holds the examples' names).
  if (method === 'POST' && typeof body?.name === 'string') body = { ...body, name: `${body.name}-new` };
  if (method === 'PUT' && typeof body === 'object' && body && '_rev' in body) body = { ...body, _key: url(id).split('/').pop(), _rev: '1' };
  if (contentType === 'multipart/form-data') {
    const form = new FormData();
    for (const [name, value] of Object.entries(body)) form.append(name, typeof value === 'string' && value.startsWith('(binary') ? new Blob(['data']) : String(value));
    return { method, body: form };
  }
  if (contentType === 'application/x-www-form-urlencoded') return { method, body: new URLSearchParams(body as Record<string, string>) };
  return { method, body: JSON.stringify(body), headers: { 'content-type': contentType } };
}

describe('the mock answers every operation', () => {
  it('with a 2xx that validates against the operation\'s response schema', async () => {
    const failures: string[] = [];
    for (const id of operationIds) {
      api.reset();
      const response = await fetch(url(id), requestInit(id));
      const status = String(response.status);
      const text = await response.text();
      if (!status.startsWith('2')) {
        failures.push(`${id}: ${status} ${text.slice(0, 200)}`);
        continue;
      }
      const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!;
      if (!contentType.includes('json')) continue;
      const validate = validatorAt(responseSchemaPointer(id, status, successResponse(id).contentType!));
      if (!validate(JSON.parse(text))) failures.push(`${id}: ${JSON.stringify(validate.errors?.slice(0, 2))}`);
    }
    expect(failures).toEqual([]);
  });
});
