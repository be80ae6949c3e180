// `npm run ops:coverage`: how many of the spec's operations have a handler, per family. Both numbers come
// from the code (the spec and the handler map), never from a hand-kept list.
import { FAMILIES } from './families.ts';
import { buildHandlers } from './handlers.ts';
import { listOperations } from './spec.ts';
import type { Database } from './db/client.ts';

// Handlers are only enumerated, never called, so no database is opened.
const handlers = buildHandlers({ db: {} as Database['db'], provider: 'sqlite', close: async () => {} });
const operations = listOperations();
let implemented = 0;
for (const family of FAMILIES) {
  const ops = operations.filter((o) => o.family === family);
  const done = ops.filter((o) => o.operationId in handlers).length;
  const extensions = ops.filter((o) => o.extension).length;
  const aliases = ops.filter((o) => o.alias).length;
  implemented += done;
  const notes = [extensions && `${extensions} Pipeloom extensions`, aliases && `${aliases} upstream alias paths`].filter(Boolean);
  const ext = notes.length ? ` (incl. ${notes.join(', ')})` : '';
  console.log(`${family.padEnd(8)} implemented ${String(done).padStart(3)} / total ${String(ops.length).padStart(3)} operations${ext}`);
}
console.log(`${'all'.padEnd(8)} implemented ${String(implemented).padStart(3)} / total ${String(operations.length).padStart(3)} operations`);
