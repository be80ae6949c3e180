// The SDK as published: the tarball holds what a consumer needs and nothing else, and the checks the
// TypeScript ecosystem runs on packages (arethetypeswrong, publint) find no problem in it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packSdk, sdkDir, type PackedSdk } from '../helpers/packed-sdk.ts';

let packed: PackedSdk;
beforeAll(() => { packed = packSdk(); });
afterAll(() => fs.rmSync(packed.dir, { recursive: true, force: true }));

const exportsOf = (): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(sdkDir, 'package.json'), 'utf8')).exports;

describe('the packed SDK', () => {
  it('When the SDK is packed, then the tarball holds dist with declaration maps, the sources they point at, the README and the LICENSE, and no test', () => {
    expect(packed.files).toContain('dist/index.js');
    expect(packed.files).toContain('dist/index.d.ts');
    expect(packed.files).toContain('dist/index.d.ts.map');
    expect(packed.files).toContain('dist/node.d.ts');
    expect(packed.files).toContain('dist/msw/index.js');
    expect(packed.files).toContain('README.md');
    expect(packed.files).toContain('LICENSE');
    // The declaration maps point into src/, so go-to-definition lands on the TypeScript sources.
    expect(packed.files).toContain('src/index.ts');
    expect(packed.files.filter((f) => /\.test\.|(^|\/)test\//.test(f))).toEqual([]);
    for (const f of packed.files) expect(f).toMatch(/^(dist|src|bin)\/|^(package\.json|README\.md|LICENSE)$/);
  });

  it('When every export is listed, then each but the raw OpenAPI document has types, and the source condition comes first', () => {
    for (const [entry, target] of Object.entries(exportsOf())) {
      if (typeof target === 'string') { expect(entry).toBe('./openapi.json'); continue; }
      expect(Object.keys(target as object), entry).toEqual(['pipeloom-source', 'types', 'default']);
    }
  });

  it('When arethetypeswrong checks the tarball as an ESM-only package, then node16 (ESM) and bundler resolution have no problem', () => {
    const attw = path.resolve(sdkDir, '../../node_modules/@arethetypeswrong/cli/dist/index.js');
    const args = [attw, packed.tarball, '--profile', 'esm-only', '--no-color', '--no-emoji', '--format', 'table-flipped'];
    const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  });

  it('When publint lints the tarball, then it reports no error, warning or suggestion', async () => {
    const tarball = fs.readFileSync(packed.tarball);
    const { messages, pkg } = await publint({ pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) }, level: 'suggestion' });
    const report = messages.map((m) => `${m.type}: ${formatMessage(m, pkg)}`);
    expect(report).toEqual([]);
  });
});
