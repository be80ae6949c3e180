#!/usr/bin/env node
// The `pipeloom` command. It always runs the compiled JavaScript in dist/, in a checkout as in an installed
// package, so what is tested is what ships; TypeScript is never compiled at run time.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/index.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('pipeloom: the SDK has not been built (dist/cli/index.js is missing); run `npm run build -w @pipeloom/sdk`\n');
  process.exit(1);
}
await import(entry.href);
