// A server that cannot start says why in one line on stderr and exits 1: no stack trace to dig through,
// and never a server that starts only to answer 500 to every write.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../packages/server/src/db/migrate.ts';

const root = path.resolve(import.meta.dirname, '../..');

function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, ['--conditions=pipeloom-source', '--import', 'tsx', path.join(root, 'packages/server/src/main.ts')], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', PIPELOOM_MIGRATE: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  // A server that wrongly starts would never exit; stop it so the assertion below reports what it printed.
  const watchdog = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) => child.once('exit', (code) => { clearTimeout(watchdog); resolve({ code, stderr, stdout }); }));
}

describe('startup failures', () => {
  let dir: string;
  let taken: net.Server;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-startup-'));
    taken = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => taken.once('listening', r));
  });
  afterAll(() => {
    taken.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('When the port is taken, the SQLite file is read-only, the database is missing, the data directory cannot be created, PostgreSQL is unreachable or a setting is bad, then each ends with one clear line and exit 1', { timeout: 300_000 }, async () => {
    const readOnly = path.join(dir, 'read-only.db');
    await migrateDatabase(`file:${readOnly}`);
    fs.chmodSync(readOnly, 0o444);
    const notADirectory = path.join(dir, 'plain-file');
    fs.writeFileSync(notADirectory, '');
    const port = String((taken.address() as net.AddressInfo).port);
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ PORT: port, DATABASE_URL: `file:${path.join(dir, 'a.db')}` }, /port \d+ is already in use/],
      [{ DATABASE_URL: `file:${readOnly}` }, /read-only/],
      [{ DATABASE_URL: `file:${path.join(dir, 'missing.db')}`, PIPELOOM_MIGRATE: 'false' }, /does not exist.*db:migrate/],
      // A regular file where the data directory should be: even root cannot create a directory there.
      [{ DATABASE_URL: `file:${path.join(notADirectory, 'x.db')}` }, /cannot create the data directory/],
      [{ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nothing' }, /cannot reach PostgreSQL at 127\.0\.0\.1:1/],
      [{ LOG_LEVEL: 'chatty' }, /LOG_LEVEL must be one of/],
    ];
    const results = await Promise.all(cases.map(([env]) => start(env)));
    results.forEach(({ code, stderr, stdout }, i) => {
      const [env, message] = cases[i]!;
      const lines = stderr.trim().split('\n');
      expect({ env, code, lines }).toMatchObject({ code: 1, lines: [expect.stringMatching(message)] });
      expect(lines[0]).toMatch(/^pipeloom: /);
      expect(stdout).not.toContain('listening');
    });
  });
});
