// Builds the SDK before any test runs: tests spawn the `pipeloom` bin, which only runs the compiled
// JavaScript in packages/sdk/dist, so a stale or missing build would test the wrong code. The build is
// skipped when dist is newer than every source file.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const sdk = path.join(root, 'packages/sdk');

/** The newest modification time of the files the build reads. */
function newestInput(): number {
  let newest = 0;
  const visit = (p: string) => {
    const stat = fs.statSync(p);
    if (stat.isDirectory()) for (const entry of fs.readdirSync(p)) visit(path.join(p, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const p of ['src', 'tsconfig.build.json', 'package.json', 'build.mjs']) visit(path.join(sdk, p));
  return newest;
}

export default function buildSdk(): void {
  const built = path.join(sdk, 'dist/cli/index.js');
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs > newestInput()) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build', '-w', '@pipeloom/sdk'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building the SDK failed:\n${result.stdout}${result.stderr}`);
}
