// CommonJS consumers: the SDK is ESM only, and Node >= 20.19 loads it from `require()` (require of ES
// modules), which holds as long as no module in its graphs uses top-level await. A CommonJS script in a
// consumer folder, with the workspace package linked into its node_modules, proves it for each entry.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkDir } from '../helpers/packed-sdk.ts';

let consumer: string;
beforeAll(() => {
  consumer = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-sdk-require-'));
  fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'cjs-consumer', private: true, type: 'commonjs' }));
  fs.mkdirSync(path.join(consumer, 'node_modules/@pipeloom'), { recursive: true });
  fs.symlinkSync(sdkDir, path.join(consumer, 'node_modules/@pipeloom/sdk'), 'dir');
});
afterAll(() => fs.rmSync(consumer, { recursive: true, force: true }));

const requireIn = (script: string) => spawnSync(process.execPath, ['-e', script], { cwd: consumer, encoding: 'utf8' });

describe('require() of the SDK', () => {
  it('When a CommonJS script requires the root on this Node (>= 20.19), then it gets the client and unwrap', () => {
    const result = requireIn(`
      const { createPipeloomClient, unwrap, ApiError } = require('@pipeloom/sdk');
      const client = createPipeloomClient({ baseUrl: 'http://localhost:8080' });
      console.log([typeof client.GET, typeof unwrap, typeof ApiError].join(' '));`);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('function function function');
  });

  it.each([['@pipeloom/sdk/node', 'runWorker'], ['@pipeloom/sdk/plynx', 'Client'], ['@pipeloom/sdk/plynx-graph', 'generateCode']])(
    'When a CommonJS script requires %s, then %s is there', (entry, name) => {
      const result = requireIn(`console.log(typeof require(${JSON.stringify(entry)})[${JSON.stringify(name)}]);`);
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe('function');
    });
});
