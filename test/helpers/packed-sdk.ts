// The SDK as npm would publish it: `npm pack` of packages/sdk into a temporary folder. The scripts are
// skipped because the global setup has already built dist/ from the current sources.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const sdkDir = path.resolve(import.meta.dirname, '../../packages/sdk');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export interface PackedSdk {
  /** The temporary folder holding the tarball; remove it when done. */
  dir: string;
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Every path in the tarball, relative to the package root. */
  files: string[];
}

/** Packs the SDK once into a fresh temporary folder. */
export function packSdk(): PackedSdk {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-sdk-pack-'));
  const out = execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: sdkDir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const [result] = JSON.parse(out) as [{ filename: string; files: { path: string }[] }];
  return { dir, tarball: path.join(dir, result.filename), files: result.files.map((f) => f.path) };
}
