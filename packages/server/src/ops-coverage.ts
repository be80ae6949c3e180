// `npm run ops:coverage`: how many of the spec's operations have a handler, per family. Both numbers come
// from the code (the spec and each family module's handlers), never from a hand-kept list. Upstream's
// documented operations are counted apart from Pipeloom's extensions and from alias paths.
import { FAMILY_MODULES } from './families.ts';
import type { FamilyModule } from './family/module.ts';
import { loadConfig } from './config.ts';
import { enumerateHandlers } from './handlers.ts';
import { listOperations, type SpecOperation } from './spec.ts';

const handlers = enumerateHandlers(loadConfig().families);
const operations = listOperations();
const done = (ops: SpecOperation[]) => ops.filter((o) => o.operationId in handlers).length;
const line = (label: string, ops: SpecOperation[]) => `${label.padEnd(9)} implemented ${String(done(ops)).padStart(3)} / total ${String(ops.length).padStart(3)} operations`;

for (const { name } of FAMILY_MODULES as readonly FamilyModule[]) {
  const ops = operations.filter((o) => o.family === name);
  const documented = ops.filter((o) => !o.extension && !o.alias);
  const extras = [
    ['Pipeloom extensions', ops.filter((o) => o.extension)],
    ['alias paths', ops.filter((o) => o.alias)],
  ] as const;
  const notes = extras.filter(([, list]) => list.length).map(([name, list]) => `+ ${list.length} ${name} (${done(list)} implemented)`);
  console.log(`${line(name, documented)}${notes.length ? `  ${notes.join(', ')}` : ''}`);
}
console.log(line('all', operations));
