// `npm start`'s process: on SIGTERM it finishes the request in flight, closes the database and exits 0.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

describe('graceful shutdown', () => {
  it('When the server gets SIGTERM, then in-flight requests complete and the process exits 0', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-shutdown-'));
    const child = spawn(process.execPath, ['--conditions=pipeloom-source', '--import', 'tsx', path.join(root, 'packages/server/src/main.ts')], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DATABASE_URL: `file:${path.join(dir, 'db.sqlite')}` },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /API reference at (http:\/\/[^/\s]+)\/docs/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    // A large body keeps a request in flight while the signal arrives.
    const body = JSON.stringify({ user: 'alice', description: 'x'.repeat(5_000_000) });
    const inFlight = fetch(`${url}/torc-service/workflows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await new Promise((r) => setTimeout(r, 20));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await exited).toBe(0);
    expect(out).toContain('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
