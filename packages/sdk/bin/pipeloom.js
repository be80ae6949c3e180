#!/usr/bin/env node
// The `pipeloom` command. In a source checkout (tsx installed) it runs the TypeScript sources, so it is
// never stale; an installed package runs the build in dist/.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const source = new URL('../src/cli/index.ts', import.meta.url);
let tsx;
try {
  tsx = createRequire(import.meta.url).resolve('tsx/esm/api');
} catch {
  tsx = undefined;
}
if (tsx && existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL('../dist/cli/index.js', import.meta.url).href);
}
