// `pipeloom graph generate-code`: the command function in-process against the real server (stdout, -o file,
// both languages, refusals), and the shipped bin end to end.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTypeScriptCode } from '@pipeloom/sdk/plynx-graph';
import { graphGenerateCode, type GraphCommandContext } from '../../packages/sdk/src/cli/graph-command.ts';
import { openDatabase } from '../../packages/server/src/db/client.ts';
import { createIdentity } from '../../packages/server/src/identity/composition.ts';
import { PROVIDERS } from '../helpers/server.ts';
import { startPlynx, type PlynxFixture } from '../plynx/plynx-fixture.ts';
import { fixtureGraph, fixtureText } from '../plynx/plynx-graph-builders.ts';
import { root } from './helpers.ts';

/** A stream that keeps what is written to it. */
function capture(): Writable & { text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += String(chunk);
      callback();
    },
  });
  return Object.assign(stream, { text: () => text });
}

/** Runs the shipped `pipeloom` bin with `args`. */
function runBin(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env, CI: 'true' };
  delete env.PIPELOOM_URL;
  delete env.PIPELOOM_TOKEN;
  Object.assign(env, extraEnv);
  const child = spawn(process.execPath, [path.join(root, 'packages/sdk/bin/pipeloom.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('pipeloom graph generate-code --help', () => {
  it('When a user asks for help, then the subcommand is listed and documents --language and -o', async () => {
    const help = await runBin(['graph', '--help']);
    expect(help.stdout).toMatch(/^ {2}generate-code /m);
    const own = await runBin(['graph', 'generate-code', '--help']);
    expect(own.stdout).toMatch(/--language <language>[\s\S]*choices: "python", "typescript"[\s\S]*-o, --output <file>/);
  });

  it('When an unknown language is given, then it exits 2 and names the allowed ones', async () => {
    const r = await runBin(['graph', 'generate-code', '65f2c0de9a1b4c0012ab1001', '--language', 'cobol']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Allowed choices are python, typescript');
  });
});

describe.each(PROVIDERS)('pipeloom graph generate-code against the server on %s', (provider) => {
  let p: PlynxFixture;
  let dir: string;
  const graph = fixtureGraph('graph_grep_sum');
  const id = graph._id!;

  const harness = () => {
    const stdout = capture();
    const stderr = capture();
    const ctx: GraphCommandContext = { client: p.alice, url: p.t.url, stdout, stderr };
    return { ctx, stdout, stderr };
  };

  beforeAll(async () => {
    p = await startPlynx(provider);
    dir = mkdtempSync(path.join(os.tmpdir(), 'pipeloom-generate-code-'));
    const saved = await p.alice.POST('/plynx/api/v0/graphs', { body: { graph, actions: ['SAVE'] } });
    expect(saved.data).toMatchObject({ status: 'SUCCESS' });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await p?.close();
  });

  it('When no language is given, then stdout is exactly the Python script PLynx writes', async () => {
    const h = harness();
    expect(await graphGenerateCode(id, {}, h.ctx)).toBe(0);
    expect(h.stdout.text()).toBe(fixtureText('graph_grep_sum.code.txt'));
    expect(h.stderr.text()).toBe('');
  });

  it('When typescript is asked for with -o, then the program is written to the file and the command says where', async () => {
    const file = path.join(dir, 'rebuild.mts');
    const h = harness();
    expect(await graphGenerateCode(id, { language: 'typescript', output: file }, h.ctx)).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(generateTypeScriptCode(graph));
    expect(h.stdout.text()).toBe(`Wrote the typescript code of graph ${id} to ${file}\n`);
  });

  it('When --json is given, then stdout is the id, the language and the code as JSON', async () => {
    const h = harness();
    expect(await graphGenerateCode(id, { language: 'typescript', json: true }, h.ctx)).toBe(0);
    expect(JSON.parse(h.stdout.text())).toEqual({ id, language: 'typescript', code: generateTypeScriptCode(graph) });
  });

  it('When the graph does not exist or the file cannot be written, then it says so and exits 2', async () => {
    const missing = harness();
    expect(await graphGenerateCode('65f2c0de9a1b4c0012ab1001', {}, missing.ctx)).toBe(2);
    expect(missing.stderr.text()).toBe('pipeloom graph generate-code: error: graph 65f2c0de9a1b4c0012ab1001 was not found\n');
    const unwritable = harness();
    expect(await graphGenerateCode(id, { output: path.join(dir, 'no/such/dir/code.py') }, unwritable.ctx)).toBe(2);
    expect(unwritable.stderr.text()).toContain(`pipeloom graph generate-code: error: cannot write ${path.join(dir, 'no/such/dir/code.py')}`);
    expect(unwritable.stdout.text()).toBe('');
  });

  it('When the bin is run with --language typescript -o, then the file holds the program and the exit status is 0', async () => {
    const admin = await openDatabase(p.t.databaseUrl, { migrate: false });
    const token = await createIdentity(admin.db).issueToken('alice').finally(() => admin.close());
    const file = path.join(dir, 'bin.mts');
    const r = await runBin(['graph', 'generate-code', id, '--language', 'typescript', '-o', file], { PIPELOOM_URL: p.t.url, PIPELOOM_TOKEN: token });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(generateTypeScriptCode(graph));
  });
});
