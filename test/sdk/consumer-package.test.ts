// The SDK as a user installs it: the packed tarball goes into a fresh project with TypeScript, whose code
// (test/sdk/consumer/) type-checks under strict with nodenext resolution and with bundler resolution
// (lib DOM, no @types/node: the browser-safe entries' types need nothing from Node), then runs under node
// against a real server. With only msw and vitest added, the README's msw example runs under the project's
// own vitest with no config. The one subprocess-heavy SDK test: npm install needs the registry (or its cache).
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packSdk, sdkDir, type PackedSdk } from '../helpers/packed-sdk.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const rootModules = path.resolve(sdkDir, '../../node_modules');
const versionOf = (name: string): string => JSON.parse(fs.readFileSync(path.join(rootModules, name, 'package.json'), 'utf8')).version;

const strict = { strict: true, noUncheckedIndexedAccess: true, skipLibCheck: false, noEmitOnError: true };
const TSCONFIGS = {
  'tsconfig.nodenext.json': { compilerOptions: { ...strict, target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', types: ['node'], outDir: 'out' }, files: ['src/main.ts'] },
  'tsconfig.bundler.json': { compilerOptions: { ...strict, target: 'ES2022', module: 'esnext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM', 'DOM.Iterable'], types: [], noEmit: true }, files: ['src/browser-app.ts'] },
  // The frontend test vitest runs: its typed overrides must compile against the tarball's declarations too.
  // Without the lib check (the configs above do it for the SDK): checking vitest's and vite's own .d.ts takes 10 s.
  'tsconfig.vitest.json': { compilerOptions: { ...strict, skipLibCheck: true, target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', types: ['node'], noEmit: true }, files: ['src/mock-api.test.ts'] },
};

/** The ```ts block of the README's "Testing your frontend" section. */
function readmeMswExample(): string {
  const readme = fs.readFileSync(path.resolve(sdkDir, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Testing your frontend'));
  return /^```ts\n([\s\S]*?)^```$/m.exec(section)![1]!.trimEnd();
}

let packed: PackedSdk;
let project: string;
let server: TestServer;

const run = (file: string, args: string[], env: NodeJS.ProcessEnv = process.env) => {
  try {
    return execFileSync(file, args, { cwd: project, encoding: 'utf8', env, stdio: 'pipe' });
  } catch (e) {
    const failure = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${path.basename(file)} ${args.join(' ')} failed:\n${failure.stdout ?? ''}${failure.stderr ?? failure.message}`);
  }
};
const tsc = (config: string) => run(process.execPath, [path.join(project, 'node_modules/typescript/bin/tsc'), '-p', config]);

beforeAll(async () => {
  packed = packSdk();
  project = path.join(packed.dir, 'consumer');
  fs.mkdirSync(path.join(project, 'src'), { recursive: true });
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'sdk-consumer', private: true, type: 'module' }));
  for (const [name, config] of Object.entries(TSCONFIGS)) fs.writeFileSync(path.join(project, name), JSON.stringify(config, null, 2));
  for (const file of ['main.ts', 'browser-app.ts']) fs.copyFileSync(path.join(import.meta.dirname, 'consumer', file), path.join(project, 'src', file));
  fs.copyFileSync(path.join(import.meta.dirname, 'consumer/mock-api.example.ts'), path.join(project, 'src/mock-api.test.ts'));
  // The versions the repository uses, so the npm cache serves them; msw by the range the SDK's peer allows.
  run(npm, ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', packed.tarball,
    `typescript@${versionOf('typescript')}`, `@types/node@${versionOf('@types/node')}`, 'msw@^2.15', `vitest@${versionOf('vitest')}`]);
  server = await startTestServer('sqlite');
}, 180_000);

afterAll(async () => {
  await server?.close();
  fs.rmSync(packed.dir, { recursive: true, force: true });
});

describe('a project that installs the packed SDK', () => {
  it('When it installs the tarball, then the SDK comes from the tarball, not from the workspace', () => {
    const installed = path.join(project, 'node_modules/@pipeloom/sdk');
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(fs.existsSync(path.join(installed, 'dist/index.d.ts'))).toBe(true);
  });

  it('When a web app is type-checked with bundler resolution, lib DOM and no @types/node, then tsc finds no error', () => {
    expect(fs.existsSync(path.join(project, 'node_modules/@types/node'))).toBe(true); // present, yet not loaded: types: []
    tsc('tsconfig.bundler.json');
  });

  it('When a Node program is type-checked and compiled with nodenext resolution under strict, then it runs against a real server', async () => {
    tsc('tsconfig.nodenext.json');
    // Asynchronously: the server runs in this process, so a synchronous child would block it.
    const { stdout: out } = await promisify(execFile)(process.execPath, [path.join(project, 'out/main.js')], { cwd: project, env: { ...process.env, PIPELOOM_URL: server.url } });
    expect(JSON.parse(out)).toEqual({ pingPath: '/torc-service/ping', ping: expect.any(String), names: ['consumer'], runId: 1, ready: 1, missing: null });
  });

  it('When the project runs the README\'s msw example under its own vitest with no config, then it type-checks and its tests pass', async () => {
    // The consumer's test holds the README's example line for line.
    const example = fs.readFileSync(path.join(project, 'src/mock-api.test.ts'), 'utf8');
    for (const line of readmeMswExample().split('\n')) expect(example).toContain(line);
    tsc('tsconfig.vitest.json');
    // This process is a vitest worker: its VITEST* variables would make the nested vitest think it is one too.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));
    const outcome = await promisify(execFile)(npx, ['vitest', 'run', '--reporter=json'], { cwd: project, env, maxBuffer: 16 * 1024 * 1024 })
      .catch((e: { stdout?: string; stderr?: string; message: string }) => { throw new Error(`npx vitest run failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`); });
    expect(JSON.parse(outcome.stdout)).toMatchObject({ success: true, numTotalTests: 2, numPassedTests: 2 });
  });
});
