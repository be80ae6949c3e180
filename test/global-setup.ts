// Builds the SDK once before any test runs: tests spawn the `pipeloom` bin, which only runs the compiled
// JavaScript in packages/sdk/dist, so a stale or missing build would test the wrong code.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export default function buildSdk(): void {
  const root = path.resolve(import.meta.dirname, '..');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build', '-w', '@pipeloom/sdk'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building the SDK failed:\n${result.stdout}${result.stderr}`);
}
