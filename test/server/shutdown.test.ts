// `npm start` as Docker runs it (`CMD ["npm","start"]`): SIGTERM goes to the npm process only. The server
// must still get it, finish the request in flight, close the database and exit, leaving no process behind
// and the port free.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/** Every process below `pid`, read from /proc (Linux). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch { /* the process ended while we looked */ }
  }
  const out: number[] = [];
  const walk = (p: number) => { for (const c of children.get(p) ?? []) { out.push(c); walk(c); } };
  walk(pid);
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};

const portFree = (port: number) => new Promise<boolean>((resolve) => {
  const socket = net.connect(port, '127.0.0.1');
  socket.once('connect', () => { socket.destroy(); resolve(false); });
  socket.once('error', () => resolve(true));
});

describe.runIf(process.platform === 'linux')('graceful shutdown through npm start', () => {
  it('When npm start gets SIGTERM, then the request in flight completes, every process exits and the port is freed', { timeout: 600_000 }, async () => {
    // Compile once up front so that npm start's own staleness check has nothing to do.
    const build = spawnSync(process.execPath, [path.join(root, 'packages/server/scripts/build-if-stale.mjs')], { stdio: 'inherit' });
    expect(build.status).toBe(0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-shutdown-'));
    const npm = spawn('npm', ['start'], {
      cwd: root,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DATABASE_URL: `file:${path.join(dir, 'db.sqlite')}` },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      npm.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /API reference at (http:\/\/[^/\s]+)\/docs/.exec(out);
        if (m) resolve(m[1]!);
      });
      npm.once('exit', (code) => reject(new Error(`npm start exited early with ${code}: ${out}`)));
    });
    const port = Number(new URL(url).port);
    const tree = descendants(npm.pid!);
    expect(tree.length).toBeGreaterThan(0);

    // A large bulk body keeps a request in flight while the signal arrives.
    const workflow = await (await fetch(`${url}/torc-service/workflows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"alice"}' })).json() as { _key: string };
    const jobs = Array.from({ length: 5_000 }, (_, i) => ({ name: `job-${i}`, command: `echo ${'x'.repeat(1_000)}` }));
    const inFlight = fetch(`${url}/torc-service/workflows/${workflow._key}/bulk_jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jobs }) });
    await new Promise((r) => setTimeout(r, 50));
    npm.kill('SIGTERM');

    expect((await inFlight).status).toBe(200);
    expect(await exited).toBe(0);
    expect(out).toContain('SIGTERM');
    // The server may take a moment after npm to be reaped; poll rather than sleep a fixed time.
    for (let i = 0; i < 100 && tree.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    expect(tree.filter(alive)).toEqual([]);
    expect(await portFree(port)).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
