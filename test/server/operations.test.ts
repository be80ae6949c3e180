// Every operation of the contract belongs to exactly one registered family and is either implemented or
// answers 501 in that family's error body; a family cannot register a handler the contract lacks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../packages/server/src/errors.ts';
import { FAMILY_MODULES, moduleOf } from '../../packages/server/src/families.ts';
import { underPrefix } from '../../packages/server/src/family/module.ts';
import { enumerateHandlers, checkHandlers, HandlerMismatchError } from '../../packages/server/src/handlers.ts';
import { loadConfig } from '../../packages/server/src/config.ts';
import { listOperations } from '../../packages/server/src/spec.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const operations = listOperations();
const handlers = enumerateHandlers(loadConfig({}).families);
const unimplemented = operations.filter((o) => !(o.operationId in handlers));

describe('the family registry', () => {
  it('gives every path of the contract to exactly one family, and no two families share a prefix', () => {
    for (const op of operations) {
      const owners = FAMILY_MODULES.filter((m) => m.prefixes.some((p) => underPrefix(op.path, p)));
      expect(owners.map((m) => m.name), op.path).toEqual([op.family]);
    }
    const prefixes = FAMILY_MODULES.flatMap((m) => m.prefixes.map((p) => ({ family: m.name, p })));
    for (const a of prefixes) for (const b of prefixes) if (a !== b) expect(underPrefix(a.p, b.p), `${a.p} under ${b.p}`).toBe(false);
  });

  it('leaves /api/v1 outside Flow\'s own resources to no family', () => {
    expect(moduleOf('/api/v1/flow/pipeline')?.name).toBe('flow');
    expect(moduleOf('/api/v1/something_else')).toBeUndefined();
    expect(moduleOf('/api/queues')).toBeUndefined();
  });

  it('When a family registers a handler for an operationId the contract lacks, then building the handlers fails with its name', () => {
    const familyOf = new Map(operations.map((o) => [o.operationId, o.family]));
    expect(() => checkHandlers('torc', ['ping', 'pnig'], familyOf)).toThrow(HandlerMismatchError);
    expect(() => checkHandlers('torc', ['pnig'], familyOf)).toThrow(/pnig/);
    expect(() => checkHandlers('plynx', ['ping'], familyOf)).toThrow(/other families/);
    expect(() => checkHandlers('torc', ['ping'], familyOf)).not.toThrow();
  });
});

describe('every operation of the contract', () => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer('sqlite'); });
  afterAll(async () => { await t?.close(); });

  it('is implemented or listed as unimplemented (the two lists cover the contract)', () => {
    expect(operations.length - unimplemented.length).toBe(Object.keys(handlers).length);
  });

  it.each(unimplemented.map((o) => [o.operationId, o] as const))('%s answers 501 in its family\'s error body', async (operationId, op) => {
    const path = op.path.replace(/\{[^}]+\}/g, 'x1');
    const r = await fetch(`${t.url}${path}`, { method: op.method.toUpperCase(), ...(op.method === 'get' || op.method === 'delete' ? {} : { headers: { 'content-type': 'application/json' }, body: '{}' }) });
    expect(r.status).toBe(501);
    const family = FAMILY_MODULES.find((m) => m.name === op.family)!;
    expect(await r.json()).toEqual(family.renderError(new AppError('NOT_IMPLEMENTED', `operation ${operationId} is not implemented yet`)));
  });
});
