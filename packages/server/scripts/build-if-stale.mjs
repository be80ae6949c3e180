#!/usr/bin/env node
// Runs before `npm start` and `npm run db:migrate`: compiles the SDK and the server to JavaScript when
// dist/ is missing or older than any source, and does nothing otherwise. So a fresh clone needs no separate
// build step, an edited checkout never starts stale code, and an image built with `npm run build` starts at once.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const server = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sdk = path.resolve(server, '../sdk');
const stamp = path.join(server, 'dist', '.build-stamp');

/** Newest modification time of a file, or of any file under a directory (0 when it does not exist). */
function newest(dir) {
  if (!fs.existsSync(dir)) return 0;
  let latest = fs.statSync(dir).mtimeMs;
  if (!fs.statSync(dir).isDirectory()) return latest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return latest;
}

const inputs = [
  path.join(sdk, 'src'), path.join(sdk, 'tsconfig.build.json'), path.join(sdk, 'package.json'),
  path.join(server, 'src'), path.join(server, 'tsconfig.build.json'), path.join(server, 'package.json'),
];
const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
if (inputs.every((p) => newest(p) <= built)) process.exit(0);

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
for (const [name, dir] of [['SDK', sdk], ['server', server]]) {
  console.error(`pipeloom: compiling the ${name} to JavaScript (once per source change)...`);
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.build.json')], { cwd: dir, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`pipeloom: the ${name} does not compile; fix the errors above (or run \`npm run dev\`)`);
    process.exit(1);
  }
}
fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
