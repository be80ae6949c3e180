// The generated SDK types must always be what openapi.yaml produces: the check passes on the committed
// tree and fails as soon as the spec changes without `npm run codegen`.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

function copyContract(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-codegen-'));
  for (const entry of ['openapi.yaml', 'openapi', 'redocly.yaml', 'packages/sdk/src/generated']) {
    fs.cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

const check = (dir: string) => spawnSync(process.execPath, [path.join(root, 'codegen/codegen.mjs'), '--check', '--root', dir], { encoding: 'utf8' });

describe('codegen check', () => {
  it('When the generated files match openapi.yaml, then the check passes', () => {
    const dir = copyContract();
    const r = check(dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('When openapi.yaml changes without regenerating, then the check fails and names the stale file', () => {
    const dir = copyContract();
    const torc = path.join(dir, 'openapi/torc.yaml');
    const edited = fs.readFileSync(torc, 'utf8').replace('summary: Check that the service is up.', 'summary: Edited by hand.');
    fs.writeFileSync(torc, edited);
    const r = check(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('generated files differ from openapi.yaml');
    expect(r.stderr).toContain('schema.ts');
  });

  it('When the spec has a lint error, then the check fails before generating anything', () => {
    const dir = copyContract();
    const spec = path.join(dir, 'openapi.yaml');
    // A reference that resolves to nothing is an error.
    fs.writeFileSync(spec, fs.readFileSync(spec, 'utf8').replace("'./openapi/torc.yaml#/paths/~1torc-service~1version'", "'./openapi/torc.yaml#/paths/~1no-such-path'"));
    const r = check(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('redocly lint reports errors');
  });

  it('regenerating in place is deterministic', () => {
    const dir = copyContract();
    execFileSync(process.execPath, [path.join(root, 'codegen/codegen.mjs'), '--root', dir]);
    expect(check(dir).status).toBe(0);
  });
});
