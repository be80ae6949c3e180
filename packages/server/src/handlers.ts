// Builds every family's services and handlers (each family's module is its own composition root) and checks
// the result against the contract before the server accepts a request.
import { FAMILY_MODULES, type FamilyConfigs } from './families.ts';
import type { FamilyContext, FamilyModule } from './family/module.ts';
import type { HandlerMap } from './http/handler.ts';
import { listOperations, type SpecOperation } from './spec.ts';

/** A family handles an operationId the contract does not declare, or declares under another family. */
export class HandlerMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HandlerMismatchError';
  }
}

/** What every family's services may use besides their own settings. */
export type SharedServices = Omit<FamilyContext<unknown>, 'config'>;

export function buildHandlers(shared: SharedServices, configs: FamilyConfigs, operations: SpecOperation[] = listOperations()): HandlerMap {
  const familyOf = new Map(operations.map((o) => [o.operationId, o.family]));
  const handlers: HandlerMap = {};
  for (const module of FAMILY_MODULES as readonly FamilyModule[]) {
    const config = configs[module.name as keyof FamilyConfigs];
    const own = module.createHandlers(module.createServices({ ...shared, config }));
    checkHandlers(module.name, Object.keys(own), familyOf);
    checkHandlers(module.name, Object.keys(module.bodyLimits ?? {}), familyOf, 'body limits');
    Object.assign(handlers, own);
  }
  return handlers;
}

/** Fails fast when a key is not one of the family's operationIds (a typo, or a renamed operation). */
export function checkHandlers(family: string, keys: string[], familyOf: Map<string, string>, what = 'handlers'): void {
  const unknown = keys.filter((k) => !familyOf.has(k));
  if (unknown.length) throw new HandlerMismatchError(`the ${family} family has ${what} for operations the contract does not declare: ${unknown.join(', ')}`);
  const foreign = keys.filter((k) => familyOf.get(k) !== family);
  if (foreign.length) throw new HandlerMismatchError(`the ${family} family has ${what} for other families' operations: ${foreign.join(', ')}`);
}

/**
 * The handler map without a database: for listing which operations are implemented (ops:coverage and the
 * contract tests). Handlers built this way must never be called; any use of a shared service throws.
 */
export function enumerateHandlers(configs: FamilyConfigs, operations: SpecOperation[] = listOperations()): HandlerMap {
  // Composition roots may read properties of what they are given (database.db, ...); only a call fails.
  const unusable: object = new Proxy(() => {}, {
    get: () => unusable,
    apply: () => { throw new Error('enumerateHandlers: the handlers were built without services and cannot run'); },
  });
  // Registering a listener is composition, not use: the engine takes it and never calls it.
  const engine = new Proxy(unusable, { get: (_target, property) => (property === 'onCancel' ? () => {} : unusable) });
  const shared = { database: unusable, clock: unusable, identity: unusable, content: unusable, engine } as SharedServices;
  return buildHandlers(shared, configs, operations);
}
