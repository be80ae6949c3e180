// Node facilities the PLynx client uses only when asked to (a token file, an upload by path), reached at run
// time through `process.getBuiltinModule` so that `@pipeloom/sdk/plynx` imports no Node builtin and bundles
// for browsers. There, these answer as if the variable were unset, or fail with a clear message.
import { InvalidUsageError } from './errors.js';

const runtime = (): NodeJS.Process | undefined => (globalThis as { process?: NodeJS.Process }).process;

/** An environment variable, or undefined outside Node. */
export function environment(name: string): string | undefined {
  return runtime()?.env?.[name];
}

interface NodeBuiltins {
  'node:fs': typeof import('node:fs');
  'node:os': typeof import('node:os');
  'node:path': typeof import('node:path');
}

/** A Node builtin module; fails naming `what` when the code runs outside Node (>= 20.16). */
export function nodeBuiltin<ID extends keyof NodeBuiltins>(id: ID, what: string): NodeBuiltins[ID] {
  const node = runtime();
  if (!node?.getBuiltinModule) throw new InvalidUsageError(`${what} needs Node.js; in a browser pass it explicitly`);
  return node.getBuiltinModule(id) as NodeBuiltins[ID];
}
