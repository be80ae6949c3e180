// The SDK's browser-safe entries stay browser-safe: each is bundled the way a web app's bundler would
// (esbuild, platform browser) and nothing in its module graph, however deep, may import a Node builtin.
// Node-only code lives in `@pipeloom/sdk/node`, `./plynx-run` and `./dioptra-run`.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

const BROWSER_SAFE_ENTRIES = ['@pipeloom/sdk', '@pipeloom/sdk/generated', '@pipeloom/sdk/plynx', '@pipeloom/sdk/plynx-graph'];
const NODE_BUILTINS = new Set(builtinModules);
const root = path.resolve(import.meta.dirname, '../..');

/** Bundles `entry` for the browser and returns every Node builtin import met, as "builtin (from importer)". */
async function nodeImportsOf(entry: string): Promise<string[]> {
  const found: string[] = [];
  const recordNodeImports: Plugin = {
    name: 'record-node-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.replace(/^node:/, '').split('/')[0]!;
        if (!args.path.startsWith('node:') && !NODE_BUILTINS.has(bare) && !NODE_BUILTINS.has(args.path)) return undefined;
        found.push(`${args.path} (from ${path.relative(root, args.importer)})`);
        return { path: args.path, external: true };
      });
    },
  };
  await build({
    stdin: { contents: `export * from '${entry}';`, resolveDir: root, loader: 'ts' },
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    // Bundle the TypeScript sources: the same module graph dist/ is compiled from.
    conditions: ['pipeloom-source'],
    logLevel: 'silent',
    plugins: [recordNodeImports],
  });
  return found;
}

describe('browser-safe SDK entries', () => {
  it.each(BROWSER_SAFE_ENTRIES)('When %s is bundled for the browser, then no module in its graph imports a Node builtin', async (entry) => {
    expect(await nodeImportsOf(entry)).toEqual([]);
  });

  it('When a Node-only module is bundled the same way, then the check does see its Node imports', async () => {
    expect(await nodeImportsOf('./packages/sdk/src/workflow/specification-file.ts')).toEqual(['node:fs/promises (from packages/sdk/src/workflow/specification-file.ts)']);
  });
});
