// The mock runs in browsers: its module graph bundles for `platform: 'browser'` with no Node built-in in it.
import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

describe('@pipeloom/sdk/msw in a browser bundle', () => {
  it('bundles for the browser without any Node built-in module', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../../packages/sdk/src/msw/index.ts', import.meta.url))],
      bundle: true, write: false, platform: 'browser', format: 'esm', metafile: true, logLevel: 'silent',
      // msw is the application's own dependency (a peer); its browser build is not ours to check.
      external: ['msw'],
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((file) => file.startsWith('node:') || /(^|\/)node_modules\/(fs|path|os|child_process)\//.test(file))).toEqual([]);
    expect(inputs.some((file) => file.endsWith('src/msw/create-mock-api.ts'))).toBe(true);
  });
});
