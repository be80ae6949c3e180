// Shared pieces of the benchmarks: servers run in child processes (so the load generator does not steal
// their event loop), and every figure is printed next to a baseline measured in the same run.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Child {
  url: string;
  /** The server process, for reading its CPU time and memory from /proc. */
  pid: number;
  stop(): Promise<void>;
}

/** CPU time (user + system) a process has used so far, in ms; Linux only (NaN elsewhere). */
export function cpuMsOf(pid: number): number {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, counted after the parenthesised command name, in clock ticks (100/s).
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Starts `node --import tsx <script>` with `env` and waits until `url + readyPath` answers 200. */
export async function startChild(script: string, env: Record<string, string>, readyPath: string): Promise<Child> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--conditions=pipeloom-source', '--import', 'tsx', script], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    try {
      if ((await fetch(url + readyPath)).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`${script} did not start within 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // Stopping twice (a bench stops its server early, withServer stops it again) must not wait forever.
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    pid: child.pid!,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** p50 and p99 in ms of `count` calls of `fn`, one at a time, after a short warm-up. */
export async function sequentialLatency(fn: () => Promise<unknown>, count: number): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 20; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await fn();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(count * 0.5)]!, p99: ms[Math.floor(count * 0.99)]! };
}

/** One timed load of `url`: its requests and seconds. */
async function load(url: string, seconds: number, connections: number): Promise<{ requests: number; seconds: number }> {
  const result = await autocannon({ url, connections, duration: seconds });
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { requests: result.requests.total, seconds: result.duration };
}

/**
 * Requests per second of each of `urls` over `seconds` each, measured in interleaved slices (`rounds` of
 * them, each URL in turn) so that a shared machine's speed drifting during the run weighs on every figure
 * alike; measured one after the other, the same server's ratio to a baseline varied from 0.42 to 0.79
 * between runs on a busy machine. Also answers each round's rates, for the spread of the ratios.
 */
export async function interleavedRates(urls: string[], seconds: number, rounds = 5, connections = 16): Promise<{ rates: number[]; perRound: number[][] }> {
  for (const url of urls) await load(url, 1, connections);
  const slice = Math.max(1, Math.round(seconds / rounds));
  const totals = urls.map(() => ({ requests: 0, seconds: 0 }));
  const perRound: number[][] = [];
  for (let r = 0; r < rounds; r++) {
    const round: number[] = [];
    for (const [i, url] of urls.entries()) {
      const got = await load(url, slice, connections);
      totals[i]!.requests += got.requests;
      totals[i]!.seconds += got.seconds;
      round.push(got.requests / got.seconds);
    }
    perRound.push(round);
  }
  return { rates: totals.map((t) => t.requests / t.seconds), perRound };
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * A fresh database for one bench: a temporary SQLite file, or, when `server` names a PostgreSQL server, a new
 * database made on it. `drop` removes it again.
 */
export async function freshDatabase(server: string | undefined, purpose: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (!server) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pipeloom-${purpose}-`));
    return { url: `file:${path.join(dir, `${purpose}.db`)}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `pipeloom_${purpose}_${process.pid}_${Date.now()}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    try { await client.query(statement); } finally { await client.end(); }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
