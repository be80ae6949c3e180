// Builds the published SDK into dist/ from a clean slate (ESM, .d.ts, declaration and source maps), so files
// of modules that no longer exist never reach the tarball.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const sdk = new URL('.', import.meta.url);
fs.rmSync(new URL('dist/', sdk), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: sdk, stdio: 'inherit' });
process.exit(result.status ?? 1);
