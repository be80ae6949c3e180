// The BSD-3-Clause LICENSE ships in every package tarball. npm packs a LICENSE only from the package's own
// folder, so each package keeps a copy of the repository's LICENSE; this test keeps the copies identical.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const packages = ['packages/sdk', 'packages/server'];

/** The paths `npm pack` would put in the package's tarball (without building it). */
function packedFiles(dir: string): string[] {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: path.join(root, dir), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm pack failed in ${dir}:\n${result.stderr}`);
  const [pack]: { files: { path: string }[] }[] = JSON.parse(result.stdout);
  return pack!.files.map((f) => f.path);
}

describe('LICENSE', () => {
  it('When the repository LICENSE is read, then it is the BSD-3-Clause text the packages declare', () => {
    const license = fs.readFileSync(path.join(root, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^BSD 3-Clause License\n\nCopyright \(c\) 2026, The Pipeloom authors\n/);
    for (const dir of packages) {
      const manifest: { license?: string } = JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
      expect(manifest.license).toBe('BSD-3-Clause');
    }
  });

  it.each(packages)('When %s is packed, then its tarball holds a LICENSE identical to the repository one', (dir) => {
    expect(fs.readFileSync(path.join(root, dir, 'LICENSE'), 'utf8')).toBe(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8'));
    expect(packedFiles(dir)).toContain('LICENSE');
  });
});
