// `npm start` with its code already loaded: imports the server's modules, waits for one line on stdin, then
// runs main.ts unchanged. A crash test spawns this while the server it is about to kill still works, so the
// restart it measures is the server's own start (database, content collection, listen), not loading code.
// Nothing here opens the database or the data folder before the line arrives.
import readline from 'node:readline';

await import('../../packages/server/src/index.ts');
const input = readline.createInterface({ input: process.stdin });
await new Promise((resolve) => input.once('line', resolve));
input.close();
await import('../../packages/server/src/main.ts');
