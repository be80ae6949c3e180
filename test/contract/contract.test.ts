// The contract is complete and honest: every endpoint the upstream documentation lists is in openapi.yaml,
// Torc's operations and document fields match Torc's own spec, and every operation and schema is
// described, exemplified and documents its errors in its family's shape.
import { describe, expect, it } from 'vitest';
import { listOperations, loadSpec, type OpenApiDocument } from '../../packages/server/src/spec.ts';
import { extractUpstreamFacts, loadFixture, sharedAvailable, type Family } from './upstream.ts';

const spec = loadSpec().document;
const operations = listOperations(spec);
const ours = new Set(operations.map((o) => `${o.method.toUpperCase()} ${o.path}`));
const facts = loadFixture();

const ERROR_SHAPE: Record<Family, string> = { torc: 'TorcError', plynx: 'PlynxError', dioptra: 'DioptraError', flow: 'FlowError' };

describe('the upstream documentation', () => {
  it.runIf(sharedAvailable())('is what test/fixtures/upstream-endpoints.json says (regenerate with `npx tsx test/contract/upstream.ts`)', () => {
    expect(extractUpstreamFacts()).toEqual(facts);
  });

  it.each(['torc', 'plynx', 'dioptra', 'flow'] as const)('every %s endpoint of the seed documents is in openapi.yaml', (family) => {
    const documented = facts.seeds[family].map((e) => `${e.method} ${e.path}`);
    const missing = documented.filter((e) => !ours.has(e));
    console.log(`${family}: ${documented.length - missing.length} / ${documented.length} documented endpoints in openapi.yaml`);
    expect(missing).toEqual([]);
    expect(documented.length).toBeGreaterThan(0);
  });
});

describe("Torc's own spec", () => {
  const torcOps = operations.filter((o) => o.family === 'torc' && !o.extension);

  it('has the same 136 method + path pairs under /torc-service, with the same operationIds', () => {
    const upstream = facts.torc.operations.map((o) => `${o.method} ${o.path} ${o.operationId}`).sort();
    const mine = torcOps.map((o) => `${o.method.toUpperCase()} ${o.path} ${o.operationId}`).sort();
    expect(upstream).toHaveLength(136);
    expect(mine).toEqual(upstream);
  });

  it.each(Object.keys(facts.torc.models))('%s has the same field names as Torc', (model) => {
    const schema = spec.components.schemas[model] as OpenApiDocument | undefined;
    expect(schema, `components.schemas.${model}`).toBeDefined();
    // `_oldRev` is what Torc returns on updates without declaring it; we declare it (read-only). Fields that
    // Pipeloom adds are marked `x-pipeloom-extension: true`.
    const properties = Object.entries<OpenApiDocument>(schema!.properties ?? {});
    const fields = properties.filter(([f, p]) => f !== '_oldRev' && p['x-pipeloom-extension'] !== true).map(([f]) => f).sort();
    expect(fields).toEqual(facts.torc.models[model]);
  });
});

describe('every operation', () => {
  it.each(operations.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o] as const))('%s is described, tagged, secured and documents its errors', (_name, op) => {
    const operation = spec.paths[op.path][op.method] as OpenApiDocument;
    expect(operation.summary?.length).toBeGreaterThan(0);
    expect(operation.description?.length).toBeGreaterThan(0);
    expect(operation.tags?.length).toBeGreaterThan(0);
    expect(Array.isArray(operation.security)).toBe(true);
    const errors = Object.entries<OpenApiDocument>(operation.responses).filter(([status]) => Number(status) >= 400);
    expect(errors.map(([s]) => s)).toContain('401');
    for (const [status, response] of errors) {
      const shape = JSON.stringify(resolve(response).content ?? {});
      expect(shape, `${status} of ${op.operationId}`).toContain(`#/components/schemas/${ERROR_SHAPE[op.family]}`);
    }
    const json = resolve(operation.requestBody ?? {}).content?.['application/json'];
    if (json) expect(json.example ?? json.examples ?? resolve(json.schema).example, `request example of ${op.operationId}`).toBeDefined();
  });
});

describe('every schema', () => {
  it.each(Object.entries<OpenApiDocument>(spec.components.schemas))('%s has a description and an example', (_name, schema) => {
    expect(schema.description?.length).toBeGreaterThan(0);
    expect(schema.example ?? schema.examples).toBeDefined();
  });
});

function resolve(node: OpenApiDocument): OpenApiDocument {
  let n = node;
  while (n?.$ref) n = n.$ref.slice(2).split('/').reduce((o: OpenApiDocument, k: string) => o[k], spec);
  return n;
}
